"""Efficacy: helps teacher teams build collective teacher efficacy."""

__version__ = "0.1.0"

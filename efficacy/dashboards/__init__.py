"""Dashboards: the school, team, teacher and district pages, charts, reports and reminders.

This app reads from the domain apps (through :mod:`efficacy.access` and their selectors
and services) and nothing depends on it: an import-linter contract says so. A statistic
is never computed here: a domain function builds the frame and calls ``efficacy.analysis``.
"""

"""Practice: instructional rounds and peer observation.

So far one part, and it needs neither Django nor a database:
:mod:`efficacy.practice.schedule`, the coverage scheduler behind
``efficacy schedule-rounds``.
"""

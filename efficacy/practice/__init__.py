"""Practice: instructional rounds and peer observation (DESIGN.md, "practice/").

- :mod:`.models`: an observation of a cycle's strategies in a host's class, its
  tallies, descriptive notes, photos of student work and debrief;
- :mod:`.services`: every write, re-checking :mod:`efficacy.access.practice`;
- :mod:`.photos`: the size and type checks and the metadata stripping of photos;
- :mod:`.views`: the pages (plan a round, observe, debrief, share);
- :mod:`.schedule`: the coverage scheduler behind ``efficacy schedule-rounds``, on
  CP-SAT, with neither Django nor a database.

Observations are developmental and walled off from evaluation: who reads what is
decided in :mod:`efficacy.access.practice` only.
"""

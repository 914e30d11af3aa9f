"""The demo district: a fictional Ontario secondary school to try Efficacy on.

``efficacy demo`` builds it (``services.demo_build``), deterministically from a
seed. One module per part, so later parts (cycles, evidence, surveys) add a
module and a step in ``services``:

* ``catalogue``: departments, Ontario course codes, each pathway's program;
* ``district``: the district, its school year and semesters, district staff;
* ``timeline``: the school year under way and where the story's dates fall in it;
* ``school``: one school's staff, students, timetable and enrollments;
* ``teams``: the teams and who leads them;
* ``cycles``: each team's inquiry cycle, its evidence and its story;
* ``last_year``: last year's sessions, classes and the cycles four teams closed then;
* ``practice``: what the teams did while their cycles ran: rounds, meetings, the log;
* ``accounts``: usernames, the shared demo password, the printed sign-ins.
"""

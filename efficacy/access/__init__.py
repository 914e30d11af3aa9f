"""Every rule about who may see or change what (DESIGN.md, principle 3), in one package.

* :mod:`efficacy.access.roster`: accounts, schools, teams, classes, students, staff
  and roster imports; the role rules every other module builds on;
* :mod:`efficacy.access.cycles`: inquiry cycles, their evidence and mastery moments;
* :mod:`efficacy.access.practice`: instructional rounds (peer observation), walled
  off from evaluation.

Views, exports, tasks and the API get objects only through these modules: a
``<things>_for(user)`` queryset, an ``access_<thing>(user, id)`` lookup that
answers 404 for a missing or hidden object alike, or a ``can_<verb>`` answer.
This package imports no domain app's services or views, only their models.
"""

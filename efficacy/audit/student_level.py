"""The one registry of URLs that show or export student-level data.

A successful GET of one of these URL names is recorded in the audit log by
:class:`efficacy.audit.middleware.StudentLevelAudit`. Names are the resolver's view
names, with their namespace (``roster:student``; the API's are ``api:<name>``).

Each name is ``VIEW`` (a page) or ``EXPORT`` (a file), and a comment says why it is here.
Left out, on purpose (they hold no individual student's data):

* the dashboards' CSV/XLSX exports (``dashboards:school_export``, ``team_export``,
  ``district_export``): tables of cycles and charts, aggregates above the threshold;
* the impact panel, the learning story and its PDF, the reports: aggregates;
* exit tickets' answers (``voice:ticket_export``): anonymous by construction, no
  student column; staff survey results (``voice:results_export``): staff, aggregated;
* rounds, notes, meetings: about teaching, not students (photos of student work are in).
"""

from __future__ import annotations

VIEW = "view"
EXPORT = "export"

STUDENT_LEVEL: dict[str, str] = {
    # A school's student list: names and numbers of every student.
    "roster:students": VIEW,
    # One student's page: their classes and their evidence.
    "roster:student": VIEW,
    # A class page lists its students by name.
    "roster:class": VIEW,
    # The score grid: one row per student with their scores.
    "cycles:grid": VIEW,
    # The evidence template is pre-filled with the cycle's students (names, numbers).
    "cycles:template": EXPORT,
    # The cycle's evidence export: every score of every student, unsuppressed.
    "cycles:export": EXPORT,
    # The district evidence extract: one row per score, students under a pseudonym
    # valid in one file, still one row per student (Parquet, for analysts).
    "dashboards:district_evidence": EXPORT,
    # Photos of student work taken during a round.
    "practice:photo": VIEW,
    # The REST API (efficacy.api): students by name and number, one student, and a
    # cycle's scores student by student. The evidence list is a pull into a notebook or
    # another system, so it counts as an export.
    "api:students": VIEW,
    "api:student": VIEW,
    "api:evidence": EXPORT,
}


def register(name: str, kind: str = VIEW) -> None:
    """Add a URL name (e.g. ``api:students``) whose successful GET is audited."""
    if kind not in (VIEW, EXPORT):
        raise ValueError(f"not a kind of student-level URL: {kind!r}")
    STUDENT_LEVEL[name] = kind


def kind_of(view_name: str | None) -> str | None:
    """``VIEW`` or ``EXPORT`` for a student-level URL name, else ``None``."""
    if not view_name:
        return None
    return STUDENT_LEVEL.get(view_name)

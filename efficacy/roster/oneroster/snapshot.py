"""What the database already holds, read once per import.

Each model is loaded as ``{sourced_id: (pk, (field values ...))}`` with one
query, so validation can resolve references and the upsert can tell created,
updated and unchanged rows apart without a query per row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.db.models import OuterRef, Subquery

from efficacy.roster.models import (
    AcademicSession,
    AccountEvent,
    Course,
    District,
    Enrollment,
    School,
    SchoolClass,
    Student,
    User,
)

# The fields an import compares and writes, per kind of record.
FIELDS: dict[str, tuple[type[models.Model], tuple[str, ...]]] = {
    "district": (District, ("name", "identifier", "status", "date_last_modified")),
    "school": (School, ("district_id", "name", "identifier", "status", "date_last_modified")),
    "session": (
        AcademicSession,
        (
            "district_id",
            "title",
            "kind",
            "start_date",
            "end_date",
            "parent_id",
            "school_year",
            "status",
            "date_last_modified",
        ),
    ),
    "course": (
        Course,
        ("school_id", "title", "course_code", "grades", "subjects", "status", "date_last_modified"),
    ),
    "class": (
        SchoolClass,
        (
            "school_id",
            "course_id",
            "title",
            "class_code",
            "class_type",
            "location",
            "grades",
            "subjects",
            "periods",
            "status",
            "date_last_modified",
        ),
    ),
    "staff": (
        User,
        (
            "username",
            "first_name",
            "last_name",
            "email",
            "is_active",
            "school_id",
            "district_id",
            "status",
            "date_last_modified",
        ),
    ),
    "student": (
        Student,
        (
            "school_id",
            "given_name",
            "family_name",
            "identifier",
            "grade",
            "pathway",
            "attributes",
            "status",
            "date_last_modified",
        ),
    ),
    "enrollment": (
        Enrollment,
        (
            "school_class_id",
            "school_id",
            "role",
            "student_id",
            "staff_id",
            "primary",
            "begin_date",
            "end_date",
            "status",
            "date_last_modified",
        ),
    ),
}


@dataclass
class Snapshot:
    rows: dict[str, dict[str, tuple[int, tuple]]] = field(default_factory=dict)
    class_terms: dict[int, frozenset[int]] = field(default_factory=dict)
    usernames: dict[str, str | None] = field(default_factory=dict)  # username -> sourced_id
    # Every school's district, imported or not: the importer's scope is a school or a district.
    school_district: dict[int, int] = field(default_factory=dict)
    # Staff (sourcedIds) an administrator deactivated and did not reactivate since.
    deactivated: frozenset[str] = frozenset()

    def pk(self, kind: str, sid: str) -> int | None:
        row = self.rows[kind].get(sid)
        return None if row is None else row[0]

    def value(self, kind: str, sid: str, name: str):
        pk_values = self.rows[kind].get(sid)
        if pk_values is None:
            return None
        return pk_values[1][FIELDS[kind][1].index(name)]


def snapshot_load() -> Snapshot:
    snap = Snapshot()
    for kind, (model, fields) in FIELDS.items():
        snap.rows[kind] = {
            row[1]: (row[0], row[2:])
            for row in model._default_manager.exclude(sourced_id=None)
            .values_list("pk", "sourced_id", *fields)
            .iterator(chunk_size=10_000)
        }
    terms: dict[int, set[int]] = {}
    for class_id, session_id in SchoolClass.terms.through.objects.values_list(
        "schoolclass_id", "academicsession_id"
    ).iterator(chunk_size=10_000):
        terms.setdefault(class_id, set()).add(session_id)
    snap.class_terms = {k: frozenset(v) for k, v in terms.items()}
    snap.usernames = dict(User.objects.values_list("username", "sourced_id"))
    snap.school_district = dict(School.objects.values_list("pk", "district_id"))
    snap.deactivated = deactivated_sids()
    return snap


def deactivated_sids() -> frozenset[str]:
    """The imported staff whose last deactivation or reactivation was a deactivation."""
    Action = AccountEvent.Action
    last_switch = (
        AccountEvent.objects.filter(
            account=OuterRef("pk"), action__in=(Action.DEACTIVATED, Action.REACTIVATED)
        )
        .order_by("-at", "-id")
        .values("action")[:1]
    )
    sids = (
        User.objects.exclude(sourced_id=None)
        .annotate(last_switch=Subquery(last_switch))
        .filter(last_switch=Action.DEACTIVATED)
        .values_list("sourced_id", flat=True)
    )
    return frozenset(sid for sid in sids if sid is not None)

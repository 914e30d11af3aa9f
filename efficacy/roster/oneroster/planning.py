"""Validating a whole export and planning its upsert, without writing anything.

Every row of every file is checked and every problem collected, with its file,
line and column. References (a class's course, an enrollment's user, ...) must
point to a record in the export or one already imported. What survives becomes
a ``Plan``: the records to upsert, each with its references still as
sourcedIds, resolved to primary keys only when the referenced rows exist.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from efficacy.access.roster import RosterScope
from efficacy.roster.models import AcademicSession, Enrollment, Role, Status
from efficacy.roster.oneroster.problems import Problem, Problems
from efficacy.roster.oneroster.reading import Export, Table
from efficacy.roster.oneroster.snapshot import FIELDS, Snapshot
from efficacy.roster.oneroster.specs import (
    CLASS_TYPES,
    DEMOGRAPHIC_FLAGS,
    DEMOGRAPHIC_TEXT,
    ENROLLMENT_ROLES,
    IGNORED_ROLES,
    ORG_TYPES,
    ROLE_TYPES,
    SESSION_TYPES,
    USER_ROLES,
)
from efficacy.roster.oneroster.values import (
    BadValue,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_list,
    parse_status,
    parse_year,
)

# Messages of the per-row choices (classes, users, enrollments: the bulk of an export),
# translated when a problem is shown, not looked up again on every row.
UNKNOWN_CLASS_TYPE = gettext_lazy("unknown class type %(value)s")
CLASS_TYPE_HINT = gettext_lazy("use homeroom or scheduled")
UNKNOWN_ROLE = gettext_lazy("unknown role %(value)s")
ROLE_HINT = gettext_lazy("use a OneRoster role such as student, teacher, aide or administrator")
UNKNOWN_ROLE_TYPE = gettext_lazy("unknown role type %(value)s")
ROLE_TYPE_HINT = gettext_lazy("use primary or secondary")
UNKNOWN_ENROLLMENT_ROLE = gettext_lazy("unknown enrollment role %(value)s")
ENROLLMENT_ROLE_HINT = gettext_lazy("use student, teacher, aide, administrator or proctor")

#: A reference to a record that is neither in the export nor already imported, by the
#: record's kind: the message as a whole sentence (French puts an article before the kind
#: and agrees "imported" with it) and the file the record belongs in.
MISSING_REFS = {
    "org": (
        gettext_lazy("refers to org %(sid)s, which is neither in orgs.csv nor already imported"),
        "orgs.csv",
    ),
    "school": (
        gettext_lazy("refers to school %(sid)s, which is neither in orgs.csv nor already imported"),
        "orgs.csv",
    ),
    "academic_session": (
        gettext_lazy(
            "refers to academic session %(sid)s, which is neither in academicSessions.csv "
            "nor already imported"
        ),
        "academicSessions.csv",
    ),
    "course": (
        gettext_lazy(
            "refers to course %(sid)s, which is neither in courses.csv nor already imported"
        ),
        "courses.csv",
    ),
    "class": (
        gettext_lazy(
            "refers to class %(sid)s, which is neither in classes.csv nor already imported"
        ),
        "classes.csv",
    ),
    "user": (
        gettext_lazy("refers to user %(sid)s, which is neither in users.csv nor already imported"),
        "users.csv",
    ),
}

# OneRoster staff roles as Efficacy roles, given only when an account is created:
# a role a person set in Efficacy is never overwritten by an import.
STAFF_ROLE_MAP = {
    "teacher": Role.TEACHER,
    "aide": Role.TEACHER,
    "proctor": Role.TEACHER,
    "counselor": Role.TEACHER,
    "principal": Role.SCHOOL_LEADER,
    "siteAdministrator": Role.SCHOOL_LEADER,
    "administrator": Role.ADMINISTRATOR,
    "districtAdministrator": Role.ADMINISTRATOR,
    "systemAdministrator": Role.ADMINISTRATOR,
}
ENROLLMENT_ROLE_MAP = {
    "student": Enrollment.EnrollmentRole.STUDENT,
    "teacher": Enrollment.EnrollmentRole.TEACHER,
    "aide": Enrollment.EnrollmentRole.AIDE,
    "proctor": Enrollment.EnrollmentRole.AIDE,
    "administrator": Enrollment.EnrollmentRole.ADMINISTRATOR,
}
PATHWAY_COLUMNS = ("metadata.pathway", "metadata.track")
# Where a stored record's school is, for the kinds that belong to one school.
SCHOOL_INDEX = {
    kind: fields.index("school_id")
    for kind, (_model, fields) in FIELDS.items()
    if "school_id" in fields
}


@dataclass
class Rec:
    """One record to upsert. ``refs`` maps a field to the (kind, sourcedId) it points to."""

    sid: str
    values: dict[str, Any]
    refs: dict[str, tuple[str, str]] = field(default_factory=dict)
    on_create: dict[str, Any] = field(default_factory=dict)
    terms: list[str] | None = None
    depth: int = 0


@dataclass
class Demographic:
    student: str
    values: dict[str, Any]
    managed: frozenset[str]
    retire: bool


@dataclass
class Plan:
    version: str
    files: tuple[str, ...]
    records: dict[str, list[Rec]] = field(default_factory=dict)
    retire: dict[str, list[str]] = field(default_factory=dict)
    # (sid, class, school, role, student, staff, primary, begin, end, modified), as sourcedIds
    enrollments: list[tuple] = field(default_factory=list)
    demographics: list[Demographic] = field(default_factory=list)
    role_rows: dict[str, int] = field(default_factory=dict)  # user sid -> active roles rows
    roles_retired: int = 0
    enrollments_bulk: bool = False


@cache
def _case_map(values: frozenset[str]) -> dict[str, str]:
    return {v.lower(): v for v in values}


class Planner:
    def __init__(self, export: Export, snapshot: Snapshot, problems: Problems, scope: RosterScope):
        self.export = export
        self.snap = snapshot
        self.problems = problems
        self.scope = scope
        # Checked only for a scoped (web) import: the command line imports anything.
        self.scoped = not scope.is_everything
        self.writable_schools = {
            pk
            for pk, district in snapshot.school_district.items()
            if scope.may_write_school(pk, district)
        }
        self.plan = Plan(version=export.version, files=tuple(export.tables))
        for kind in (
            "district",
            "school",
            "session",
            "course",
            "class",
            "staff",
            "student",
            "enrollment",
        ):
            self.plan.records[kind] = []
            self.plan.retire[kind] = []
        # sourcedIds the export defines, by kind
        self.orgs: dict[str, tuple[str, str]] = {}  # sid -> (type, parent sid)
        self.user_kind: dict[str, str] = {}  # sid -> student | staff | ignored
        self.default_district: tuple[str, Any] | None = None
        self._sids: dict[str, set[str]] = {}
        self.sids_users = self.sids("users")
        self.class_sids: set[str] = set()

    # --- reporting ---------------------------------------------------------

    def problem(
        self, table: Table | str, line: int | None, column: str | None, message: str, hint: str
    ) -> None:
        filename = table if isinstance(table, str) else table.filename
        self.problems.append(
            Problem(file=filename, line=line, column=column, message=message, hint=hint)
        )

    def missing_ref(self, table: Table, line: int, column: str, sid: str, kind: str) -> None:
        """``sid`` names a record of ``kind`` (a key of :data:`MISSING_REFS`) that is
        neither in the export nor already imported."""
        message, where = MISSING_REFS[kind]
        self.problem(
            table,
            line,
            column,
            str(message) % {"sid": repr(sid)},
            _("check the sourcedId, or add the record to %(where)s") % {"where": where},
        )

    def parse(
        self, table: Table, line: int, column: str, value: str, parser: Callable[[str], Any]
    ) -> Any:
        try:
            return parser(value)
        except BadValue as bad:
            self.problem(table, line, column, bad.message, bad.hint)
            return None

    def required(self, table: Table, line: int, row: dict[str, str], column: str) -> str:
        value = row.get(column, "")
        if not value:
            self.problem(
                table,
                line,
                column,
                _("a value is required"),
                _("fill in %(column)s on this line") % {"column": column},
            )
        return value

    def choice(
        self,
        table: Table,
        line: int,
        row: dict[str, str],
        column: str,
        values: frozenset[str],
        message: str | Promise,
        hint: str | Promise,
    ) -> str | None:
        """A required column's value as spelled in ``values`` (matched ignoring case).

        None, with a problem reported, when it is missing or unknown; ``message``
        names the unknown value as ``%(value)s``.
        """
        raw = self.required(table, line, row, column)
        value = _case_map(values).get(raw.lower())
        if value is None and raw:
            self.problem(table, line, column, str(message) % {"value": repr(raw)}, str(hint))
        return value

    def rows(
        self, name: str
    ) -> Iterator[tuple[Table, int, dict[str, str], str, bool, datetime | None]]:
        """Rows with a sourcedId, not seen before in the file: (table, line, row, sid, retiring, modified)."""
        table = self.export.tables.get(name)
        if table is None:
            return
        seen: dict[str, int] = {}
        for line, row in table.rows:
            sid = row.get("sourcedId", "")
            if not sid:
                self.required(table, line, row, "sourcedId")
                continue
            if sid in seen:
                self.problem(
                    table,
                    line,
                    "sourcedId",
                    _("duplicate sourcedId %(sid)s, first on line %(first)d")
                    % {"sid": repr(sid), "first": seen[sid]},
                    _("each record appears once; remove or merge the repeated line"),
                )
                continue
            seen[sid] = line
            status = row.get("status", "")
            retiring = bool(status) and bool(
                self.parse(table, line, "status", status, parse_status)
            )
            modified_raw = row.get("dateLastModified", "")
            modified = (
                self.parse(table, line, "dateLastModified", modified_raw, parse_datetime)
                if modified_raw
                else None
            )
            yield table, line, row, sid, retiring, modified

    def in_export(self, name: str) -> bool:
        return name in self.export.tables

    def sids(self, name: str) -> set[str]:
        if name not in self._sids:
            table = self.export.tables.get(name)
            self._sids[name] = (
                {row.get("sourcedId", "") for _line, row in table.rows} if table else set()
            )
        return self._sids[name]

    # --- the importer's scope (access.RosterScope) ---------------------------
    #
    # A record already imported must lie inside the scope, and so must what a row
    # puts it in or attaches it to. A record of the export is checked on its own
    # line, so a reference to it needs no second problem.

    def scope_hint(self) -> str:
        if self.scope.school_id is not None:
            return _(
                "an import from the web changes only records of %(scope)s: remove this line, "
                "or ask a district administrator"
            ) % {"scope": self.scope.name}
        return _(
            "an import from the web changes only records of %(scope)s: remove this line, "
            "or ask the server operator to run efficacy import-roster"
        ) % {"scope": self.scope.name}

    def out_of_scope(self, table: Table, line: int, column: str | None, sid: str) -> None:
        self.problem(
            table,
            line,
            column,
            _("%(sid)s is a record outside your scope (%(scope)s)")
            % {"sid": repr(sid), "scope": self.scope.name},
            self.scope_hint(),
        )

    def existing_ok(self, kind: str, sid: str) -> bool:
        """True unless ``sid`` is an already imported record outside the scope."""
        row = self.snap.rows[kind].get(sid)
        if row is None:
            return True
        if kind == "district":
            return self.scope.may_write_district(row[0])
        if kind == "school":
            return row[0] in self.writable_schools
        if kind == "session":
            return self.scope.may_write_district(self.snap.value(kind, sid, "district_id"))
        if kind == "staff":
            school = self.snap.value(kind, sid, "school_id")
            district = self.snap.school_district.get(
                school, self.snap.value(kind, sid, "district_id")
            )
            return self.scope.may_write_staff(school, district)
        return row[1][SCHOOL_INDEX[kind]] in self.writable_schools

    def plan_retirement(self, table: Table, line: int, kind: str, sid: str) -> None:
        """Plan to retire ``sid``; in a scoped import, an existing record outside the
        scope is a problem instead (the plan is not written then)."""
        if self.scoped and not self.existing_ok(kind, sid):
            self.out_of_scope(table, line, "sourcedId", sid)
        self.plan.retire[kind].append(sid)

    def school_ok(self, sid: str) -> bool:
        """May a row put a record in this school? (An unknown one is reported elsewhere.)"""
        if sid in self.orgs:
            return True
        pk = self.snap.pk("school", sid)
        return pk is None or pk in self.writable_schools

    def district_pk(self, rec: Rec) -> int | None:
        """The district a planned record is in: None for a district new in the export."""
        if "district_id" in rec.refs:
            return self.snap.pk("district", rec.refs["district_id"][1])
        return rec.values.get("district_id")

    def unchanged(self, kind: str, rec: Rec) -> bool:
        """Would writing ``rec`` leave the record already imported exactly as it is?"""
        row = self.snap.rows[kind].get(rec.sid)
        if row is None:
            return False
        values = dict(rec.values)
        for name, (ref_kind, sid) in rec.refs.items():
            values[name] = self.snap.pk(ref_kind, sid)
        return tuple(values.get(name) for name in FIELDS[kind][1]) == row[1]

    def district_row_scope(self, table: Table, line: int, rec: Rec) -> None:
        pk = self.snap.pk("district", rec.sid)
        if self.scope.may_write_district(pk):
            return
        if pk is None:
            self.problem(
                table,
                line,
                "sourcedId",
                _("adds a new district, which only the command line may do"),
                self.scope_hint(),
            )
        elif not (self.scope.may_read_district(pk) and self.unchanged("district", rec)):
            # A school's export may list its district as it is, never change it.
            self.out_of_scope(table, line, "sourcedId", rec.sid)

    def school_row_scope(self, table: Table, line: int, rec: Rec) -> None:
        district = self.district_pk(rec)
        if district is None:
            return  # a new district: reported on its own line
        pk = self.snap.pk("school", rec.sid)
        if pk is None and not self.scope.may_write_school(None, district):
            self.problem(
                table,
                line,
                "sourcedId",
                _("adds a new school, which only a district administrator may do"),
                self.scope_hint(),
            )
        elif pk is not None and not (
            pk in self.writable_schools and self.scope.may_write_school(pk, district)
        ):
            self.out_of_scope(table, line, "sourcedId", rec.sid)

    def session_row_scope(self, table: Table, line: int, rec: Rec) -> None:
        pk = self.snap.pk("session", rec.sid)
        if pk is None:
            district = self.district_pk(rec)
            if district is not None and not self.scope.may_add_session(district):
                self.out_of_scope(table, line, None, rec.sid)
        elif not self.existing_ok("session", rec.sid):
            stored = self.snap.value("session", rec.sid, "district_id")
            if not (self.scope.may_read_district(stored) and self.unchanged("session", rec)):
                self.out_of_scope(table, line, "sourcedId", rec.sid)
        parent = rec.refs.get("parent_id")
        if (
            parent
            and parent[1] in self.snap.rows["session"]
            and parent[1] not in self.sids("academicSessions")
        ):
            parent_district = self.snap.value("session", parent[1], "district_id")
            if not self.scope.may_read_district(parent_district):
                self.out_of_scope(table, line, "parentSourcedId", parent[1])

    def staff_row_scope(self, table: Table, line: int, rec: Rec, column: str | None) -> None:
        if not self.existing_ok("staff", rec.sid):
            self.out_of_scope(table, line, "sourcedId", rec.sid)
            return
        if "school_id" in rec.refs:
            school = rec.refs["school_id"][1]
            if not self.school_ok(school):
                self.out_of_scope(table, line, column, school)
            return
        school_pk = rec.values.get("school_id")
        if school_pk is not None:
            ok = school_pk in self.writable_schools
        else:  # a district-wide account
            district = self.district_pk(rec)
            new_district = district is None and "district_id" in rec.refs
            ok = new_district or self.scope.may_write_staff(None, district)
        if not ok:
            self.problem(
                table,
                line,
                column,
                _("puts %(sid)s outside your scope (%(scope)s)")
                % {"sid": repr(rec.sid), "scope": self.scope.name},
                self.scope_hint(),
            )

    def user_ok(self, sid: str) -> bool:
        """A user this export lists is checked on its line; another must be in scope."""
        if sid in self.user_kind or sid in self.sids_users:
            return True
        return self.existing_ok("student", sid) and self.existing_ok("staff", sid)

    # --- the files -----------------------------------------------------------

    def run(self) -> Plan:
        self.orgs_plan()
        self.sessions_plan()
        self.courses_plan()
        self.classes_plan()
        self.users_plan()
        self.enrollments_plan()
        self.demographics_plan()
        return self.plan

    def orgs_plan(self) -> None:
        rows: list[tuple[Table, int, dict[str, str], str, datetime | None]] = []
        for table, line, row, sid, retiring, modified in self.rows("orgs"):
            if retiring:
                kind = "district" if sid in self.snap.rows["district"] else "school"
                self.plan_retirement(table, line, kind, sid)
                continue
            self.required(table, line, row, "name")
            org_type = self.choice(
                table,
                line,
                row,
                "type",
                ORG_TYPES,
                _("unknown org type %(value)s"),
                _("use one of: %(types)s") % {"types": ", ".join(sorted(ORG_TYPES))},
            )
            self.orgs[sid] = (org_type or "", row.get("parentSourcedId", ""))
            rows.append((table, line, row, sid, modified))

        districts = [sid for sid, (t, _p) in self.orgs.items() if t == "district"]
        if districts:
            self.default_district = ("ref", districts[0])
        elif self.scoped:
            # An export that names no district is of the importer's.
            self.default_district = ("pk", self.scope.district_id)
        else:
            active = [
                sid for sid, (_pk, v) in self.snap.rows["district"].items() if v[2] == Status.ACTIVE
            ]
            if len(active) == 1:
                self.default_district = ("pk", self.snap.rows["district"][active[0]][0])

        for table, line, row, sid, modified in rows:
            org_type = self.orgs[sid][0]
            base = {
                "name": row["name"],
                "identifier": row.get("identifier", ""),
                "status": Status.ACTIVE,
                "date_last_modified": modified,
            }
            if org_type == "district":
                rec = Rec(sid=sid, values=base)
                if self.scoped:
                    self.district_row_scope(table, line, rec)
                self.plan.records["district"].append(rec)
            elif org_type == "school":
                rec = Rec(sid=sid, values={**base})
                if self.school_district(table, line, sid, rec):
                    if self.scoped:
                        self.school_row_scope(table, line, rec)
                    self.plan.records["school"].append(rec)

    def school_district(self, table: Table, line: int, sid: str, rec: Rec) -> bool:
        parent = self.orgs[sid][1]
        seen = {sid}
        # Walk up through local or state orgs until a district.
        while parent and parent in self.orgs and parent not in seen:
            if self.orgs[parent][0] == "district":
                rec.refs["district_id"] = ("district", parent)
                return True
            seen.add(parent)
            parent = self.orgs[parent][1]
        if parent and parent in self.snap.rows["district"]:
            rec.values["district_id"] = self.snap.rows["district"][parent][0]
            return True
        if parent and parent not in seen:
            self.missing_ref(table, line, "parentSourcedId", parent, "org")
            return False
        existing = self.snap.value("school", sid, "district_id")
        if existing is not None:
            rec.values["district_id"] = existing
            return True
        if (
            self.default_district is not None
            and len([1 for t, _p in self.orgs.values() if t == "district"]) <= 1
        ):
            # The only district there is: unambiguous.
            self.set_default_district(rec)
            return True
        self.problem(
            table,
            line,
            "parentSourcedId",
            _("the school has no district"),
            _("give the sourcedId of the school's district as parentSourcedId"),
        )
        return False

    def set_default_district(self, rec: Rec) -> None:
        how, value = self.default_district  # type: ignore[misc]
        if how == "ref":
            rec.refs["district_id"] = ("district", value)
        else:
            rec.values["district_id"] = value

    def is_school(self, sid: str) -> bool:
        return self.orgs.get(sid, ("", ""))[0] == "school" or (
            sid not in self.orgs and sid in self.snap.rows["school"]
        )

    def is_district(self, sid: str) -> bool:
        return self.orgs.get(sid, ("", ""))[0] == "district" or (
            sid not in self.orgs and sid in self.snap.rows["district"]
        )

    def school_ref(self, rec: Rec, field_name: str, sid: str) -> None:
        rec.refs[field_name] = ("school", sid)

    def district_of_school(self, sid: str) -> tuple[str, Any] | None:
        if sid in self.orgs:
            for rec in self.plan.records["school"]:
                if rec.sid == sid:
                    return (
                        ("ref", rec.refs["district_id"][1])
                        if "district_id" in rec.refs
                        else ("pk", rec.values["district_id"])
                    )
            return None
        pk = self.snap.value("school", sid, "district_id")
        return None if pk is None else ("pk", pk)

    def sessions_plan(self) -> None:
        parents: dict[str, str] = {}
        by_sid: dict[str, Rec] = {}
        for table, line, row, sid, retiring, modified in self.rows("academicSessions"):
            if retiring:
                self.plan_retirement(table, line, "session", sid)
                continue
            self.required(table, line, row, "title")
            kind = self.choice(
                table,
                line,
                row,
                "type",
                SESSION_TYPES,
                _("unknown session type %(value)s"),
                _("use one of: %(types)s") % {"types": ", ".join(sorted(SESSION_TYPES))},
            )
            start = self.required(table, line, row, "startDate") and self.parse(
                table, line, "startDate", row["startDate"], parse_date
            )
            end = self.required(table, line, row, "endDate") and self.parse(
                table, line, "endDate", row["endDate"], parse_date
            )
            if start and end and end < start:
                self.problem(
                    table,
                    line,
                    "endDate",
                    _("the session ends before it starts"),
                    _("check startDate and endDate"),
                )
            year = self.required(table, line, row, "schoolYear") and self.parse(
                table, line, "schoolYear", row["schoolYear"], parse_year
            )
            rec = Rec(
                sid=sid,
                values={
                    "title": row.get("title", ""),
                    "kind": kind or AcademicSession.Kind.TERM,
                    "start_date": start,
                    "end_date": end,
                    "school_year": year,
                    "status": Status.ACTIVE,
                    "date_last_modified": modified,
                    "parent_id": None,
                },
            )
            existing = self.snap.value("session", sid, "district_id")
            if existing is not None:
                rec.values["district_id"] = existing
            elif self.default_district is not None:
                self.set_default_district(rec)
            else:
                self.problem(
                    table,
                    line,
                    None,
                    _("cannot tell which district this session belongs to"),
                    _("add the district to orgs.csv in the same export"),
                )
            parent = row.get("parentSourcedId", "")
            if parent:
                parents[sid] = parent
                rec.refs["parent_id"] = ("session", parent)
            if self.scoped:
                self.session_row_scope(table, line, rec)
            by_sid[sid] = rec
            self.plan.records["session"].append(rec)
        # Parents are written before their children: order the records by depth.
        for sid, parent in parents.items():
            if parent not in by_sid and parent not in self.snap.rows["session"]:
                table = self.export.tables["academicSessions"]
                line = next(ln for ln, r in table.rows if r.get("sourcedId") == sid)
                self.missing_ref(
                    table,
                    line,
                    "parentSourcedId",
                    parent,
                    "academic_session",
                )
        for sid, rec in by_sid.items():
            depth, current, seen = 0, sid, {sid}
            while current in parents and parents[current] in by_sid:
                current = parents[current]
                if current in seen:
                    table = self.export.tables["academicSessions"]
                    line = next(ln for ln, r in table.rows if r.get("sourcedId") == sid)
                    self.problem(
                        table,
                        line,
                        "parentSourcedId",
                        _("sessions are each other's parents"),
                        _("a session's parent must be a longer session, never itself or its child"),
                    )
                    break
                seen.add(current)
                depth += 1
            rec.depth = depth

    def courses_plan(self) -> None:
        courses_in_export = self.sids("courses")
        # A district-wide course goes to the school of its first class.
        first_school: dict[str, str] = {}
        classes = self.export.tables.get("classes")
        if classes:
            for _line, row in classes.rows:
                course = row.get("courseSourcedId", "")
                if course in courses_in_export and course not in first_school:
                    first_school[course] = row.get("schoolSourcedId", "")
        for table, line, row, sid, retiring, modified in self.rows("courses"):
            if retiring:
                self.plan_retirement(table, line, "course", sid)
                continue
            self.required(table, line, row, "title")
            rec = Rec(
                sid=sid,
                values={
                    "title": row.get("title", ""),
                    "course_code": row.get("courseCode", ""),
                    "grades": parse_list(row.get("grades", "")),
                    "subjects": parse_list(row.get("subjects", "")),
                    "status": Status.ACTIVE,
                    "date_last_modified": modified,
                },
            )
            org = self.required(table, line, row, "orgSourcedId")
            if not org:
                continue
            if self.is_school(org):
                rec.refs["school_id"] = ("school", org)
            elif self.is_district(org):
                existing = self.snap.value("course", sid, "school_id")
                if first_school.get(sid) and self.is_school(first_school[sid]):
                    rec.refs["school_id"] = ("school", first_school[sid])
                elif existing is not None:
                    rec.values["school_id"] = existing
                else:
                    self.problem(
                        table,
                        line,
                        "orgSourcedId",
                        _("the district-wide course has no class in any school"),
                        _(
                            "Efficacy keeps courses per school: give the school's sourcedId, or add a class of this course"
                        ),
                    )
                    continue
            else:
                self.missing_ref(table, line, "orgSourcedId", org, "school")
                continue
            if self.scoped:
                self.course_row_scope(table, line, rec, org)
            self.plan.records["course"].append(rec)

    def course_row_scope(self, table: Table, line: int, rec: Rec, org: str) -> None:
        if not self.existing_ok("course", rec.sid):
            self.out_of_scope(table, line, "sourcedId", rec.sid)
        elif (
            self.is_district(org)
            and org not in self.orgs
            and not self.scope.may_read_district(self.snap.pk("district", org))
        ):
            self.out_of_scope(table, line, "orgSourcedId", org)
        if "school_id" in rec.refs:
            school = rec.refs["school_id"][1]
            if not self.school_ok(school):
                self.out_of_scope(table, line, "orgSourcedId", school)
        elif rec.values.get("school_id") not in self.writable_schools:
            self.out_of_scope(table, line, "orgSourcedId", org)

    def classes_plan(self) -> None:
        courses = self.sids("courses") | self.snap.rows["course"].keys()
        sessions = self.sids("academicSessions") | self.snap.rows["session"].keys()
        for table, line, row, sid, retiring, modified in self.rows("classes"):
            if retiring:
                self.plan_retirement(table, line, "class", sid)
                continue
            self.required(table, line, row, "title")
            class_type = self.choice(
                table,
                line,
                row,
                "classType",
                CLASS_TYPES,
                UNKNOWN_CLASS_TYPE,
                CLASS_TYPE_HINT,
            )
            rec = Rec(
                sid=sid,
                values={
                    "title": row.get("title", ""),
                    "class_code": row.get("classCode", ""),
                    "class_type": class_type or "scheduled",
                    "location": row.get("location", ""),
                    "grades": parse_list(row.get("grades", "")),
                    "subjects": parse_list(row.get("subjects", "")),
                    "periods": parse_list(row.get("periods", "")),
                    "status": Status.ACTIVE,
                    "date_last_modified": modified,
                },
            )
            course = self.required(table, line, row, "courseSourcedId")
            if course and course not in courses:
                self.missing_ref(table, line, "courseSourcedId", course, "course")
            rec.refs["course_id"] = ("course", course)
            school = self.required(table, line, row, "schoolSourcedId")
            if school and not self.is_school(school):
                self.missing_ref(table, line, "schoolSourcedId", school, "school")
            rec.refs["school_id"] = ("school", school)
            terms = parse_list(self.required(table, line, row, "termSourcedIds"))
            for term in terms:
                if term not in sessions:
                    self.missing_ref(
                        table,
                        line,
                        "termSourcedIds",
                        term,
                        "academic_session",
                    )
            rec.terms = terms
            if self.scoped:
                self.class_row_scope(table, line, rec)
            self.plan.records["class"].append(rec)

    def class_row_scope(self, table: Table, line: int, rec: Rec) -> None:
        if not self.existing_ok("class", rec.sid):
            self.out_of_scope(table, line, "sourcedId", rec.sid)
        school = rec.refs["school_id"][1]
        if school and not self.school_ok(school):
            self.out_of_scope(table, line, "schoolSourcedId", school)
        course = rec.refs["course_id"][1]
        if course not in self.sids("courses") and not self.existing_ok("course", course):
            self.out_of_scope(table, line, "courseSourcedId", course)
        in_export = self.sids("academicSessions")
        for term in rec.terms or ():
            if term in in_export or term not in self.snap.rows["session"]:
                continue
            if not self.scope.may_read_district(self.snap.value("session", term, "district_id")):
                self.out_of_scope(table, line, "termSourcedIds", term)

    def roles_by_user(self) -> dict[str, list[tuple[str, str, str]]]:
        """1.2: each user's (roleType, role, org) from roles.csv, primary roles first."""
        found: dict[str, list[tuple[str, str, str]]] = {}
        users = (
            self.sids("users") | self.snap.rows["student"].keys() | self.snap.rows["staff"].keys()
        )
        for table, line, row, _sid, retiring, _modified in self.rows("roles"):
            if retiring:
                self.plan.roles_retired += 1
                continue
            user = self.required(table, line, row, "userSourcedId")
            role = self.choice(
                table,
                line,
                row,
                "role",
                USER_ROLES,
                UNKNOWN_ROLE,
                ROLE_HINT,
            )
            role_type = self.choice(
                table,
                line,
                row,
                "roleType",
                ROLE_TYPES,
                UNKNOWN_ROLE_TYPE,
                ROLE_TYPE_HINT,
            )
            org = self.required(table, line, row, "orgSourcedId")
            if (
                org
                and org not in self.orgs
                and not self.is_school(org)
                and not self.is_district(org)
            ):
                self.missing_ref(table, line, "orgSourcedId", org, "org")
            if user and user not in users:
                self.missing_ref(table, line, "userSourcedId", user, "user")
            if self.scoped:
                self.role_row_scope(table, line, user, org)
            if user and role and role_type:
                found.setdefault(user, []).append((role_type, role, org))
        for user, entries in found.items():
            entries.sort(key=lambda e: e[0] != "primary")
            self.plan.role_rows[user] = len(entries)
        return found

    def role_row_scope(self, table: Table, line: int, user: str, org: str) -> None:
        if user and not self.user_ok(user):
            self.out_of_scope(table, line, "userSourcedId", user)
        if not org or org in self.orgs:
            return
        if (self.is_school(org) and not self.school_ok(org)) or (
            self.is_district(org)
            and not self.scope.may_read_district(self.snap.pk("district", org))
        ):
            self.out_of_scope(table, line, "orgSourcedId", org)

    def users_plan(self) -> None:
        table = self.export.tables.get("users")
        v12 = self.export.version == "1.2"
        roles_of = self.roles_by_user() if v12 else {}
        roles = _case_map(USER_ROLES)
        pathway_column = next((c for c in PATHWAY_COLUMNS if table and c in table.columns), None)
        attribute_columns = [
            c for c in (table.metadata_columns if table else ()) if c not in PATHWAY_COLUMNS
        ]
        usernames: dict[str, int] = {}
        for table, line, row, sid, retiring, modified in self.rows("users"):
            if v12:
                entries = roles_of.get(sid, [])
                role = entries[0][1] if entries else None
                orgs = [org for _t, _r, org in entries]
                if row.get("primaryOrgSourcedId"):
                    orgs.insert(0, row["primaryOrgSourcedId"])
            else:
                raw_role = row.get("role", "")
                role = roles.get(raw_role.lower())
                orgs = parse_list(row.get("orgSourcedIds", ""))
            if role is None and (v12 or not row.get("role") or retiring):
                # No role given: an already imported user keeps what they are.
                kind = (
                    "student"
                    if sid in self.snap.rows["student"]
                    else ("staff" if sid in self.snap.rows["staff"] else None)
                )
            elif role is None:
                kind = None  # an unknown role, reported below
            else:
                kind = (
                    "student"
                    if role == "student"
                    else ("ignored" if role in IGNORED_ROLES else "staff")
                )
            if retiring:
                if kind in ("student", "staff"):
                    self.plan_retirement(table, line, kind, sid)
                continue
            if kind is None:
                if v12:
                    self.problem(
                        table,
                        line,
                        None,
                        _("the user has no role"),
                        _("give the user a role in roles.csv"),
                    )
                elif not row.get("role"):
                    self.required(table, line, row, "role")
                else:
                    self.problem(
                        table,
                        line,
                        "role",
                        _("unknown role %(role)s") % {"role": repr(row["role"])},
                        _("use a OneRoster role such as student, teacher, aide or administrator"),
                    )
                continue
            self.user_kind[sid] = kind
            if kind == "ignored":
                continue
            given = self.required(table, line, row, "givenName")
            family = self.required(table, line, row, "familyName")
            enabled_raw = row.get("enabledUser", "")
            # An empty enabledUser is read as enabled: a roster lists the people who are there.
            enabled = (
                True
                if not enabled_raw
                else self.parse(table, line, "enabledUser", enabled_raw, parse_bool)
            )
            for org in orgs:
                if org not in self.orgs and not self.is_school(org) and not self.is_district(org):
                    self.missing_ref(
                        table,
                        line,
                        "primaryOrgSourcedId" if v12 else "orgSourcedIds",
                        org,
                        "org",
                    )
            school = next((o for o in orgs if self.is_school(o)), None)
            district = self.district_of_school(school) if school else None
            if district is None:
                district_sid = next((o for o in orgs if self.is_district(o)), None)
                district = ("ref", district_sid) if district_sid else None
            if kind == "student":
                rec = Rec(
                    sid=sid,
                    values={
                        "given_name": given,
                        "family_name": family,
                        "identifier": row.get("identifier", ""),
                        "grade": (parse_list(row.get("grades", "")) or [""])[0],
                        "status": Status.ACTIVE,
                        "date_last_modified": modified,
                    },
                )
                existing_pathway = self.snap.value("student", sid, "pathway")
                rec.values["pathway"] = (
                    row[pathway_column] if pathway_column else (existing_pathway or "")
                )
                attributes = dict(self.snap.value("student", sid, "attributes") or {})
                for column in attribute_columns:
                    key = column[len("metadata.") :]
                    if row[column]:
                        attributes[key] = row[column]
                    else:
                        attributes.pop(key, None)
                rec.values["attributes"] = attributes
                if school:
                    rec.refs["school_id"] = ("school", school)
                elif sid in self.snap.rows["student"] and not orgs:
                    rec.values["school_id"] = self.snap.value("student", sid, "school_id")
                else:
                    self.problem(
                        table,
                        line,
                        "orgSourcedIds" if not v12 else None,
                        _("the student is in no school"),
                        _("give the student's school among its orgs")
                        if not v12
                        else _("give the student a role in a school in roles.csv"),
                    )
                    continue
                if self.scoped:
                    self.student_row_scope(table, line, rec, "orgSourcedIds" if not v12 else None)
                self.plan.records["student"].append(rec)
                continue
            username = row.get("username") or sid
            if len(username) > 150:
                self.problem(
                    table,
                    line,
                    "username",
                    _("the username is longer than 150 characters"),
                    _("shorten it"),
                )
            elif username in usernames:
                self.problem(
                    table,
                    line,
                    "username",
                    _("username %(name)s is already used on line %(first)d")
                    % {"name": repr(username), "first": usernames[username]},
                    _("each staff member needs a username of their own"),
                )
            elif self.snap.usernames.get(username, sid) != sid:
                self.problem(
                    table,
                    line,
                    "username",
                    _("username %(name)s already belongs to another Efficacy account")
                    % {"name": repr(username)},
                    _("change the username in the export, or rename the existing account"),
                )
            usernames[username] = line
            rec = Rec(
                sid=sid,
                values={
                    "username": username,
                    "first_name": given[:150],
                    "last_name": family[:150],
                    "email": row.get("email", ""),
                    # An administrator's deactivation outlasts the export's enabledUser:
                    # only the administrator turns the account back on.
                    "is_active": bool(enabled) and sid not in self.snap.deactivated,
                    "status": Status.ACTIVE,
                    "date_last_modified": modified,
                    "school_id": None,
                    "district_id": None,
                },
                on_create={"role": STAFF_ROLE_MAP.get(role or "", Role.TEACHER)},
            )
            if school:
                rec.refs["school_id"] = ("school", school)
            if district:
                if district[0] == "ref":
                    rec.refs["district_id"] = ("district", district[1])
                else:
                    rec.values["district_id"] = district[1]
            if v12 and not entries and sid in self.snap.rows["staff"]:
                # A delta with no roles for this user leaves where they work alone.
                rec.refs.pop("school_id", None)
                rec.refs.pop("district_id", None)
                rec.values["school_id"] = self.snap.value("staff", sid, "school_id")
                rec.values["district_id"] = self.snap.value("staff", sid, "district_id")
            if self.scoped:
                self.staff_row_scope(table, line, rec, "orgSourcedIds" if not v12 else None)
            self.plan.records["staff"].append(rec)

    def student_row_scope(self, table: Table, line: int, rec: Rec, column: str | None) -> None:
        if not self.existing_ok("student", rec.sid):
            self.out_of_scope(table, line, "sourcedId", rec.sid)
        elif "school_id" in rec.refs and not self.school_ok(rec.refs["school_id"][1]):
            self.out_of_scope(table, line, column, rec.refs["school_id"][1])

    def kind_of_user(self, sid: str) -> str | None:
        """student, staff, ignored, invalid (its own line has a problem) or None (unknown)."""
        kind = self.user_kind.get(sid)
        if kind is not None:
            return kind
        if sid in self.sids_users:
            return "invalid"
        if sid in self.snap.rows["student"]:
            return "student"
        if sid in self.snap.rows["staff"]:
            return "staff"
        return None

    def enrollments_plan(self) -> None:
        table = self.export.tables.get("enrollments")
        if table is None:
            return
        self.plan.enrollments_bulk = table.mode == "bulk"
        self.class_sids = self.sids("classes")
        classes = self.class_sids | self.snap.rows["class"].keys()
        records = self.plan.enrollments
        for table, line, row, sid, retiring, modified in self.rows("enrollments"):
            if retiring:
                self.plan_retirement(table, line, "enrollment", sid)
                continue
            school_class = row.get("classSourcedId", "")
            if school_class not in classes:
                if school_class:
                    self.missing_ref(table, line, "classSourcedId", school_class, "class")
                else:
                    self.required(table, line, row, "classSourcedId")
            school = row.get("schoolSourcedId", "")
            if not self.is_school(school):
                if school:
                    self.missing_ref(table, line, "schoolSourcedId", school, "school")
                else:
                    self.required(table, line, row, "schoolSourcedId")
            role = self.choice(
                table,
                line,
                row,
                "role",
                ENROLLMENT_ROLES,
                UNKNOWN_ENROLLMENT_ROLE,
                ENROLLMENT_ROLE_HINT,
            )
            if role is None:
                continue
            user = row.get("userSourcedId", "")
            kind = self.kind_of_user(user)
            want = "student" if role == "student" else "staff"
            if kind is None:
                if user:
                    self.missing_ref(table, line, "userSourcedId", user, "user")
                else:
                    self.required(table, line, row, "userSourcedId")
                continue
            if kind == "invalid":
                continue
            if kind != want:
                self.problem(
                    table,
                    line,
                    "userSourcedId",
                    _("user %(sid)s is enrolled as %(role)s but is not a %(want)s")
                    % {
                        "sid": repr(user),
                        "role": role,
                        "want": _("student") if want == "student" else _("staff member"),
                    },
                    _("check the enrollment's role and the user's role"),
                )
                continue
            if self.scoped:
                self.enrollment_row_scope(table, line, sid, school_class, school, user)
            primary_raw = row.get("primary", "")
            begin = row.get("beginDate", "")
            end = row.get("endDate", "")
            # Enrollments are the bulk of an export: a plain tuple each, not a Rec.
            records.append(
                (
                    sid,
                    school_class,
                    school,
                    ENROLLMENT_ROLE_MAP[role],
                    user if want == "student" else None,
                    None if want == "student" else user,
                    bool(primary_raw)
                    and bool(self.parse(table, line, "primary", primary_raw, parse_bool)),
                    self.parse(table, line, "beginDate", begin, parse_date) if begin else None,
                    self.parse(table, line, "endDate", end, parse_date) if end else None,
                    modified,
                )
            )

    def enrollment_row_scope(
        self, table: Table, line: int, sid: str, school_class: str, school: str, user: str
    ) -> None:
        """Nothing of another scope is enrolled, nor any class of it filled."""
        if not self.existing_ok("enrollment", sid):
            self.out_of_scope(table, line, "sourcedId", sid)
        if school and not self.school_ok(school):
            self.out_of_scope(table, line, "schoolSourcedId", school)
        if school_class not in self.class_sids and not self.existing_ok("class", school_class):
            self.out_of_scope(table, line, "classSourcedId", school_class)
        if not self.user_ok(user):
            self.out_of_scope(table, line, "userSourcedId", user)

    def demographics_plan(self) -> None:
        table = self.export.tables.get("demographics")
        if table is None:
            return
        flags = [c for c in DEMOGRAPHIC_FLAGS if c in table.columns]
        texts = [c for c in DEMOGRAPHIC_TEXT if c in table.columns]
        extra = list(table.metadata_columns)
        managed = frozenset([*flags, *texts, *(c[len("metadata.") :] for c in extra)])
        for table, line, row, sid, retiring, _modified in self.rows("demographics"):
            kind = self.kind_of_user(sid)
            if kind is None:
                self.missing_ref(table, line, "sourcedId", sid, "user")
                continue
            if kind != "student":
                continue  # Efficacy keeps no demographics of staff.
            if self.scoped and not self.user_ok(sid):
                self.out_of_scope(table, line, "sourcedId", sid)
            if retiring:
                self.plan.demographics.append(
                    Demographic(student=sid, values={}, managed=managed, retire=True)
                )
                continue
            values: dict[str, Any] = {}
            for column in flags:
                if row[column]:
                    values[column] = self.parse(table, line, column, row[column], parse_bool)
            for column in texts:
                if row[column]:
                    values[column] = row[column]
            if row.get("birthDate"):
                parsed = self.parse(table, line, "birthDate", row["birthDate"], parse_date)
                values["birthDate"] = parsed.isoformat() if parsed else None
            for column in extra:
                if row[column]:
                    values[column[len("metadata.") :]] = row[column]
            self.plan.demographics.append(
                Demographic(student=sid, values=values, managed=managed, retire=False)
            )


def plan_build(
    *, export: Export, snapshot: Snapshot, problems: Problems, scope: RosterScope
) -> Plan:
    """Validate the export against itself, the database and the importer's ``scope``;
    problems go to ``problems``."""
    return Planner(export, snapshot, problems, scope).run()

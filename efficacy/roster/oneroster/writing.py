"""Writing a validated plan: upserts by sourcedId, in bulk, counting what changed.

Existing rows come from the snapshot read before validation; a row whose
compared fields already hold the planned values is not touched.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, partial
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.models import DateField, JSONField, Model

from efficacy.roster.models import SchoolClass, Status
from efficacy.roster.oneroster.planning import Plan, Rec
from efficacy.roster.oneroster.problems import new_counts
from efficacy.roster.oneroster.snapshot import FIELDS, Snapshot
from efficacy.roster.oneroster.specs import ROSTER_FILES

BATCH = 2000
Progress = Callable[[str, int, int], None]

# Each kind of record and the OneRoster file it is counted under.
FILE_OF = {
    "district": "orgs",
    "school": "orgs",
    "session": "academicSessions",
    "course": "courses",
    "class": "classes",
    "staff": "users",
    "student": "users",
    "enrollment": "enrollments",
}


def _converters(model: type[Model], names: tuple[str, ...]) -> list[Callable[[Any], Any] | None]:
    """For each field, how to turn a Python value into a database value (None: as is)."""
    result: list[Callable[[Any], Any] | None] = []
    for name in names:
        field = model._meta.get_field(name)
        if isinstance(field, DateField):  # a DateTimeField is a DateField
            # The same few dates recur on every row: adapt each once.
            result.append(
                lru_cache(maxsize=4096)(partial(field.get_db_prep_save, connection=connection))
            )
        elif isinstance(field, JSONField):
            result.append(partial(field.get_db_prep_save, connection=connection))
        else:
            result.append(None)
    return result


def _adapt(model: type[Model], names: tuple[str, ...], rows: list[tuple]) -> list[tuple]:
    needed = [(i, c) for i, c in enumerate(_converters(model, names)) if c is not None]
    if not needed:
        return rows
    adapted = []
    for row in rows:
        values = list(row)
        for i, convert in needed:
            values[i] = convert(values[i])
        adapted.append(tuple(values))
    return adapted


# The ORM's bulk_create and bulk_update compile every value of every row; for
# hundreds of thousands of rows plain parameterised statements are several times faster.
def _insert(model: type[Model], names: tuple[str, ...], rows: list[tuple]) -> None:
    meta = model._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(n).column) for n in names)
    placeholders = ", ".join(["%s"] * len(names))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, _adapt(model, names, rows[start : start + BATCH]))


def _update(model: type[Model], names: tuple[str, ...], rows: list[tuple]) -> None:
    """``rows`` hold the values of ``names`` followed by the primary key."""
    if not rows:
        return
    meta = model._meta
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(meta.get_field(n).column)} = %s" for n in names)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            batch = _adapt(model, (*names, meta.pk.name), rows[start : start + BATCH])
            cursor.executemany(sql, batch)


class Writer:
    def __init__(self, plan: Plan, snapshot: Snapshot, progress: Progress):
        self.plan = plan
        self.snap = snapshot
        self.progress = progress
        self.pks: dict[str, dict[str, int]] = {
            kind: {sid: row[0] for sid, row in rows.items()} for kind, rows in snapshot.rows.items()
        }
        # Every file gets counts; only those in the export are reported.
        self.counts: dict[str, dict[str, int]] = {name: new_counts() for name in ROSTER_FILES}
        self.outcome: dict[str, str] = {}  # user sid -> created | updated | unchanged

    def resolve(self, rec: Rec) -> dict[str, Any]:
        values = rec.values
        if rec.refs:
            values = dict(values)
            pks = self.pks
            for name, (kind, sid) in rec.refs.items():
                values[name] = pks[kind][sid]
        return values

    def upsert(
        self, kind: str, records: list[Rec], *, track: bool = False
    ) -> list[tuple[Rec, int]]:
        """Create or update ``records``; returns each created or updated record with its pk."""
        model, fields = FIELDS[kind]
        counts = self.counts[FILE_OF[kind]]
        existing = self.snap.rows[kind]
        creates: list[tuple[Rec, Any]] = []
        updates: list[tuple] = []
        changed: list[tuple[Rec, int]] = []
        stage = f"importing {FILE_OF[kind]}"
        total = len(records)
        for done, rec in enumerate(records, 1):
            values = self.resolve(rec)
            planned = tuple([values[f] for f in fields])
            row = existing.get(rec.sid)
            if row is None:
                if kind == "staff":
                    obj = model(sourced_id=rec.sid, **values, **rec.on_create)
                    # Staff sign in once an administrator sets their password.
                    obj.password = make_password(None)
                    creates.append((rec, obj))
                else:
                    creates.append((rec, planned))
                outcome = "created"
            elif row[1] == planned:
                outcome = "unchanged"
            else:
                updates.append((*planned, row[0]))
                changed.append((rec, row[0]))
                outcome = "updated"
            counts[outcome] += 1
            if track:
                self.outcome[rec.sid] = outcome
            if done % 20_000 == 0:
                self.progress(stage, done, total)
        if kind == "staff":
            # Few rows, and the ORM fills the account fields an import does not know.
            model._default_manager.bulk_create([obj for _rec, obj in creates], batch_size=BATCH)
            self.pks[kind].update((rec.sid, obj.pk) for rec, obj in creates)
        elif creates:
            _insert(model, ("sourced_id", *fields), [(rec.sid, *row) for rec, row in creates])
            # Plain inserts return no keys: read the new rows' primary keys back.
            self.pks[kind].update(
                model._default_manager.exclude(sourced_id=None).values_list("sourced_id", "pk")
            )
        changed.extend((rec, self.pks[kind][rec.sid]) for rec, _row in creates)
        _update(model, fields, updates)
        self.progress(stage, total, total)
        return changed

    def enrollments(self) -> None:
        """``upsert`` for enrollments, unrolled: they are most of an export's rows."""
        counts = self.counts["enrollments"]
        existing = self.snap.rows["enrollment"]
        classes, schools = self.pks["class"], self.pks["school"]
        students, staff = self.pks["student"], self.pks["staff"]
        active = Status.ACTIVE
        creates, updates = [], []
        total = len(self.plan.enrollments)
        for done, (
            sid,
            klass,
            school,
            role,
            student,
            person,
            primary,
            begin,
            end,
            modified,
        ) in enumerate(self.plan.enrollments, 1):
            planned = (
                classes[klass],
                schools[school],
                role,
                None if student is None else students[student],
                None if person is None else staff[person],
                primary,
                begin,
                end,
                active,
                modified,
            )
            row = existing.get(sid)
            if row is None:
                creates.append((sid, *planned))
                counts["created"] += 1
            elif row[1] == planned:
                counts["unchanged"] += 1
            else:
                updates.append((*planned, row[0]))
                counts["updated"] += 1
            if done % 50_000 == 0:
                self.progress("importing enrollments", done, total)
        model, fields = FIELDS["enrollment"]
        _insert(model, ("sourced_id", *fields), creates)
        _update(model, fields, updates)
        self.progress("importing enrollments", total, total)

    def retire(self, kind: str, sids: list[str] | set[str]) -> None:
        model, fields = FIELDS[kind]
        status_index = fields.index("status")
        counts = self.counts[FILE_OF[kind]]
        pks = []
        for sid in sids:
            row = self.snap.rows[kind].get(sid)
            if row is None:
                continue  # never imported: nothing to retire
            if row[1][status_index] == Status.RETIRED:
                counts["unchanged"] += 1
            else:
                pks.append(row[0])
                counts["retired"] += 1
        changes: dict[str, Any] = {"status": Status.RETIRED}
        if kind == "staff":
            changes["is_active"] = False  # a retired account cannot sign in
        for start in range(0, len(pks), BATCH):
            model._default_manager.filter(pk__in=pks[start : start + BATCH]).update(**changes)

    def class_terms(self, changed: list[tuple[Rec, int]], records: list[Rec]) -> None:
        through = SchoolClass.terms.through
        rows = []
        stale = []
        changed_sids = {rec.sid for rec, _pk in changed}
        counts = self.counts["classes"]
        for rec in records:
            pk = self.pks["class"][rec.sid]
            wanted = frozenset(self.pks["session"][t] for t in rec.terms or ())
            if self.snap.class_terms.get(pk, frozenset()) == wanted:
                continue
            if pk in self.snap.class_terms:
                stale.append(pk)
            rows.extend(through(schoolclass_id=pk, academicsession_id=s) for s in wanted)
            if rec.sid in self.snap.rows["class"] and rec.sid not in changed_sids:
                # Only its terms changed: the class was still updated.
                counts["unchanged"] -= 1
                counts["updated"] += 1
        for start in range(0, len(stale), BATCH):
            through.objects.filter(schoolclass_id__in=stale[start : start + BATCH]).delete()
        through.objects.bulk_create(rows, batch_size=BATCH)

    def demographics(self) -> list[tuple]:
        """Fold demographics into the students' attributes before the students are written.

        A demographics row manages the keys of its file's columns: it sets the
        filled ones and removes the empty ones; other attributes stay.
        """
        counts = self.counts["demographics"]
        index = FIELDS["student"][1].index("attributes")
        planned = {rec.sid: rec for rec in self.plan.records["student"]}
        others: list[tuple] = []
        for demo in self.plan.demographics:
            row = self.snap.rows["student"].get(demo.student)
            stored = row[1][index] if row else {}
            before = {k: v for k, v in stored.items() if k in demo.managed}
            after = {} if demo.retire else demo.values
            if before == after:
                counts["unchanged"] += 1
            elif demo.retire:
                counts["retired"] += 1
            else:
                counts["updated" if before else "created"] += 1
            rec = planned.get(demo.student)
            base = rec.values["attributes"] if rec else stored
            merged = {k: v for k, v in base.items() if k not in demo.managed}
            merged.update(after)
            if rec:
                rec.values["attributes"] = merged
            elif merged != stored:
                others.append((merged, row[0]))
        return others

    def run(self) -> dict[str, dict[str, int]]:
        plan = self.plan
        for kind in ("district", "school"):
            self.upsert(kind, plan.records[kind])
            self.retire(kind, plan.retire[kind])
        # Parent sessions first, so a child can point at its parent's new row.
        sessions = plan.records["session"]
        for depth in sorted({rec.depth for rec in sessions}):
            self.upsert("session", [rec for rec in sessions if rec.depth == depth])
        self.retire("session", plan.retire["session"])
        self.upsert("course", plan.records["course"])
        self.retire("course", plan.retire["course"])
        changed = self.upsert("class", plan.records["class"])
        self.retire("class", plan.retire["class"])
        self.class_terms(changed, plan.records["class"])
        others = self.demographics()
        for kind in ("staff", "student"):
            self.upsert(kind, plan.records[kind], track=True)
            self.retire(kind, plan.retire[kind])
        # Students a delta's demographics mention without their users row.
        _update(FIELDS["student"][0], ("attributes",), others)
        if "roles" in plan.files:
            counts = self.counts["roles"]
            for sid, n in plan.role_rows.items():
                counts[self.outcome.get(sid, "unchanged")] += n
            counts["retired"] += plan.roles_retired
        self.enrollments()
        retiring = set(plan.retire["enrollment"])
        if plan.enrollments_bulk:
            # A bulk file is the whole truth for the schools it covers: an active enrollment
            # of theirs missing from it has ended. Other schools' enrollments are not its
            # business (a district may import one export per school).
            listed = {row[0] for row in plan.enrollments}
            schools = self.pks["school"]
            covered = {schools[rec.sid] for rec in plan.records["school"]}
            covered |= {schools[row[2]] for row in plan.enrollments}
            names = FIELDS["enrollment"][1]
            status_index, school_index = names.index("status"), names.index("school_id")
            retiring |= {
                sid
                for sid, (_pk, values) in self.snap.rows["enrollment"].items()
                if sid not in listed
                and values[status_index] == Status.ACTIVE
                and values[school_index] in covered
            }
        self.retire("enrollment", retiring)
        return {name: self.counts[name] for name in plan.files}

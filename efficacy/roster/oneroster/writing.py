"""Writing a validated plan: upserts by sourcedId, in bulk, counting what changed.

Two steps, so that the write transaction holds the database only for the SQL:

* ``Writer.prepare()``, before the transaction, compares every planned record
  with the snapshot read before validation, counts what changes, and builds
  every row to insert or update, its values already in database form. A
  reference to a record the import creates is a :class:`Pending` key until then;
* ``Writer.write()``, inside the transaction, runs the inserts, updates and
  retirements in order, filling each pending key once its record is written.

A row whose compared fields already hold the planned values is not touched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
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


class Pending:
    """The primary key of a record this import creates, known once it is written.

    Never equal to a stored key: a record that refers to one has changed.
    """

    __slots__ = ("kind", "sid")

    def __init__(self, kind: str, sid: str):
        self.kind = kind
        self.sid = sid


def _converters(model: type[Model], names: tuple[str, ...]) -> list[Callable[[Any], Any] | None]:
    """For each field, how to turn a Python value into a database value (None: as is)."""
    result: list[Callable[[Any], Any] | None] = []
    for name in names:
        model_field = model._meta.get_field(name)
        if isinstance(model_field, DateField):  # a DateTimeField is a DateField
            # The same few dates recur on every row: adapt each once.
            result.append(
                lru_cache(maxsize=4096)(
                    partial(model_field.get_db_prep_save, connection=connection)
                )
            )
        elif isinstance(model_field, JSONField):
            result.append(partial(model_field.get_db_prep_save, connection=connection))
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


def _key_positions(names: tuple[str, ...]) -> tuple[int, ...]:
    """Where a row of ``names`` may hold a :class:`Pending` key: its foreign keys."""
    return tuple(i for i, name in enumerate(names) if name.endswith("_id"))


# The ORM's bulk_create and bulk_update compile every value of every row; for
# hundreds of thousands of rows plain parameterised statements are several times faster.
def _execute(sql: str, rows: list[tuple], report: Callable[[int], None] | None = None) -> None:
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])
            if report:
                report(min(start + BATCH, len(rows)))


def _insert_sql(model: type[Model], names: tuple[str, ...]) -> str:
    meta = model._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(n).column) for n in names)
    placeholders = ", ".join(["%s"] * len(names))
    return f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})"


def _update_sql(model: type[Model], names: tuple[str, ...]) -> str:
    """Rows hold the values of ``names`` followed by the primary key."""
    meta = model._meta
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(meta.get_field(n).column)} = %s" for n in names)
    return f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"


@dataclass
class Batch:
    """One kind of record's writes, prepared: rows in database form, keys maybe pending."""

    kind: str
    creates: list[tuple] = field(default_factory=list)  # (sourced_id, *values)
    updates: list[tuple] = field(default_factory=list)  # (*values, pk)
    accounts: list[Model] = field(default_factory=list)  # new staff, as ORM objects
    retire: list[int] = field(default_factory=list)  # pks


class Writer:
    def __init__(self, plan: Plan, snapshot: Snapshot, progress: Progress):
        self.plan = plan
        self.snap = snapshot
        self.progress = progress
        # Keys of the records already stored; write() adds those it creates.
        self.pks: dict[str, dict[str, int]] = {
            kind: {sid: row[0] for sid, row in rows.items()} for kind, rows in snapshot.rows.items()
        }
        # Every file gets counts; only those in the export are reported.
        self.counts: dict[str, dict[str, int]] = {name: new_counts() for name in ROSTER_FILES}
        self.outcome: dict[str, str] = {}  # user sid -> created | updated | unchanged
        self.pending: dict[str, dict[str, Pending]] = {kind: {} for kind in self.pks}
        self.steps: list[Callable[[], None]] = []

    # --- before the transaction ------------------------------------------------

    def key(self, kind: str, sid: str) -> int | Pending:
        pk = self.pks[kind].get(sid)
        if pk is not None:
            return pk
        # One per record: an enrollment export names each new class and student many times.
        pending = self.pending[kind].get(sid)
        if pending is None:
            pending = self.pending[kind][sid] = Pending(kind, sid)
        return pending

    def keys(self, kind: str) -> dict[str, int | Pending]:
        """The key of every record of ``kind`` stored or planned, by sourcedId."""
        keys: dict[str, int | Pending] = dict(self.pks[kind])
        for rec in self.plan.records[kind]:
            if rec.sid not in keys:
                keys[rec.sid] = self.key(kind, rec.sid)
        return keys

    def planned(self, rec: Rec) -> dict[str, Any]:
        values = rec.values
        if rec.refs:
            values = dict(values)
            for name, (kind, sid) in rec.refs.items():
                values[name] = self.key(kind, sid)
        return values

    def upsert(self, kind: str, records: list[Rec], *, track: bool = False) -> set[str]:
        """Prepare creating or updating ``records``; the sourcedIds of those that change."""
        model, fields = FIELDS[kind]
        counts = self.counts[FILE_OF[kind]]
        existing = self.snap.rows[kind]
        batch = Batch(kind)
        changed: set[str] = set()
        for rec in records:
            values = self.planned(rec)
            planned = tuple([values[f] for f in fields])
            row = existing.get(rec.sid)
            if row is None:
                if kind == "staff":
                    account = model(sourced_id=rec.sid, **values, **rec.on_create)
                    # Staff sign in once an administrator sets their password.
                    account.password = make_password(None)
                    batch.accounts.append(account)
                else:
                    batch.creates.append((rec.sid, *planned))
                outcome = "created"
                changed.add(rec.sid)
            elif row[1] == planned:
                outcome = "unchanged"
            else:
                batch.updates.append((*planned, row[0]))
                outcome = "updated"
                changed.add(rec.sid)
            counts[outcome] += 1
            if track:
                self.outcome[rec.sid] = outcome
        batch.creates = _adapt(model, ("sourced_id", *fields), batch.creates)
        batch.updates = _adapt(model, (*fields, model._meta.pk.name), batch.updates)
        self.steps.append(partial(self.write_batch, batch))
        return changed

    def enrollments(self) -> None:
        """``upsert`` for enrollments, unrolled: they are most of an export's rows."""
        counts = self.counts["enrollments"]
        existing = self.snap.rows["enrollment"]
        classes, schools = self.keys("class"), self.keys("school")
        students, staff = self.keys("student"), self.keys("staff")
        active = Status.ACTIVE
        batch = Batch("enrollment")
        for (
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
        ) in self.plan.enrollments:
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
                batch.creates.append((sid, *planned))
                counts["created"] += 1
            elif row[1] == planned:
                counts["unchanged"] += 1
            else:
                batch.updates.append((*planned, row[0]))
                counts["updated"] += 1
        model, fields = FIELDS["enrollment"]
        batch.creates = _adapt(model, ("sourced_id", *fields), batch.creates)
        batch.updates = _adapt(model, (*fields, model._meta.pk.name), batch.updates)
        self.steps.append(partial(self.write_batch, batch))

    def retire(self, kind: str, sids: list[str] | set[str]) -> None:
        fields = FIELDS[kind][1]
        status_index = fields.index("status")
        counts = self.counts[FILE_OF[kind]]
        batch = Batch(kind)
        for sid in sids:
            row = self.snap.rows[kind].get(sid)
            if row is None:
                continue  # never imported: nothing to retire
            if row[1][status_index] == Status.RETIRED:
                counts["unchanged"] += 1
            else:
                batch.retire.append(row[0])
                counts["retired"] += 1
        if batch.retire:
            self.steps.append(partial(self.write_retire, batch))

    def class_terms(self, changed: set[str], records: list[Rec]) -> None:
        rows: list[tuple[int | Pending, int | Pending]] = []
        stale: list[int] = []
        counts = self.counts["classes"]
        for rec in records:
            pk = self.key("class", rec.sid)
            wanted = frozenset(self.key("session", t) for t in rec.terms or ())
            stored = self.snap.class_terms.get(pk) if isinstance(pk, int) else None
            if (stored or frozenset()) == wanted:
                continue
            if stored is not None:
                stale.append(pk)  # type: ignore[arg-type]
            rows.extend((pk, session) for session in wanted)
            if rec.sid in self.snap.rows["class"] and rec.sid not in changed:
                # Only its terms changed: the class was still updated.
                counts["unchanged"] -= 1
                counts["updated"] += 1
        self.steps.append(partial(self.write_class_terms, rows, stale))

    def demographics(self) -> list[tuple]:
        """Fold demographics into the students' attributes before the students are prepared.

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

    def prepare(self) -> None:
        """Everything but the SQL, in the order ``write()`` will run it."""
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
        if others:
            # Students a delta's demographics mention without their users row.
            model = FIELDS["student"][0]
            batch = Batch(
                "student", updates=_adapt(model, ("attributes", model._meta.pk.name), others)
            )
            self.steps.append(partial(self.write_batch, batch, ("attributes",)))
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
            # business (a district may import one export per school). A school new in
            # this export has no enrollment yet.
            listed = {row[0] for row in plan.enrollments}
            schools = self.pks["school"]
            covered = {schools[rec.sid] for rec in plan.records["school"] if rec.sid in schools}
            covered |= {schools[row[2]] for row in plan.enrollments if row[2] in schools}
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

    # --- inside the transaction ------------------------------------------------

    def settle(self, rows: list[tuple], positions: tuple[int, ...]) -> list[tuple]:
        """``rows`` with each pending key replaced by the key its record was written with."""
        pks = self.pks
        settled = []
        for row in rows:
            values = None
            for i in positions:
                value = row[i]
                if type(value) is Pending:
                    if values is None:
                        values = list(row)
                    values[i] = pks[value.kind][value.sid]
            settled.append(row if values is None else tuple(values))
        return settled

    def write_batch(self, batch: Batch, names: tuple[str, ...] | None = None) -> None:
        kind = batch.kind
        model, fields = FIELDS[kind]
        fields = names or fields
        stage = f"importing {FILE_OF[kind]}"
        total = len(batch.creates) + len(batch.updates) + len(batch.accounts)
        self.progress(stage, 0, total)
        if batch.accounts:
            # Few rows, and the ORM fills the account fields an import does not know.
            for account in batch.accounts:
                for name in ("school_id", "district_id"):
                    value = getattr(account, name)
                    if type(value) is Pending:
                        setattr(account, name, self.pks[value.kind][value.sid])
            model._default_manager.bulk_create(batch.accounts, batch_size=BATCH)
            self.pks[kind].update((account.sourced_id, account.pk) for account in batch.accounts)
        if batch.creates:
            names_in = ("sourced_id", *fields)
            rows = self.settle(batch.creates, _key_positions(names_in))
            _execute(
                _insert_sql(model, names_in),
                rows,
                lambda done: self.progress(stage, done, total),
            )
            # Plain inserts return no keys: read the new rows' primary keys back, unless
            # nothing will refer to them (enrollments).
            if kind != "enrollment":
                self.pks[kind].update(
                    model._default_manager.exclude(sourced_id=None).values_list("sourced_id", "pk")
                )
        if batch.updates:
            rows = self.settle(batch.updates, _key_positions(fields))
            _execute(_update_sql(model, fields), rows)
        self.progress(stage, total, total)

    def write_retire(self, batch: Batch) -> None:
        model = FIELDS[batch.kind][0]
        changes: dict[str, Any] = {"status": Status.RETIRED}
        if batch.kind == "staff":
            changes["is_active"] = False  # a retired account cannot sign in
        for start in range(0, len(batch.retire), BATCH):
            model._default_manager.filter(pk__in=batch.retire[start : start + BATCH]).update(
                **changes
            )

    def write_class_terms(self, rows: list[tuple], stale: list[int]) -> None:
        through = SchoolClass.terms.through
        for start in range(0, len(stale), BATCH):
            through.objects.filter(schoolclass_id__in=stale[start : start + BATCH]).delete()
        through.objects.bulk_create(
            [
                through(schoolclass_id=klass, academicsession_id=session)
                for klass, session in self.settle(rows, (0, 1))
            ],
            batch_size=BATCH,
        )

    def write(self) -> dict[str, dict[str, int]]:
        """Run the prepared writes, in order; the counts per file of the export."""
        for step in self.steps:
            step()
        return {name: self.counts[name] for name in self.plan.files}

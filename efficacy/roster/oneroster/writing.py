"""Writing a validated plan: upserts by sourcedId, in bulk, counting what changed.

Existing rows come from the snapshot read before validation; a row whose
compared fields already hold the planned values is not touched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.hashers import make_password

from efficacy.roster.models import SchoolClass, Status, Student
from efficacy.roster.oneroster.planning import Plan, Rec
from efficacy.roster.oneroster.problems import new_counts
from efficacy.roster.oneroster.snapshot import FIELDS, Snapshot

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


class Writer:
    def __init__(self, plan: Plan, snapshot: Snapshot, progress: Progress):
        self.plan = plan
        self.snap = snapshot
        self.progress = progress
        self.pks: dict[str, dict[str, int]] = {
            kind: {sid: row[0] for sid, row in rows.items()} for kind, rows in snapshot.rows.items()
        }
        self.counts: dict[str, dict[str, int]] = {name: new_counts() for name in plan.files}
        self.outcome: dict[str, str] = {}  # user sid -> created | updated | unchanged

    def resolve(self, rec: Rec) -> dict[str, Any]:
        values = dict(rec.values)
        for name, (kind, sid) in rec.refs.items():
            values[name] = self.pks[kind][sid]
        return values

    def upsert(
        self, kind: str, records: list[Rec], *, track: bool = False
    ) -> list[tuple[Rec, int]]:
        """Create or update ``records``; returns each changed record with its pk."""
        model, fields = FIELDS[kind]
        counts = self.counts[FILE_OF[kind]]
        existing = self.snap.rows[kind]
        creates: list[tuple[Rec, Any]] = []
        updates: list[Any] = []
        changed: list[tuple[Rec, int]] = []
        stage = f"importing {FILE_OF[kind]}"
        total = len(records)
        for done, rec in enumerate(records, 1):
            values = self.resolve(rec)
            row = existing.get(rec.sid)
            if row is None:
                obj = model(sourced_id=rec.sid, **values, **rec.on_create)
                if kind == "staff":
                    obj.password = make_password(
                        None
                    )  # staff sign in once an administrator sets a password
                creates.append((rec, obj))
                outcome = "created"
            elif row[1] == tuple(values[f] for f in fields):
                outcome = "unchanged"
            else:
                updates.append(model(pk=row[0], sourced_id=rec.sid, **values))
                changed.append((rec, row[0]))
                outcome = "updated"
            counts[outcome] += 1
            if track:
                self.outcome[rec.sid] = outcome
            if done % 20_000 == 0:
                self.progress(stage, done, total)
        objs = [obj for _rec, obj in creates]
        for start in range(0, len(objs), BATCH):
            model._default_manager.bulk_create(objs[start : start + BATCH])
        for rec, obj in creates:
            self.pks[kind][rec.sid] = obj.pk
            changed.append((rec, obj.pk))
        for start in range(0, len(updates), BATCH // 4):
            model._default_manager.bulk_update(updates[start : start + BATCH // 4], fields)
        self.progress(stage, total, total)
        return changed

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

    def class_terms(self, changed: list[tuple[Rec, int]], all_records: list[Rec]) -> None:
        through = SchoolClass.terms.through
        rows = []
        stale = []
        changed_sids = {rec.sid for rec, _pk in changed}
        for rec in all_records:
            pk = self.pks["class"][rec.sid]
            wanted = frozenset(self.pks["session"][t] for t in rec.terms or ())
            if self.snap.class_terms.get(pk, frozenset()) != wanted:
                if pk in self.snap.class_terms:
                    stale.append(pk)
                rows.extend(through(schoolclass_id=pk, academicsession_id=s) for s in wanted)
                if rec.sid in self.snap.rows["class"] and rec.sid not in changed_sids:
                    # Only the terms changed: still an update of the class.
                    counts = self.counts["classes"]
                    counts["unchanged"] -= 1
                    counts["updated"] += 1
        for start in range(0, len(stale), BATCH):
            through.objects.filter(schoolclass_id__in=stale[start : start + BATCH]).delete()
        through.objects.bulk_create(rows, batch_size=BATCH)

    def demographics(self) -> None:
        counts = self.counts["demographics"]
        current: dict[str, tuple[int, dict]] = {}
        index = FIELDS["student"][1].index("attributes")
        for sid, row in self.snap.rows["student"].items():
            current[sid] = (row[0], row[1][index])
        for rec in self.plan.records["student"]:
            current[rec.sid] = (self.pks["student"][rec.sid], rec.values["attributes"])
        updates = []
        for demo in self.plan.demographics:
            pk, attributes = current[demo.student]
            before = {k: v for k, v in attributes.items() if k in demo.managed}
            after = {} if demo.retire else demo.values
            if before == after:
                counts["unchanged"] += 1
                continue
            if demo.retire:
                counts["retired"] += 1
            else:
                counts["created" if not before else "updated"] += 1
            merged = {k: v for k, v in attributes.items() if k not in demo.managed}
            merged.update(after)
            updates.append(Student(pk=pk, attributes=merged))
        for start in range(0, len(updates), BATCH // 4):
            Student.objects.bulk_update(updates[start : start + BATCH // 4], ["attributes"])

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
        for kind in ("course", "class"):
            changed = self.upsert(kind, plan.records[kind])
            self.retire(kind, plan.retire[kind])
        self.class_terms(changed, plan.records["class"])
        for kind in ("staff", "student"):
            self.upsert(kind, plan.records[kind], track=True)
            self.retire(kind, plan.retire[kind])
        if "roles" in self.counts:
            counts = self.counts["roles"]
            for sid, n in plan.role_rows.items():
                counts[self.outcome.get(sid, "unchanged")] += n
            counts["retired"] += plan.roles_retired
        self.upsert("enrollment", plan.records["enrollment"])
        retiring = set(plan.retire["enrollment"])
        if plan.enrollments_bulk:
            # A bulk file is the whole truth: an active enrollment missing from it has ended.
            listed = {rec.sid for rec in plan.records["enrollment"]}
            status_index = FIELDS["enrollment"][1].index("status")
            retiring |= {
                sid
                for sid, (_pk, values) in self.snap.rows["enrollment"].items()
                if sid not in listed and values[status_index] == Status.ACTIVE
            }
        self.retire("enrollment", retiring)
        if "demographics" in self.counts:
            self.demographics()
        return self.counts

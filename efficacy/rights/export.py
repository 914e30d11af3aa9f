"""The zip of an access request: README.txt, everything.json and one CSV per kind of record.

Built in the request for one person: a person's records are bounded (a student's scores
over their years, a teacher's cycles and notes), so no background task is needed.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from efficacy.rights.collectors import STAFF, STUDENT, collectors_for
from efficacy.roster.models import Student, User
from efficacy.tabular import write_csv


def person_export(person: Student | User) -> bytes:
    """Everything the system holds about ``person``, as the bytes of a zip file."""
    subject = STUDENT if isinstance(person, Student) else STAFF
    collected: dict[str, list[dict[str, Any]]] = {}
    described: list[tuple[str, str, int]] = []
    for collector in collectors_for(subject):
        records = list(collector.collect(person))
        collected[collector.kind] = records
        described.append((f"{collector.kind}.csv", str(collector.description), len(records)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", _readme(subject, described))
        archive.writestr(
            "everything.json",
            json.dumps(collected, ensure_ascii=False, indent=2, sort_keys=True, default=str),
        )
        for kind, records in collected.items():
            archive.writestr(f"{kind}.csv", _csv(records))
    return buffer.getvalue()


def export_filename(person: Student | User) -> str:
    subject = STUDENT if isinstance(person, Student) else STAFF
    return f"efficacy-{subject}-{person.pk}-{timezone.localdate():%Y-%m-%d}.zip"


def _csv(records: list[dict[str, Any]]) -> bytes:
    columns: list[str] = []
    for record in records:
        columns += [c for c in record if c not in columns]
    return write_csv(
        columns,
        (
            [
                json.dumps(r.get(c), ensure_ascii=False)
                if isinstance(r.get(c), (dict, list))
                else r.get(c)
                for c in columns
            ]
            for r in records
        ),
    )


def _readme(subject: str, described: list[tuple[str, str, int]]) -> str:
    who = _("a student") if subject == STUDENT else _("a staff member")
    lines = [
        _("Everything Efficacy holds about %(who)s, exported on %(date)s.")
        % {"who": who, "date": timezone.localdate().isoformat()},
        "",
        _("everything.json: every record below in one file, by kind."),
        _("Each CSV file holds one kind of record, one line per record:"),
        "",
    ]
    lines += [
        _("%(file)s (%(count)s records): %(what)s") % {"file": f, "count": n, "what": what}
        for f, what, n in described
    ]
    lines += [
        "",
        _(
            "Not included, by design: answers to the collective-efficacy surveys and to "
            "exit tickets. They are stored without anything that says whose they are, so "
            "nobody, not even an administrator, can find one person's answers."
        ),
        _(
            "Photos of student work attached to observations are not linked to a student, "
            "so none is included."
        ),
        "",
    ]
    return "\n".join(lines)

"""The OneRoster import under hostile exports: a zip damaged, truncated, a bomb, with
unsafe or unexpected members, or one of its CSV files (the manifest too) mutated. The
import either succeeds or raises RosterImportInvalid with located problems, and then
has written nothing."""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from efficacy.access.roster import ROSTER_SCOPE_ALL
from efficacy.roster.models import (
    AcademicSession,
    Course,
    District,
    Enrollment,
    School,
    SchoolClass,
    Student,
    User,
)
from efficacy.roster.oneroster import RosterImportInvalid, roster_import
from efficacy.roster.oneroster.generate import export_write
from tests.fuzz.budget import fuzz
from tests.fuzz.mutations import byte_damage, mutated_csv, rolled_back
from tests.roster.conftest import base_files

pytestmark = pytest.mark.django_db

MODELS = (District, School, AcademicSession, Course, SchoolClass, User, Student, Enrollment)


def _valid_members() -> dict[str, bytes]:
    with tempfile.TemporaryDirectory() as folder:
        export = export_write(Path(folder) / "export", version="1.1", files=base_files())
        return {p.name: p.read_bytes() for p in sorted(export.iterdir())}


MEMBERS = _valid_members()


def _grid(data: bytes) -> list[list[object]]:
    return [list(row) for row in csv.reader(io.StringIO(data.decode("utf-8-sig")))]


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2025, 1, 6, 9, 0, 0)), body)
    return out.getvalue()


@st.composite
def mutated_export(draw: st.DrawFn) -> bytes:
    """A OneRoster zip with one file mutated, members renamed or added, or its bytes damaged."""
    members = dict(MEMBERS)
    kind = draw(st.sampled_from(["file", "file", "file", "names", "bomb", "bytes", "raw"]))
    if kind == "raw":
        return draw(st.binary(max_size=1_000))
    if kind == "file":
        name = draw(st.sampled_from(sorted(members)))
        members[name] = draw(mutated_csv(_grid(members[name])))
    elif kind == "names":
        name = draw(st.sampled_from(sorted(members)))
        new = draw(st.sampled_from(["../" + name, "/" + name, "C:" + name, "a\\" + name,
                                    "export/" + name, "export/x/" + name, name.upper(),
                                    "notes.txt", "__MACOSX/._" + name, ""]))  # fmt: skip
        body = members.pop(name) if draw(st.booleans()) else members[name]
        if new:
            members[new] = body
    elif kind == "bomb":
        # 4 MiB of one byte deflates to ~4 KB: a ratio of a thousand.
        members[draw(st.sampled_from(sorted(members)))] = b"a" * (4 * 1024 * 1024)
    data = _zip(members)
    return draw(byte_damage(data)) if kind == "bytes" else data


def _counts() -> list[int]:
    return [model.objects.count() for model in MODELS]


@fuzz(40)
@given(data=mutated_export())
@example(data=_zip(MEMBERS))
@example(data=_zip(MEMBERS)[:-30])  # truncated: no central directory
def test_a_hostile_export_imports_whole_or_is_refused_and_writes_nothing(data, tmp_path_factory):
    path = tmp_path_factory.mktemp("oneroster") / "export.zip"
    path.write_bytes(data)
    before = _counts()
    with rolled_back():
        try:
            roster_import(source=path, scope=ROSTER_SCOPE_ALL)
        except RosterImportInvalid as invalid:
            problems = invalid.problems
        else:
            assert _counts() != before  # a valid export created its records
            return
    assert _counts() == before
    assert problems.total >= 1
    for problem in problems:
        assert problem.file
        assert problem.message.strip()
        assert problem.line is None or problem.line >= 1

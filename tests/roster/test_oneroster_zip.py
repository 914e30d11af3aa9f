"""A zip export is read in memory, and refused when unsafe."""

from __future__ import annotations

import json
import zipfile

import pytest

from efficacy.access.roster import ROSTER_SCOPE_ALL
from efficacy.roster.models import District, Student
from efficacy.roster.oneroster import RosterImportInvalid, roster_import
from tests.tabular.hostile import with_damaged_member, with_declared_size, with_encrypted_flag

pytestmark = pytest.mark.django_db


def zip_folder(folder, target, *, prefix="", extra=()):
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, prefix + path.name)
        for name, data in extra:
            archive.writestr(name, data)
    return target


def test_a_zip_export_imports_like_its_folder(files, write, tmp_path):
    source = zip_folder(write(files), tmp_path / "roster.zip")

    summary = roster_import(scope=ROSTER_SCOPE_ALL, source=source)

    assert summary.counts["users"]["created"] == 3


def test_a_zip_of_the_export_folder_is_accepted(files, write, tmp_path):
    source = zip_folder(write(files), tmp_path / "roster.zip", prefix="oneroster-export/")

    roster_import(scope=ROSTER_SCOPE_ALL, source=source)

    assert Student.objects.count() == 2


def test_a_zip_with_a_path_climbing_out_is_refused(files, write, tmp_path):
    source = zip_folder(write(files), tmp_path / "roster.zip", extra=[("../evil.csv", "x")])

    with pytest.raises(RosterImportInvalid) as caught:
        roster_import(scope=ROSTER_SCOPE_ALL, source=source)

    [problem] = caught.value.problems
    assert problem.file == "roster.zip"
    assert "unsafe path '../evil.csv'" in problem.message
    assert District.objects.count() == 0
    assert not (tmp_path / "evil.csv").exists()


def test_a_zip_with_an_unexpected_file_is_refused(files, write, tmp_path):
    source = zip_folder(write(files), tmp_path / "roster.zip", extra=[("scripts/run.sh", "echo")])

    with pytest.raises(RosterImportInvalid) as caught:
        roster_import(scope=ROSTER_SCOPE_ALL, source=source)

    assert "unexpected file 'scripts/run.sh'" in caught.value.problems[0].message


def test_a_zip_bomb_is_refused_by_its_compression_ratio(files, write, tmp_path):
    bomb = b"0" * (20 * 1024 * 1024)  # compresses about a thousand times
    source = zip_folder(write(files), tmp_path / "roster.zip", extra=[("results.csv", bomb)])

    with pytest.raises(RosterImportInvalid) as caught:
        roster_import(scope=ROSTER_SCOPE_ALL, source=source)

    assert "zip bomb" in caught.value.problems[0].message
    assert District.objects.count() == 0


def test_a_zip_bomb_is_refused_by_its_total_size(files, write, tmp_path, settings):
    settings.EFFICACY_ROSTER_MAX_UNZIPPED_BYTES = 1000
    source = zip_folder(write(files), tmp_path / "roster.zip")

    with pytest.raises(RosterImportInvalid) as caught:
        roster_import(scope=ROSTER_SCOPE_ALL, source=source)

    assert "more than the limit of 1,000" in caught.value.problems[0].message


def test_a_file_that_is_not_a_zip_is_refused(tmp_path):
    source = tmp_path / "roster.zip"
    source.write_bytes(b"not a zip at all")

    with pytest.raises(RosterImportInvalid) as caught:
        roster_import(scope=ROSTER_SCOPE_ALL, source=source)

    assert "not a readable zip" in caught.value.problems[0].message


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (lambda data: with_encrypted_flag(data, "users.csv"), "users.csv in the file is encrypted"),
        (lambda data: with_damaged_member(data, "users.csv"), "damaged or crafted"),
        (lambda data: with_declared_size(data, "users.csv", 10), "damaged or crafted"),
    ],
)
def test_an_encrypted_damaged_or_wrongly_sized_member_is_a_problem_even_as_json(
    files, write, tmp_path, damage, words
):
    from io import StringIO

    from django.core.management import CommandError, call_command

    files["users"] = files["users"] * 40  # a member large enough to damage in its middle
    source = zip_folder(write(files), tmp_path / "roster.zip")
    source.write_bytes(damage(source.read_bytes()))
    out = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_roster", str(source), "--json", stdout=out, stderr=StringIO())
    assert caught.value.returncode == 2
    [error] = json.loads(out.getvalue())["errors"]
    assert words in error["message"]
    assert District.objects.count() == 0

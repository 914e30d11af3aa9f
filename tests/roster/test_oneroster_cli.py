"""``efficacy import-roster PATH [--json]``: exit codes, output, problems."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from efficacy.roster.models import Student
from efficacy.tabular.problems import SHOWN
from tests.roster.conftest import unknown_role_users

pytestmark = pytest.mark.django_db

EFFICACY = Path(sys.executable).parent / "efficacy"
KEYS = {"created", "updated", "unchanged", "retired"}


def test_it_prints_one_json_object_of_counts_per_file_and_the_scope_it_used(files, write):
    out = StringIO()

    call_command("import_roster", str(write(files)), "--json", stdout=out)

    counts = json.loads(out.getvalue())
    assert counts.pop("scope") == {"kind": "everything", "name": ""}
    assert set(counts) == {"orgs", "academicSessions", "courses", "classes", "users", "enrollments"}
    assert all(set(c) == KEYS for c in counts.values())
    assert counts["users"]["created"] == 3


def test_it_prints_a_summary_table(files, write):
    out = StringIO()

    call_command("import_roster", str(write(files)), stdout=out, stderr=StringIO())

    table = out.getvalue()
    assert "enrollments" in table
    assert "unchanged" in table
    assert "Scope: every district and school" in table
    assert Student.objects.count() == 2


def test_an_invalid_export_prints_every_problem_and_exits_2(files, write):
    files["users"][1]["role"] = "pupil"
    files["classes"][0]["courseSourcedId"] = "c-missing"
    err = StringIO()

    with pytest.raises(CommandError) as caught:
        call_command("import_roster", str(write(files)), stdout=StringIO(), stderr=err)

    assert caught.value.returncode == 2
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("classes.csv:2:courseSourcedId: refers to course 'c-missing'")
    assert lines[1].startswith("users.csv:3:role: unknown role 'pupil' (")
    assert Student.objects.count() == 0


def test_the_audit_log_records_each_import_the_command_runs(files, write):
    from efficacy.audit.models import Action, AuditEvent, Via

    source = write(files)
    call_command("import_roster", str(source), "--json", stdout=StringIO())
    files["users"][1]["role"] = "pupil"
    with pytest.raises(CommandError):
        call_command("import_roster", str(write(files)), "--json", stdout=StringIO())

    events = AuditEvent.objects.filter(action=Action.ROSTER_IMPORT_FINISHED).order_by("at", "id")
    assert [(e.via, e.actor_id, e.detail["status"], e.detail["problems"]) for e in events] == [
        (Via.COMMAND, None, "succeeded", 0),
        (Via.COMMAND, None, "failed", 1),
    ]
    assert events[0].detail["file"] == source.name


def test_with_json_the_problems_are_a_list_of_errors(files, write):
    files["users"][1]["role"] = "pupil"
    out = StringIO()

    with pytest.raises(CommandError):
        call_command("import_roster", str(write(files)), "--json", stdout=out, stderr=StringIO())

    errors = json.loads(out.getvalue())["errors"]
    assert errors == [
        {
            "file": "users.csv",
            "line": 3,
            "column": "role",
            "message": "unknown role 'pupil'",
            "hint": errors[0]["hint"],
        }
    ]
    assert errors[0]["hint"]


def test_past_the_problems_shown_it_prints_how_many_more_there_are(files, write):
    files["users"] += unknown_role_users(SHOWN + 50)
    err = StringIO()

    with pytest.raises(CommandError) as caught:
        call_command("import_roster", str(write(files)), stdout=StringIO(), stderr=err)

    assert caught.value.returncode == 2
    assert f"has {SHOWN + 50} problem(s)" in str(caught.value)
    lines = err.getvalue().splitlines()
    assert len(lines) == SHOWN + 1
    assert lines[-2].startswith(f"users.csv:{SHOWN + 4}:role: unknown role 'pupil'")
    assert lines[-1] == "… and 50 more problems"


def test_with_json_past_the_problems_shown_the_errors_are_the_first_ones(files, write):
    files["users"] += unknown_role_users(SHOWN + 50)
    out = StringIO()

    with pytest.raises(CommandError) as caught:
        call_command("import_roster", str(write(files)), "--json", stdout=out, stderr=StringIO())

    assert caught.value.returncode == 2
    assert f"has {SHOWN + 50} problem(s)" in str(caught.value)
    report = json.loads(out.getvalue())
    assert list(report) == ["errors"]
    assert len(report["errors"]) == SHOWN
    assert report["errors"][0]["line"] == 5


@pytest.mark.skipif(not EFFICACY.exists(), reason="the efficacy command is not installed")
def test_the_installed_command_exits_0_then_2_and_never_shows_a_traceback(files, write, tmp_path):
    env = {
        **os.environ,
        "EFFICACY_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
    }
    subprocess.run([EFFICACY, "migrate", "-v", "0"], env=env, check=True, capture_output=True)

    ok = subprocess.run(
        [EFFICACY, "import-roster", write(files), "--json"], env=env, capture_output=True, text=True
    )
    missing = subprocess.run(
        [EFFICACY, "import-roster", tmp_path / "nowhere"], env=env, capture_output=True, text=True
    )

    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["users"] == {
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "retired": 0,
    }
    assert missing.returncode == 2
    assert "nowhere::: no such file or folder" in missing.stderr
    assert "Traceback" not in missing.stderr

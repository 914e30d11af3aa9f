"""An access request's export: README.txt, everything.json and one CSV per kind of record."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from efficacy.cycles.evidence.services import score_set
from efficacy.cycles.plan.services import cycle_create, measure_create, occasion_create
from efficacy.rights.export import person_export

pytestmark = pytest.mark.django_db


def _open(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


@pytest.fixture
def scored_ava(world):
    lead = world.lead_english
    cycle = cycle_create(
        user=lead, team=world.team_english, title="Inference", focus={"grades": ["09"]}
    )
    measure = measure_create(user=lead, cycle=cycle, name="Inference rubric", max_score=4)
    baseline = occasion_create(user=lead, cycle=cycle, name="Baseline", kind="baseline")
    score_set(user=lead, measure=measure, occasion=baseline, student=world.ava, value=3)
    return cycle


def test_a_students_export_holds_their_record_enrolments_and_every_score(world, scored_ava):
    archive = _open(person_export(world.ava))
    names = set(archive.namelist())
    assert {"README.txt", "everything.json", "student.csv", "enrolments.csv", "scores.csv"} <= names
    everything = json.loads(archive.read("everything.json"))
    assert everything["student"][0]["given_name"] == world.ava.given_name
    [score] = everything["scores"]
    assert (score["cycle"], score["value"]) == ("Inference", 3.0)
    assert "Inference rubric" in score["measure"]
    rows = list(csv.DictReader(io.StringIO(archive.read("scores.csv").decode())))
    assert rows[0]["cycle"] == "Inference"
    classes = {row["class_title"] for row in everything["enrolments"]}
    assert world.english_9_applied.title in classes


def test_the_readme_describes_each_file_and_says_anonymous_answers_are_unlinkable(world):
    readme = _open(person_export(world.ava)).read("README.txt").decode()
    assert "scores.csv" in readme
    assert "everything.json" in readme
    assert "exit tickets" in readme
    assert "whose they are" in readme


def test_a_staff_members_export_holds_what_they_authored_and_never_the_password(world, scored_ava):
    archive = _open(person_export(world.lead_english))
    everything = json.loads(archive.read("everything.json"))
    [account] = everything["account"]
    assert account["username"] == "lead_english"
    assert "password" not in account
    assert b"argon2" not in archive.read("account.csv")
    assert [c["title"] for c in everything["cycles_created"]] == ["Inference"]
    assert {m["team_name"] for m in everything["team_memberships"]} == {"Grade 9 English"}
    assert "digest_settings" in everything  # registered by the dashboards' rights_collectors
    assert "reports_requested" in everything


def test_an_administrator_downloads_the_export_as_a_zip(client, world):
    client.force_login(world.admin_a)
    response = client.get(reverse("rights:student_export", args=[world.ava.pk]))
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    assert "README.txt" in _open(response.content).namelist()


def test_the_command_writes_the_export_for_a_student_or_a_staff_member(world, tmp_path):
    out = tmp_path / "ava.zip"
    call_command("export_person", "--student", str(world.ava.pk), str(out))
    assert "student.csv" in _open(out.read_bytes()).namelist()
    call_command("export_person", "--staff", "teacher_a", str(tmp_path / "t.zip"))
    assert "account.csv" in _open((tmp_path / "t.zip").read_bytes()).namelist()


def test_the_command_says_what_is_wrong_with_its_arguments(world, tmp_path):
    with pytest.raises(CommandError, match="No student with id"):
        call_command("export_person", "--student", "nope", str(tmp_path / "x.zip"))
    with pytest.raises(CommandError, match="No staff account"):
        call_command("export_person", "--staff", "nobody", str(tmp_path / "x.zip"))
    with pytest.raises(CommandError, match="zip file"):
        call_command("export_person", "--staff", "teacher_a", str(tmp_path / "x.txt"))

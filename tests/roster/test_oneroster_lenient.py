"""Real exports bend the specification; what is unambiguous is accepted."""

from __future__ import annotations

import codecs

import pytest

from efficacy.access.roster import ROSTER_SCOPE_ALL
from efficacy.roster.models import Enrollment, Status, Student
from efficacy.roster.oneroster import roster_import

pytestmark = pytest.mark.django_db


def test_a_byte_order_mark_and_crlf_line_ends_are_accepted(files, write):
    source = write(files)
    for path in source.glob("*.csv"):
        text = path.read_text().replace("\n", "\r\n")
        path.write_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))

    summary = roster_import(scope=ROSTER_SCOPE_ALL, source=source)

    assert summary.counts["users"]["created"] == 3
    assert Student.objects.get(sourced_id="p1").family_name == "Okafor"  # no stray \r


def test_booleans_are_read_in_any_common_spelling(files, write):
    files["enrollments"][0]["primary"] = "TRUE"
    files["enrollments"][1]["primary"] = "1"
    files["enrollments"][2]["primary"] = "False"

    roster_import(scope=ROSTER_SCOPE_ALL, source=write(files))

    primary = dict(Enrollment.objects.values_list("sourced_id", "primary"))
    assert primary == {"e0": True, "e1": True, "e2": False}


def test_status_filled_in_a_bulk_file_is_accepted(files, write):
    for row in files["users"]:
        row["status"] = "active"
        row["dateLastModified"] = "2025-08-15T12:00:00Z"

    summary = roster_import(scope=ROSTER_SCOPE_ALL, source=write(files))

    assert summary.counts["users"]["created"] == 3
    assert Student.objects.filter(status=Status.ACTIVE).count() == 2


def test_metadata_columns_become_pathway_and_attributes(files, write):
    files["users"][1]["metadata.track"] = "applied"
    files["users"][1]["metadata.iep"] = "yes"
    files["demographics"] = [
        {
            "sourcedId": "p1",
            "sex": "male",
            "hispanicOrLatinoEthnicity": "TRUE",
            "birthDate": "2011-03-04",
            "metadata.ell": "true",
        }
    ]

    roster_import(
        scope=ROSTER_SCOPE_ALL,
        source=write(
            files,
            extra_columns={
                "users": ["metadata.track", "metadata.iep"],
                "demographics": ["metadata.ell"],
            },
        ),
    )

    student = Student.objects.get(sourced_id="p1")
    assert student.pathway == "applied"
    assert student.attributes == {
        "iep": "yes",
        "sex": "male",
        "hispanicOrLatinoEthnicity": True,
        "birthDate": "2011-03-04",
        "ell": "true",
    }
    assert Student.objects.get(sourced_id="p2").attributes == {}


def test_column_names_in_another_case_are_accepted(files, write):
    source = write(files)
    text = (source / "users.csv").read_text()
    header, rest = text.split("\n", 1)
    (source / "users.csv").write_text(header.replace("givenName", "GivenName") + "\n" + rest)

    roster_import(scope=ROSTER_SCOPE_ALL, source=source)

    assert Student.objects.get(sourced_id="p1").given_name == "Ben"


def test_a_school_without_a_parent_belongs_to_the_only_district(files, write):
    files["orgs"][1]["parentSourcedId"] = ""

    roster_import(scope=ROSTER_SCOPE_ALL, source=write(files))

    assert Student.objects.get(sourced_id="p1").school.district.sourced_id == "d1"

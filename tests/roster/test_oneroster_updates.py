"""A later export updates what changed: deltas, tobedeleted, bulk retirement, roles kept."""

from __future__ import annotations

import pytest

from efficacy.access.roster import ROSTER_SCOPE_ALL
from efficacy.roster import services
from efficacy.roster.models import Enrollment, Role, Status, Student, User
from efficacy.roster.oneroster import roster_import

pytestmark = pytest.mark.django_db


def test_a_delta_updates_a_changed_user_and_retires_a_tobedeleted_one(files, write):
    roster_import(scope=ROSTER_SCOPE_ALL, source=write(files))
    delta = {
        "users": [
            {
                "sourcedId": "p1",
                "status": "active",
                "enabledUser": "true",
                "orgSourcedIds": "s1",
                "role": "student",
                "username": "p1",
                "givenName": "Benjamin",
                "familyName": "Okafor",
                "grades": "10",
            },
            {
                "sourcedId": "p2",
                "status": "tobedeleted",
                "dateLastModified": "2026-01-05T10:00:00Z",
            },
        ]
    }

    summary = roster_import(scope=ROSTER_SCOPE_ALL, source=write(delta, modes={"users": "delta"}))

    assert summary.counts == {"users": {"created": 0, "updated": 1, "unchanged": 0, "retired": 1}}
    updated = Student.objects.get(sourced_id="p1")
    assert (updated.given_name, updated.grade) == ("Benjamin", "10")
    retired = Student.objects.get(sourced_id="p2")  # retired, not destroyed
    assert retired.status == Status.RETIRED
    # The delta named no enrollments: they stay as they were.
    assert Enrollment.objects.filter(status=Status.ACTIVE).count() == 3


def test_a_bulk_export_without_an_enrollment_retires_it(files, write):
    roster_import(scope=ROSTER_SCOPE_ALL, source=write(files))
    files["enrollments"] = [e for e in files["enrollments"] if e["sourcedId"] != "e2"]

    summary = roster_import(scope=ROSTER_SCOPE_ALL, source=write(files))

    assert summary.counts["enrollments"] == {
        "created": 0,
        "updated": 0,
        "unchanged": 2,
        "retired": 1,
    }
    assert Enrollment.objects.get(sourced_id="e2").status == Status.RETIRED
    assert Enrollment.objects.get(sourced_id="e1").status == Status.ACTIVE


def test_a_bulk_export_of_one_school_leaves_another_schools_enrollments_alone(files, write):
    roster_import(scope=ROSTER_SCOPE_ALL, source=write(files))
    other = {
        "orgs": [
            files["orgs"][0],  # the district, not the first school
            {"sourcedId": "s2", "name": "South High", "type": "school", "parentSourcedId": "d1"},
        ],
        "academicSessions": files["academicSessions"],
        "courses": [{"sourcedId": "c2", "title": "Math 9", "orgSourcedId": "s2"}],
        "classes": [
            {
                "sourcedId": "k2",
                "title": "Math 9 A",
                "courseSourcedId": "c2",
                "classType": "scheduled",
                "schoolSourcedId": "s2",
                "termSourcedIds": "y1",
            }
        ],
        "users": [
            {
                "sourcedId": "p9",
                "enabledUser": "true",
                "orgSourcedIds": "s2",
                "role": "student",
                "username": "p9",
                "givenName": "Noor",
                "familyName": "Haddad",
                "grades": "09",
            }
        ],
        "enrollments": [
            {
                "sourcedId": "e9",
                "classSourcedId": "k2",
                "schoolSourcedId": "s2",
                "userSourcedId": "p9",
                "role": "student",
            }
        ],
    }

    summary = roster_import(scope=ROSTER_SCOPE_ALL, source=write(other))

    assert summary.counts["enrollments"]["retired"] == 0
    first_school = Enrollment.objects.filter(school__sourced_id="s1")
    assert first_school.count() == 3
    assert all(e.status == Status.ACTIVE for e in first_school)


def test_an_enrollment_back_in_a_later_bulk_export_is_active_again(files, write):
    full = write(files)
    roster_import(scope=ROSTER_SCOPE_ALL, source=full)
    roster_import(
        scope=ROSTER_SCOPE_ALL, source=write({**files, "enrollments": files["enrollments"][:2]})
    )

    summary = roster_import(scope=ROSTER_SCOPE_ALL, source=full)

    assert summary.counts["enrollments"]["updated"] == 1
    assert Enrollment.objects.get(sourced_id="e2").status == Status.ACTIVE


def test_a_retired_staff_member_can_no_longer_sign_in(files, write):
    roster_import(scope=ROSTER_SCOPE_ALL, source=write(files))

    roster_import(
        scope=ROSTER_SCOPE_ALL,
        source=write(
            {"users": [{"sourcedId": "t1", "status": "tobedeleted"}]}, modes={"users": "delta"}
        ),
    )

    teacher = User.objects.get(sourced_id="t1")
    assert teacher.status == Status.RETIRED
    assert not teacher.is_active


def import_with_an_administrator(files, write) -> User:
    """Import ``files`` with an administrator of their school; that administrator."""
    files["users"].append(
        {
            "sourcedId": "a1",
            "enabledUser": "true",
            "orgSourcedIds": "s1",
            "role": "administrator",
            "username": "grace",
            "givenName": "Grace",
            "familyName": "Hopper",
        }
    )
    roster_import(scope=ROSTER_SCOPE_ALL, source=write(files))
    return User.objects.get(sourced_id="a1")


def test_a_reimport_keeps_an_account_an_administrator_deactivated(files, write):
    admin = import_with_an_administrator(files, write)
    services.account_deactivate(by=admin, account=User.objects.get(sourced_id="t1"))
    files["users"][0]["familyName"] = "Lovelace"  # still enabledUser=true in the export

    summary = roster_import(scope=ROSTER_SCOPE_ALL, source=write(files))

    teacher = User.objects.get(sourced_id="t1")
    assert not teacher.is_active
    assert teacher.last_name == "Lovelace"
    assert summary.counts["users"]["updated"] == 1


def test_a_reimport_follows_the_export_for_an_account_an_administrator_reactivated(files, write):
    admin = import_with_an_administrator(files, write)
    services.account_deactivate(by=admin, account=User.objects.get(sourced_id="t1"))
    services.account_reactivate(by=admin, account=User.objects.get(sourced_id="t1"))
    files["users"][0]["enabledUser"] = "false"
    roster_import(scope=ROSTER_SCOPE_ALL, source=write(files))
    assert not User.objects.get(sourced_id="t1").is_active

    files["users"][0]["enabledUser"] = "true"
    roster_import(scope=ROSTER_SCOPE_ALL, source=write(files))

    assert User.objects.get(sourced_id="t1").is_active


def test_an_import_never_changes_a_role_a_person_set(files, write):
    roster_import(scope=ROSTER_SCOPE_ALL, source=write(files))
    User.objects.filter(sourced_id="t1").update(role=Role.TEAM_LEAD)
    files["users"][0]["familyName"] = "Lovelace"

    summary = roster_import(scope=ROSTER_SCOPE_ALL, source=write(files))

    teacher = User.objects.get(sourced_id="t1")
    assert teacher.last_name == "Lovelace"
    assert teacher.role == Role.TEAM_LEAD
    assert summary.counts["users"]["updated"] == 1


def test_changed_demographics_update_only_their_keys(files, write):
    files["demographics"] = [{"sourcedId": "p1", "sex": "female", "white": "true"}]
    roster_import(scope=ROSTER_SCOPE_ALL, source=write(files))
    Student.objects.filter(sourced_id="p1").update(
        attributes={"sex": "female", "white": True, "reading_support": "yes"}
    )
    files["demographics"] = [
        {"sourcedId": "p1", "sex": "female", "white": "false", "asian": "true"}
    ]

    summary = roster_import(scope=ROSTER_SCOPE_ALL, source=write(files))

    assert summary.counts["demographics"] == {
        "created": 0,
        "updated": 1,
        "unchanged": 0,
        "retired": 0,
    }
    attributes = Student.objects.get(sourced_id="p1").attributes
    assert attributes == {"sex": "female", "white": False, "asian": True, "reading_support": "yes"}


def test_class_terms_follow_the_export(files, write):
    files["academicSessions"].append(
        {
            "sourcedId": "t2",
            "title": "Semester 2",
            "type": "semester",
            "startDate": "2026-02-01",
            "endDate": "2026-06-30",
            "parentSourcedId": "y1",
            "schoolYear": "2026",
        }
    )
    roster_import(scope=ROSTER_SCOPE_ALL, source=write(files))
    files["classes"][0]["termSourcedIds"] = "t2"

    summary = roster_import(scope=ROSTER_SCOPE_ALL, source=write(files))

    from efficacy.roster.models import SchoolClass

    assert summary.counts["classes"]["updated"] == 1
    assert [t.sourced_id for t in SchoolClass.objects.get(sourced_id="k1").terms.all()] == ["t2"]

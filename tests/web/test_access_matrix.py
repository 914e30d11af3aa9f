"""The permission matrix: every role against every kind of object.

``SEES`` says, for each named person of ``tests/world.py``, every object they may
see. Every other (person, object) pair must be refused. Adding a person or an
object to the world without deciding here fails ``test_the_matrix_decides_for_everyone``.
The same matrix is checked through the access functions and through HTTP.
"""

from __future__ import annotations

import pytest
from django.http import Http404
from django.urls import reverse

from efficacy.access import roster as access

# kind -> (access function, queryset function, url name, objects of that kind in the world)
KINDS = {
    "school": (access.access_school, access.schools_for, "front:school", [
        "school_a", "school_b", "school_c",
    ]),
    "team": (access.access_team, access.teams_for, "front:team", [
        "team_english", "team_math", "team_b", "team_c",
    ]),
    "class": (access.access_class, access.classes_for, "roster:class", [
        "english_9_applied", "english_9_academic", "math_10", "retired_class", "class_b", "class_c",
    ]),
    "student": (access.access_student, access.students_for, "roster:student", [
        "ava", "ben", "chloe", "dev", "eli", "retired_student", "student_b", "student_c",
    ]),
    "staff": (access.access_staff, access.staff_for, "roster:staff_member", [
        "leader_a", "admin_a", "coach_a", "lead_english", "teacher_a", "lead_math", "teacher_a2",
        "retired_user", "teacher_b", "analyst", "district_admin", "teacher_c",
    ]),
}  # fmt: skip

SCHOOL_A_ACTIVE_STAFF = {
    "leader_a", "admin_a", "coach_a", "lead_english", "teacher_a", "lead_math", "teacher_a2",
}  # fmt: skip
SCHOOL_A_CLASSES = {"english_9_applied", "english_9_academic", "math_10"}
SCHOOL_A_STUDENTS = {"ava", "ben", "chloe", "dev", "eli"}

SEES: dict[str, set[str]] = {
    "leader_a": {"school_a", "team_english", "team_math"}
    | SCHOOL_A_CLASSES
    | SCHOOL_A_STUDENTS
    | SCHOOL_A_ACTIVE_STAFF,
    # Administrators see the roster they import, retired records included, but not teams.
    "admin_a": {"school_a", "retired_class", "retired_student", "retired_user"}
    | SCHOOL_A_CLASSES
    | SCHOOL_A_STUDENTS
    | SCHOOL_A_ACTIVE_STAFF,
    "district_admin": {"school_a", "school_b", "retired_class", "retired_student", "retired_user"}
    | SCHOOL_A_CLASSES
    | SCHOOL_A_STUDENTS
    | SCHOOL_A_ACTIVE_STAFF
    | {"class_b", "student_b", "teacher_b", "analyst", "district_admin"},
    "coach_a": {"team_english", "coach_a", "lead_english", "teacher_a"},
    "lead_english": {"team_english", "english_9_academic", "chloe", "dev"}
    | {"lead_english", "teacher_a", "coach_a"},
    # The retired class, the retired student and the retired co-teacher stay hidden.
    "teacher_a": {"team_english", "english_9_applied", "ava", "ben"}
    | {"teacher_a", "lead_english", "coach_a"},
    "lead_math": {"team_math", "math_10", "eli", "lead_math", "teacher_a2"},
    "teacher_a2": {"team_math", "math_10", "eli", "lead_math", "teacher_a2"},
    "retired_user": set(),
    "teacher_b": {"team_b", "class_b", "student_b", "teacher_b"},
    # Counts only: schools and teams, never a class, a student or another person.
    "analyst": {"school_a", "school_b", "team_english", "team_math", "team_b", "analyst"},
    "teacher_c": {"team_c", "class_c", "student_c", "teacher_c"},
}

PEOPLE = sorted(SEES)


def test_the_matrix_decides_for_everyone(world):
    assert set(SEES) == set(world.people())
    every_object = {name for _, _, _, names in KINDS.values() for name in names}
    assert set().union(*SEES.values()) <= every_object
    for _, _, _, names in KINDS.values():
        assert all(hasattr(world, name) for name in names)


@pytest.mark.parametrize("person", PEOPLE)
def test_access_functions_follow_the_matrix(world, person):
    user = getattr(world, person)
    for kind, (access_one, visible_to, _, names) in KINDS.items():
        for name in names:
            obj = getattr(world, name)
            expected = name in SEES[person]
            assert visible_to(user).filter(pk=obj.pk).exists() is expected, (kind, name)
            if expected:
                assert access_one(user, obj.pk) == obj
            else:
                with pytest.raises(Http404):
                    access_one(user, obj.pk)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_missing_or_malformed_id_is_a_404(world, kind):
    access_one = KINDS[kind][0]
    for bad_id in (10**9, "abc", None, "1 OR 1=1"):
        with pytest.raises(Http404):
            access_one(world.leader_a, bad_id)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_an_inactive_account_sees_nothing(world, kind):
    world.leader_a.is_active = False
    assert not KINDS[kind][1](world.leader_a).exists()


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_anonymous_sees_nothing(world, kind):
    from django.contrib.auth.models import AnonymousUser

    assert not KINDS[kind][1](AnonymousUser()).exists()


CAPABILITIES = {
    # person: (may import the roster and manage accounts, teams they may edit, teams they manage)
    "leader_a": (False, {"team_english", "team_math"}, {"team_english", "team_math"}),
    "admin_a": (True, set(), set()),
    "district_admin": (True, set(), set()),
    "coach_a": (False, {"team_english"}, set()),
    "lead_english": (False, {"team_english"}, set()),
    "teacher_a": (False, set(), set()),
    "lead_math": (False, {"team_math"}, set()),
    "teacher_a2": (False, set(), set()),
    "retired_user": (False, set(), set()),
    "teacher_b": (False, {"team_b"}, set()),
    "analyst": (False, set(), set()),
    "teacher_c": (False, {"team_c"}, set()),
}
TEAMS = KINDS["team"][3]


@pytest.mark.parametrize("person", PEOPLE)
def test_capabilities_follow_the_matrix(world, person):
    user = getattr(world, person)
    imports, edits, manages = CAPABILITIES[person]
    assert access.can_import_roster(user) is imports
    assert access.can_manage_accounts(user) is imports
    for name in TEAMS:
        team = getattr(world, name)
        assert access.can_edit_team(user, team) is (name in edits), name
        assert access.can_manage_team_members(user, team) is (name in manages), name


def test_capabilities_decide_for_everyone(world):
    assert set(CAPABILITIES) == set(world.people())


def test_a_team_member_contributes_but_does_not_edit(world):
    assert access.can_contribute_to_team(world.teacher_a, world.team_english)
    assert not access.can_edit_team(world.teacher_a, world.team_english)
    assert not access.can_contribute_to_team(world.teacher_a, world.team_math)
    assert not access.can_contribute_to_team(world.retired_user, world.team_english)


# --- the same matrix through HTTP --------------------------------------------


def display_name(obj) -> str:
    """The words a page would show for the object: what must never leak."""
    for attribute in ("title", "name"):
        if hasattr(obj, attribute) and isinstance(getattr(obj, attribute), str):
            return getattr(obj, attribute)
    return str(obj)


@pytest.mark.parametrize("person", PEOPLE)
def test_pages_follow_the_matrix_and_a_guessed_url_leaks_nothing(client, world, person):
    client.force_login(getattr(world, person))
    for kind, (_, _, url_name, names) in KINDS.items():
        for name in names:
            obj = getattr(world, name)
            response = client.get(reverse(url_name, args=[obj.pk]))
            if name in SEES[person]:
                assert response.status_code == 200, (kind, name)
                assert display_name(obj) in response.content.decode(), (kind, name)
            else:
                assert response.status_code == 404, (kind, name)
                if name != person:  # the page header names the viewer themselves
                    assert display_name(obj) not in response.content.decode(), (kind, name)


# Every other named URL, and these again, against every role: tests/web/test_url_matrix.py.


def test_a_leader_cannot_add_members_to_another_schools_team(client, world):
    client.force_login(world.leader_a)
    response = client.post(
        reverse("roster:team_members", args=[world.team_b.pk]),
        {"user": world.teacher_a.pk, "role": "member", "action": "set"},
    )
    assert response.status_code == 404
    assert not world.team_b.memberships.filter(user=world.teacher_a).exists()


def test_a_team_lead_cannot_change_the_membership_of_their_team(client, world):
    client.force_login(world.lead_english)
    response = client.post(
        reverse("roster:team_members", args=[world.team_english.pk]),
        {"user": world.teacher_a2.pk, "role": "member", "action": "set"},
    )
    assert response.status_code == 403
    assert not world.team_english.memberships.filter(user=world.teacher_a2).exists()


# --- accounts: which account pages each administrator opens, and whom they manage ----

STAFF = KINDS["staff"][3]
# The accounts an administrator sees on the Accounts page: the staff they see, retired included.
ACCOUNTS = {
    person: {name for name in SEES[person] if name in STAFF}
    for person in ("admin_a", "district_admin")
}
# Whom they may invite, reset, change the role of, deactivate: never themselves, never retired.
MANAGES = {person: names - {person, "retired_user"} for person, names in ACCOUNTS.items()}


@pytest.mark.parametrize("person", PEOPLE)
def test_account_rules_follow_the_matrix(world, person):
    user = getattr(world, person)
    for name in STAFF:
        target = getattr(world, name)
        sees = name in ACCOUNTS.get(person, set())
        assert access.accounts_for(user).filter(pk=target.pk).exists() is sees, name
        assert access.can_manage_account(user, target) is (name in MANAGES.get(person, set())), name


@pytest.mark.parametrize("person", PEOPLE)
def test_account_pages_follow_the_matrix(client, world, person):
    client.force_login(getattr(world, person))
    for name in STAFF:
        target = getattr(world, name)
        response = client.get(reverse("account_manage", args=[target.pk]))
        expected = 200 if name in ACCOUNTS.get(person, set()) else 404
        assert response.status_code == expected, name


@pytest.mark.parametrize("person", PEOPLE)
def test_nobody_changes_an_account_they_do_not_manage(client, world, person):
    """A POST from anyone but the account's administrator changes nothing."""
    client.force_login(getattr(world, person))
    for name in STAFF:
        if name in MANAGES.get(person, set()):
            continue
        target = getattr(world, name)
        response = client.post(
            reverse("account_manage", args=[target.pk]), {"action": "deactivate"}
        )
        assert response.status_code in (403, 404), name
        target.refresh_from_db()
        assert target.is_active, name


ROLE_REACH = {
    # administrator: roles they may give a school A teacher, and a district-level person
    "admin_a": (
        {"teacher", "team_lead", "coach", "school_leader", "administrator"}, set(),
    ),
    "district_admin": (
        {"teacher", "team_lead", "coach", "school_leader", "administrator", "district_analyst"},
        {"administrator", "district_analyst"},
    ),
}  # fmt: skip


@pytest.mark.parametrize("person", sorted(ROLE_REACH))
def test_no_administrator_gives_a_role_beyond_their_scope(world, person):
    user = getattr(world, person)
    school_roles, district_roles = ROLE_REACH[person]
    assert set(access.roles_assignable(user, world.teacher_a)) == school_roles
    assert set(access.roles_assignable(user, world.analyst)) == district_roles


def test_a_school_leader_does_not_manage_accounts(world):
    # Leaders build teams; accounts (who signs in, with what role) stay with administrators.
    assert not access.can_manage_accounts(world.leader_a)
    assert not access.can_manage_account(world.leader_a, world.teacher_a)


# Pages anyone reaches, signed in or not: asking for a reset, and what a link opens.
PUBLIC_PAGES = {
    "password_reset": [],
    "password_reset_done": [],
    "password_reset_complete": [],
    "password_reset_confirm": ["MQ", "bad-token"],
    "invitation_accept": ["MQ", "bad-token"],
}


@pytest.mark.parametrize("url_name", sorted(PUBLIC_PAGES))
def test_password_pages_answer_everyone_and_a_bad_link_opens_nothing(client, world, url_name):
    url = reverse(url_name, args=PUBLIC_PAGES[url_name])
    for person in [None, *PEOPLE]:
        client.logout()
        if person:
            client.force_login(getattr(world, person))
        response = client.get(url)
        assert response.status_code == 200, person
        assert 'name="new_password1"' not in response.content.decode(), person

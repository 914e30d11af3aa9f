"""What the roster pages show each role, and the team services."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from efficacy.roster import services
from efficacy.roster.models import Student, TeamMembership


def page(client, user, url_name, *args) -> str:
    client.force_login(user)
    response = client.get(reverse(url_name, args=args))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("person", "lands_on"),
    [
        ("leader_a", "dashboards:school"),
        ("analyst", "roster:district"),
        ("admin_a", "roster:import"),
        ("district_admin", "roster:import"),
    ],
)
def test_home_lands_each_role_where_it_works(client, world, person, lands_on):
    client.force_login(getattr(world, person))
    response = client.get(reverse("home"))
    args = [world.school_a.pk] if lands_on == "dashboards:school" else []
    assert response["Location"] == reverse(lands_on, args=args)


def test_a_teachers_home_lists_their_classes_and_teams_only(client, world):
    body = page(client, world.teacher_a, "home")
    assert "2 students" in body  # the retired student is not counted
    assert "English 9 Applied" in body
    assert "Grade 9 English" in body
    assert "Math 10" not in body
    assert "Mathematics" not in body


def test_a_team_card_counts_every_member_not_only_the_viewer(client, world):
    # The count once joined on the viewer's own membership, so every card said "1 member".
    home = page(client, world.teacher_a, "home")
    school = page(client, world.leader_a, "front:school", world.school_a.pk)
    members = world.team_english.memberships.count()
    assert members > 1
    for body in (home, school):
        card = body.split(">Grade 9 English</a>")[1].split("</li>")[0]
        assert f"{members} members" in card


def test_the_school_page_never_says_no_teams_beside_a_count_of_teams(client, world):
    # An administrator sees the school's counts but not its teams, which are for their
    # members and the school leader: the page says so instead of "No teams yet."
    body = page(client, world.admin_a, "front:school", world.school_a.pk)
    teams = body.split('id="teams-heading"')[1].split("</section>")[0]
    assert "No teams yet" not in teams
    assert "2 teams" in teams
    assert "school leader" in teams


def test_a_school_without_teams_says_no_teams_yet(client, world):
    world.school_a.teams.all().delete()
    body = page(client, world.leader_a, "front:school", world.school_a.pk)
    assert "No teams yet." in body


def test_navigation_shows_only_what_the_role_can_use(client, world):
    teacher = page(client, world.teacher_a, "home")
    assert reverse("roster:import") not in teacher
    assert reverse("roster:district") not in teacher
    leader = page(client, world.leader_a, "front:school", world.school_a.pk)
    assert reverse("roster:students", args=[world.school_a.pk]) in leader
    assert reverse("roster:import") not in leader


def test_small_groups_on_the_school_page_show_fewer_than_ten_never_the_number(client, world):
    body = page(client, world.leader_a, "front:school", world.school_a.pk)
    groups = body.split('id="groups-heading"')[1].split("</table>")[0]
    assert groups.count("fewer than 10") == 3  # the 09 applied, 09 academic and 10 groups
    assert '<td class="number">2</td>' not in groups
    assert '<td class="number">1</td>' not in groups


def _add_students(world, n, grade, pathway):
    for i in range(n):
        Student.objects.create(
            school=world.school_a,
            given_name=f"S{i}",
            family_name=f"{grade}{pathway}",
            grade=grade,
            pathway=pathway,
        )


def test_a_group_at_the_threshold_shows_its_count(client, world):
    _add_students(world, 8, "09", "applied")  # 10 in 09 applied
    _add_students(world, 7, "09", "academic")  # 9 in 09 academic, 1 in 10 academic: 10 hidden
    body = page(client, world.leader_a, "front:school", world.school_a.pk)
    assert '<td>09</td><td>applied</td><td class="number">10</td>' in body


def test_small_groups_whose_sum_the_total_would_give_away_hide_a_larger_one(client, world):
    """The school's total (13) is on the district overview: showing the 10 would say the
    two small groups hold 3 students between them."""
    _add_students(world, 8, "09", "applied")
    for person in (world.leader_a, world.analyst):
        body = page(client, person, "front:school", world.school_a.pk)
        groups = body.split('id="groups-heading"')[1].split("</table>")[0]
        assert '<td class="number">10</td>' not in groups
        assert "hidden to protect a small group" in groups
    district = page(client, world.analyst, "roster:district")
    assert "13" in district  # the total that would have given the sum away


def test_the_district_overview_shows_counts_only(client, world):
    body = page(client, world.analyst, "roster:district")
    assert "Northview Secondary" in body
    assert "Southgate Secondary" in body
    assert "Hillcrest Secondary" not in body
    assert "Ava" not in body
    assert "Tom Nguyen" not in body


def test_an_analyst_sees_a_teams_size_but_not_its_members(client, world):
    body = page(client, world.analyst, "front:team", world.team_english.pk)
    assert "4 members" in body
    assert "Elif Yilmaz" not in body
    assert "Tom Nguyen" not in body


def test_a_team_member_sees_the_members_and_their_roles(client, world):
    body = page(client, world.teacher_a, "front:team", world.team_english.pk)
    assert "Elif Yilmaz" in body
    assert "Carmen Diaz" in body
    assert "Rita Old" not in body  # retired
    assert "Add a member" not in body


def test_the_student_list_searches_filters_and_pages(client, world):
    for i in range(60):
        Student.objects.create(
            school=world.school_a, given_name=f"Zed{i:02}", family_name="Many", grade="11"
        )
    first = page(client, world.leader_a, "roster:students", world.school_a.pk)
    assert "Page 1 of 2" in first
    found = client.get(reverse("roster:students", args=[world.school_a.pk]), {"q": "ava"})
    assert "Brown, Ava" in found.content.decode()
    assert "Clark, Ben" not in found.content.decode()
    grade_10 = client.get(reverse("roster:students", args=[world.school_a.pk]), {"grade": "10"})
    assert "Moreau, Eli" in grade_10.content.decode()
    assert "Brown, Ava" not in grade_10.content.decode()


def test_a_school_leader_creates_a_team_through_the_page(client, world):
    client.force_login(world.leader_a)
    response = client.post(
        reverse("roster:team_new", args=[world.school_a.pk]),
        {"name": "Grade 10 Science", "kind": "grade", "description": ""},
    )
    team = world.school_a.teams.get(name="Grade 10 Science")
    assert response["Location"] == reverse("front:team", args=[team.pk])


def test_a_duplicate_team_name_keeps_what_was_typed_and_says_why(client, world):
    client.force_login(world.leader_a)
    response = client.post(
        reverse("roster:team_new", args=[world.school_a.pk]),
        {"name": "grade 9 english", "kind": "grade", "description": "Kept text"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "already has a team called" in body
    assert "Kept text" in body


def test_a_school_leader_adds_sets_the_lead_and_removes_a_member(client, world):
    client.force_login(world.leader_a)
    url = reverse("roster:team_members", args=[world.team_english.pk])
    client.post(url, {"user": world.teacher_a2.pk, "role": "member", "action": "set"})
    assert world.team_english.memberships.get(user=world.teacher_a2).role == "member"
    client.post(url, {"user": world.teacher_a2.pk, "role": "lead", "action": "set"})
    assert world.team_english.memberships.get(user=world.teacher_a2).role == "lead"
    client.post(url, {"user": world.teacher_a2.pk, "action": "remove"})
    assert not world.team_english.memberships.filter(user=world.teacher_a2).exists()


def test_team_membership_set_refuses_staff_of_another_school(world):
    with pytest.raises(ValidationError):
        services.team_membership_set(
            by=world.leader_a, team=world.team_english, user=world.teacher_b, role="member"
        )


def test_team_membership_set_refuses_anyone_but_the_school_leader(world):
    with pytest.raises(PermissionDenied):
        services.team_membership_set(
            by=world.lead_english, team=world.team_english, user=world.teacher_a2, role="member"
        )
    with pytest.raises(PermissionDenied):
        services.team_create(by=world.teacher_a, school=world.school_a, name="Mine")


def test_team_create_refuses_another_schools_leader(world):
    with pytest.raises(PermissionDenied):
        services.team_create(by=world.leader_a, school=world.school_b, name="Takeover")


def test_team_membership_set_changes_a_role_without_duplicating(world):
    services.team_membership_set(
        by=world.leader_a, team=world.team_english, user=world.teacher_a, role="coach"
    )
    memberships = TeamMembership.objects.filter(team=world.team_english, user=world.teacher_a)
    assert [m.role for m in memberships] == ["coach"]


def test_the_team_page_shows_the_cycles_part_when_cycles_provide_it(
    client, world, settings, tmp_path
):
    folder = tmp_path / "templates" / "cycles"
    folder.mkdir(parents=True)
    (folder / "_team_cycles.html").write_text("<section>Cycles of {{ team.name }}</section>")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path / "templates", *settings.TEMPLATES[0]["DIRS"]]}
    ]
    body = page(client, world.teacher_a, "front:team", world.team_english.pk)
    assert "<section>Cycles of Grade 9 English</section>" in body


def test_a_guessed_page_number_or_bad_query_is_not_an_error(client, world):
    client.force_login(world.leader_a)
    url = reverse("roster:students", args=[world.school_a.pk])
    assert client.get(url, {"page": "999"}).status_code == 200
    assert client.get(url, {"page": "abc", "grade": "99"}).status_code == 200

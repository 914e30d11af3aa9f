"""The pages that compose several domain apps: the school and team pages (the home page
is the dashboards' teacher home).

Every object comes through :mod:`efficacy.access`; the team page includes the
team's inquiry cycles, which is why it lives here and not in ``roster``.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from efficacy import privacy
from efficacy.access import roster as access
from efficacy.access.practice import can_schedule_rounds
from efficacy.roster import selectors
from efficacy.roster.forms import MembershipForm


@login_required
def school(request: HttpRequest, school_id: int) -> HttpResponse:
    user = request.user
    the_school = access.access_school(user, school_id)
    classes = access.classes_for(user).filter(school=the_school)
    context = {
        "school": the_school,
        "teams": selectors.teams_with_counts(access.teams_for(user).filter(school=the_school)),
        "counts": selectors.school_counts(access.schools_for(user).filter(pk=the_school.pk))[0],
        "groups": selectors.students_by_grade_and_pathway(the_school),
        "classes": selectors.classes_with_counts(classes),
        "lists_people": access.can_list_people(user),
        "can_create_team": access.can_create_team(user, the_school),
        "can_schedule_rounds": can_schedule_rounds(user, the_school),
        "min_n": privacy.min_student_n(),
    }
    return render(request, "front/school.html", context)


@login_required
def team(request: HttpRequest, team_id: int) -> HttpResponse:
    user = request.user
    the_team = access.access_team(user, team_id)
    visible_staff = access.staff_for(user)
    memberships = selectors.team_memberships(the_team, visible_staff)
    manages = access.can_manage_team_members(user, the_team)
    context = {
        "team": the_team,
        "memberships": memberships,
        "member_count": the_team.memberships.count(),
        "hidden_members": the_team.memberships.count() - len(memberships),
        "manages": manages,
        "can_edit": access.can_edit_team(user, the_team),
        "membership_form": MembershipForm(staff=access.team_member_candidates(the_team))
        if manages
        else None,
        "role_choices": MembershipForm.base_fields["role"].choices,
        "cycles_template": "cycles/_team_cycles.html",
    }
    return render(request, "front/team.html", context)

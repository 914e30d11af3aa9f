"""The pages that compose several domain apps: home, and the school and team pages.

Every object comes through :mod:`efficacy.access`; the team page includes the
team's inquiry cycles, which is why it lives here and not in ``roster``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from efficacy import privacy
from efficacy.access import roster as access
from efficacy.access.practice import can_schedule_rounds
from efficacy.cycles.evidence.selectors import scores_to_enter
from efficacy.practice.selectors import open_actions, rounds_to_attend
from efficacy.roster import selectors
from efficacy.roster.forms import MembershipForm
from efficacy.voice.models import Win
from efficacy.voice.services import trust as trust_services
from efficacy.voice.views_trust import WIN_PROMPT_DISMISSED


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Land each role where it works."""
    user = request.user
    if access.is_school_leader(user):
        return redirect("dashboards:school", school_id=user.school_id)
    if access.is_district_analyst(user):
        return redirect("roster:district")
    if access.can_import_roster(user):
        return redirect("roster:import")
    context = {
        **_follow_through(user),
        "trust": _trust(request),
        "classes": selectors.classes_with_counts(access.classes_for(user)),
        "teams": selectors.teams_with_counts(access.teams_for(user)),
    }
    return render(request, "front/home.html", context)


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
    if user.school_id == the_school.pk:
        # A school leader lands here, not on the home page: their own follow-through
        # (a leader may own meeting actions or host a round) heads their school's page.
        mine = _follow_through(user)
        if mine["actions"] or mine["scores_to_enter"] or mine["rounds"]:
            context["follow_through"] = mine
    return render(request, "front/school.html", context)


def _follow_through(user: Any) -> dict[str, Any]:
    """A person's own open actions, scores to enter and rounds to attend."""
    today = timezone.localdate()
    return {
        "today": today,
        "actions": open_actions(user),
        "scores_to_enter": scores_to_enter(user, today=today),
        "rounds": rounds_to_attend(user, today=today),
    }


def _trust(request: HttpRequest) -> dict[str, Any]:
    """The weekly win prompt (until answered or put off to next week), the person's
    booked office hours and the open commitments they asked for."""
    user = request.user
    if user.school_id is None:
        return {}
    today = timezone.localdate()
    win = trust_services.win_of_this_week(user, today)
    dismissed = request.session.get(WIN_PROMPT_DISMISSED) == Win.week_of(today).isoformat()
    return {
        "win": win,
        "ask_for_win": win is None and not dismissed,
        "bookings": trust_services.upcoming_bookings(user, timezone.now()),
        "commitments": trust_services.my_commitments(user).filter(asked_by=user, status="open"),
    }


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

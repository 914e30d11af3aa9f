"""Roster pages. Every object is fetched through ``efficacy.access.roster``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from efficacy import privacy
from efficacy.access import roster as access
from efficacy.forms import add_service_errors, int_or_none
from efficacy.roster import selectors, services, time
from efficacy.roster.forms import (
    TIME_ZONE_LIST,
    MembershipForm,
    SearchForm,
    TeamForm,
    TimeZonesForm,
)

PAGE_SIZE = 50


@login_required
def district(request: HttpRequest) -> HttpResponse:
    """Schools of the district with counts only (analysts, district administrators)."""
    user = request.user
    if not access.can_see_district_overview(user):
        raise PermissionDenied(_("The district overview is for district analysts."))
    context = {
        "district": user.district,
        "rows": selectors.school_counts(access.schools_for(user)),
        "min_n": privacy.min_student_n(),
    }
    return render(request, "roster/district.html", context)


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _page(request: HttpRequest, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
def school_staff(request: HttpRequest, school_id: int) -> HttpResponse:
    user = request.user
    the_school = access.access_school(user, school_id)
    if not access.can_list_people(user):
        raise PermissionDenied(_("Staff lists are for school leaders and administrators."))
    form = SearchForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    staff = selectors.search_staff(access.staff_for(user).filter(school=the_school), q=q)
    context = {
        "school": the_school,
        "form": form,
        "page": _page(request, staff),
        "query": _query_without_page(request),
    }
    return render(request, "roster/staff_list.html", context)


@login_required
def school_students(request: HttpRequest, school_id: int) -> HttpResponse:
    user = request.user
    the_school = access.access_school(user, school_id)
    if not access.can_list_people(user):
        raise PermissionDenied(_("Student lists are for school leaders and administrators."))
    grades, pathways = selectors.grade_and_pathway_choices(the_school)
    form = SearchForm(request.GET or None, grades=grades, pathways=pathways)
    filters = form.cleaned_data if form.is_valid() else {}
    students = selectors.search_students(
        access.students_for(user).filter(school=the_school),
        q=filters.get("q", ""),
        grade=filters.get("grade", ""),
        pathway=filters.get("pathway", ""),
    )
    context = {
        "school": the_school,
        "form": form,
        "page": _page(request, students),
        "query": _query_without_page(request),
    }
    return render(request, "roster/student_list.html", context)


@login_required
def team_new(request: HttpRequest, school_id: int) -> HttpResponse:
    user = request.user
    the_school = access.access_school(user, school_id)
    if not access.can_create_team(user, the_school):
        raise PermissionDenied(_("Only the school leader can create teams."))
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new_team = services.team_create(by=user, school=the_school, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Team “%(name)s” created.") % {"name": new_team.name})
            return redirect("front:team", team_id=new_team.pk)
    return render(request, "roster/team_new.html", {"school": the_school, "form": form})


@login_required
@require_POST
def team_members(request: HttpRequest, team_id: int) -> HttpResponse:
    """Add a member, change a member's role, or remove a member (school leaders)."""
    user = request.user
    the_team = access.access_team(user, team_id)
    if not access.can_manage_team_members(user, the_team):
        raise PermissionDenied(_("Only the school leader can change who is in a team."))
    form = MembershipForm(request.POST, staff=access.team_member_candidates(the_team))
    if request.POST.get("action") == "remove":
        # Look in the team itself, so a member who has since retired can still be removed.
        membership = the_team.memberships.filter(user_id=int_or_none(request.POST.get("user")))
        person = membership.select_related("user").first()
        if person is None:
            raise Http404
        person = person.user
        services.team_membership_remove(by=user, team=the_team, user=person)
        messages.success(request, _("%(name)s left the team.") % {"name": person})
    elif form.is_valid():
        try:
            membership = services.team_membership_set(by=user, team=the_team, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(name)s is now %(role)s of the team.")
                % {"name": membership.user, "role": membership.get_role_display()},
            )
    else:
        messages.error(
            request, _("Choose a staff member of this school and a role, then try again.")
        )
    return redirect("front:team", team_id=the_team.pk)


@login_required
def school_class(request: HttpRequest, class_id: int) -> HttpResponse:
    user = request.user
    the_class = access.access_class(user, class_id)
    context = {
        "class": the_class,
        "teachers": selectors.class_teachers(the_class, access.staff_for(user)),
        "students": selectors.class_students(the_class, access.students_for(user)),
    }
    return render(request, "roster/class.html", context)


@login_required
def student(request: HttpRequest, student_id: int) -> HttpResponse:
    user = request.user
    the_student = access.access_student(user, student_id)
    context = {
        "student": the_student,
        "classes": selectors.classes_of_student(the_student, access.classes_for(user)),
    }
    return render(request, "roster/student.html", context)


@login_required
def staff_member(request: HttpRequest, user_id: int) -> HttpResponse:
    user = request.user
    person = access.access_staff(user, user_id)
    context = {
        "person": person,
        "teams": access.teams_for(user).filter(memberships__user=person).distinct(),
        "classes": selectors.classes_taught_by(person, access.classes_for(user)),
    }
    return render(request, "roster/staff_member.html", context)


@login_required
def time_zones(request: HttpRequest) -> HttpResponse:
    """The time zone of the district (district administrators) and of each school of the
    administrator's scope: what "today" is there (efficacy/roster/time.py)."""
    user = request.user
    if not access.can_set_time_zones(user):
        raise PermissionDenied(_("Time zones are set by administrators."))
    district = user.district if user.school_id is None else None
    schools = access.schools_for(user).select_related("district").order_by("name")
    form = TimeZonesForm(request.POST or None, district=district, schools=schools)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                if district is not None:
                    services.district_time_zone_set(
                        by=user, district=district, time_zone=form.cleaned_data["district"]
                    )
                for school in form.schools:
                    services.school_time_zone_set(
                        by=user, school=school, time_zone=form.cleaned_data[form.school_key(school)]
                    )
        except ValidationError as error:
            add_service_errors(form, error, aliases={"time_zone": "district"})
        else:
            messages.success(request, _("Time zones saved."))
            return redirect("roster:time_zones")
    context = {
        "form": form,
        "district": district,
        "zone_list_id": TIME_ZONE_LIST,
        "zone_names": time.time_zone_names(),
    }
    return render(request, "roster/time_zones.html", context)

"""The administrator's data-rights pages: find a person, export, correct, erase.

Who may do what: :mod:`efficacy.access.rights` (404 for anyone else and anything out of
scope). The writes: :mod:`efficacy.rights.services`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from efficacy.access import rights as access
from efficacy.audit.models import Action
from efficacy.audit.services import record
from efficacy.downloads import file_response
from efficacy.rights import services
from efficacy.rights.export import export_filename, person_export
from efficacy.rights.forms import (
    IMPORT_OVERWRITES,
    AccountCorrectionForm,
    EraseForm,
    StudentCorrectionForm,
)
from efficacy.roster.models import Student, User

#: At most this many people of each kind are listed for a search.
FOUND_AT_MOST = 50


@login_required
def index(request: HttpRequest) -> HttpResponse:
    if not access.can_use_rights(request.user):
        raise Http404
    q = " ".join(request.GET.get("q", "").split())
    students = staff = None
    if q:
        words = Q()
        for word in q.split():
            words &= (
                Q(given_name__icontains=word)
                | Q(family_name__icontains=word)
                | Q(identifier__iexact=word)
            )
        students = (
            access.rights_students_for(request.user)
            .filter(words)
            .select_related("school")[:FOUND_AT_MOST]
        )
        words = Q()
        for word in q.split():
            words &= (
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(username__iexact=word)
                | Q(email__iexact=word)
            )
        staff = (
            access.rights_accounts_for(request.user)
            .filter(words)
            .select_related("school")[:FOUND_AT_MOST]
        )
    return render(request, "rights/index.html", {"q": q, "students": students, "staff": staff})


def _zip(request: HttpRequest, person: Student | User) -> HttpResponse:
    """The person's export, recorded in the audit log as it goes."""
    record(actor=request.user, action=Action.PERSON_EXPORTED, school=person.school_id,
           target=person, request=request)  # fmt: skip
    return file_response(person_export(person), export_filename(person), "application/zip")


def _correct(request, person, form_class, correctable, correct, kind: str) -> HttpResponse:
    """The person's page: their correction form, saved and recorded on POST."""
    form = form_class(request.POST or None, initial={f: getattr(person, f) for f in correctable})
    if request.method == "POST" and form.is_valid():
        if correct(person, by=request.user, changes=form.cleaned_data):
            messages.success(request, _("The correction is saved and recorded."))
        else:
            messages.info(request, _("Nothing changed."))
        return redirect(f"rights:{kind}", person.pk)
    return _person_page(request, person, form, f"rights:{kind}_export", f"rights:{kind}_erase")


@login_required
@require_http_methods(["GET", "POST"])
def student(request: HttpRequest, student_id: int) -> HttpResponse:
    person = access.access_rights_student(request.user, student_id)
    return _correct(
        request, person, StudentCorrectionForm, services.STUDENT_CORRECTABLE,
        lambda p, **kw: services.student_correct(student=p, **kw), "student",
    )  # fmt: skip


@login_required
def student_export(request: HttpRequest, student_id: int) -> HttpResponse:
    return _zip(request, access.access_rights_student(request.user, student_id))


@login_required
@require_http_methods(["GET", "POST"])
def student_erase(request: HttpRequest, student_id: int) -> HttpResponse:
    person = access.access_rights_student(request.user, student_id)
    form = EraseForm(request.POST or None, expected=str(person))
    if request.method == "POST" and form.is_valid():
        services.student_erase(student=person, by=request.user)
        messages.success(request, _("The student is erased. Their scores stay, anonymous."))
        return redirect("rights:index")
    return _erase_page(request, person, form, "rights:student")


@login_required
@require_http_methods(["GET", "POST"])
def staff(request: HttpRequest, user_id: int) -> HttpResponse:
    person = access.access_rights_account(request.user, user_id)
    return _correct(
        request, person, AccountCorrectionForm, services.ACCOUNT_CORRECTABLE,
        lambda p, **kw: services.account_correct(account=p, **kw), "staff",
    )  # fmt: skip


@login_required
def staff_export(request: HttpRequest, user_id: int) -> HttpResponse:
    return _zip(request, access.access_rights_account(request.user, user_id))


@login_required
@require_http_methods(["GET", "POST"])
def staff_erase(request: HttpRequest, user_id: int) -> HttpResponse:
    person = access.access_rights_account(request.user, user_id)
    form = EraseForm(request.POST or None, expected=_name_of(person))
    if request.method == "POST" and form.is_valid():
        services.account_erase(account=person, by=request.user)
        messages.success(
            request, _("The account is erased. What they wrote for their team stays, unsigned.")
        )
        return redirect("rights:index")
    return _erase_page(request, person, form, "rights:staff")


def _name_of(person: Student | User) -> str:
    if isinstance(person, User):
        return person.get_full_name().strip() or person.username
    return str(person)


def _person_page(request, person, form, export: str, erase: str) -> HttpResponse:
    context = {
        "person": person,
        "name": _name_of(person),
        "is_student": isinstance(person, Student),
        "form": form,
        "import_overwrites": IMPORT_OVERWRITES,
        "export_url": reverse(export, args=[person.pk]),
        "erase_url": reverse(erase, args=[person.pk]),
    }
    return render(request, "rights/person.html", context)


def _erase_page(request, person, form, back: str) -> HttpResponse:
    context = {
        "person": person,
        "name": _name_of(person),
        "is_student": isinstance(person, Student),
        "form": form,
        "back_url": reverse(back, args=[person.pk]),
    }
    return render(request, "rights/erase.html", context)

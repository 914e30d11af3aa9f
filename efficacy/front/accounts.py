"""The administrator's Accounts pages: the staff of their scope, and what can be done
with each account (invite, reset, change the role, deactivate, reactivate).

Who may do what is decided in ``efficacy.access.roster``; the writes (and their
record) are ``roster.services.account_*``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from efficacy.access import roster as access
from efficacy.access.second_factor import can_reset_second_factor
from efficacy.front.account_views import site_url
from efficacy.front.forms import AccountSearchForm, RoleForm
from efficacy.front.second_factor import second_factor_of, second_factor_reset
from efficacy.roster import selectors, services
from efficacy.roster.models import User
from efficacy.roster.tokens import invitation_lifetime

PAGE_SIZE = 50


@login_required
def accounts(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not access.can_manage_accounts(user):
        raise PermissionDenied(_("Accounts are managed by administrators."))
    form = AccountSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    staff = selectors.accounts_with_state(
        access.accounts_for(user), q=filters.get("q", ""), state=filters.get("state", "")
    )
    page = Paginator(staff, PAGE_SIZE).get_page(request.GET.get("page"))
    for person in page:
        person.can_invite = access.can_invite(user, person)
        person.state_label = selectors.AccountState(person.state).label
        person.invitation_expires = (
            person.last_invited + invitation_lifetime() if person.last_invited else None
        )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "scope": user.school or user.district,
        "district_wide": user.school_id is None,
        "here": request.get_full_path(),
    }
    return render(request, "front/accounts.html", context)


def _back(request: HttpRequest, person: User) -> HttpResponse:
    """Back to the page the form was on (the list keeps its search), else the account."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("account_manage", user_id=person.pk)


@login_required
def account_manage(request: HttpRequest, user_id: int) -> HttpResponse:
    """One account: where it stands, its history, and the actions allowed on it."""
    user = request.user
    person = access.access_account(user, user_id)
    roles = access.roles_assignable(user, person)
    if request.method == "POST":
        return _act(request, user, person, roles)
    row = selectors.accounts_with_state(User.objects.filter(pk=person.pk)).get()
    context = {
        "person": person,
        "state": selectors.AccountState(row.state),
        "invitation_expires": (
            row.last_invited + invitation_lifetime() if row.last_invited else None
        ),
        "days": invitation_lifetime().days,
        "is_self": person.pk == user.pk,
        "can_invite": access.can_invite(user, person),
        "can_reset": access.can_send_password_reset(user, person),
        "can_deactivate": access.can_deactivate(user, person),
        "can_reactivate": access.can_reactivate(user, person),
        "can_reset_second_factor": can_reset_second_factor(user, person)
        and second_factor_of(person) is not None,
        "role_form": RoleForm(roles=roles, initial={"role": person.role})
        if len(roles) > 1
        else None,
        "history": selectors.account_history(person)[:50],
    }
    return render(request, "front/account_manage.html", context)


def _act(request: HttpRequest, user: User, person: User, roles: list[str]) -> HttpResponse:
    if not access.can_manage_account(user, person):
        raise PermissionDenied(_("You cannot change this account."))
    action = request.POST.get("action")
    name = {"name": str(person), "email": person.email}
    try:
        if action == "invite":
            services.account_invite(by=user, account=person, base_url=site_url(request))
            done = _("Invitation sent to %(name)s (%(email)s).") % name
        elif action == "reset":
            services.account_password_reset_send(
                by=user, account=person, base_url=site_url(request)
            )
            done = _("Password reset link sent to %(name)s (%(email)s).") % name
        elif action == "role":
            form = RoleForm(request.POST, roles=roles)
            if not form.is_valid():
                raise ValidationError(_("Choose a role from the list."))
            services.account_role_set(by=user, account=person, role=form.cleaned_data["role"])
            done = _("%(name)s is now: %(role)s.") % {
                "name": str(person),
                "role": person.get_role_display(),
            }
        elif action == "second_factor_reset":
            if not can_reset_second_factor(user, person) or not second_factor_reset(
                account=person, by=user
            ):
                raise ValidationError(_("This account has no second factor to remove."))
            done = _("%(name)s's second factor is removed: they set up a new one.") % name
        elif action == "deactivate":
            services.account_deactivate(by=user, account=person)
            done = _("%(name)s can no longer sign in.") % name
        elif action == "reactivate":
            services.account_reactivate(by=user, account=person)
            done = _("%(name)s can sign in again.") % name
        else:
            raise ValidationError(_("Choose one of the actions on the page."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return _back(request, person)

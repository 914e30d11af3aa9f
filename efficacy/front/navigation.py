"""The navigation a person sees: only what their role can use (no dead links)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from efficacy.access import roster as access
from efficacy.access.audit import can_see_audit_log
from efficacy.access.rights import can_use_rights


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str


def navigation_for(user: Any) -> list[NavItem]:
    if not access.is_active_account(user):
        return []
    items = [NavItem(_("Home"), reverse("home"))]
    if access.is_school_leader(user):
        school_id = user.school_id
        items += [
            NavItem(_("Dashboard"), reverse("dashboards:school", args=[school_id])),
            NavItem(_("Teams and classes"), reverse("front:school", args=[school_id])),
            NavItem(_("Staff"), reverse("roster:staff", args=[school_id])),
            NavItem(_("Students"), reverse("roster:students", args=[school_id])),
        ]
    if user.school_id is not None:
        items.append(NavItem(_("Mastery moments"), reverse("cycles:feed", args=[user.school_id])))
    # Surveys, exit tickets and the trust-building tools, on one page (issue 11).
    items.append(NavItem(_("Voice"), reverse("voice:home")))
    if access.is_district_analyst(user):
        items.append(NavItem(_("District"), reverse("dashboards:district")))
    if access.can_import_roster(user):
        items.append(NavItem(_("Import roster"), reverse("roster:import")))
        if user.school_id is None:
            items.append(NavItem(_("Schools"), reverse("roster:district")))
        else:
            items.append(NavItem(_("School"), reverse("front:school", args=[user.school_id])))
    if access.can_manage_accounts(user):
        items.append(NavItem(_("Accounts"), reverse("accounts")))
    if access.can_set_time_zones(user):
        items.append(NavItem(_("Time zones"), reverse("roster:time_zones")))
    if can_see_audit_log(user):
        items.append(NavItem(_("Audit log"), reverse("audit:log")))
    if can_use_rights(user):
        items.append(NavItem(_("Data rights"), reverse("rights:index")))
    if access.can_change_own_password(user):
        items.append(NavItem(_("Your account"), reverse("account")))
    return items

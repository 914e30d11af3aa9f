"""Who may see and load survey instruments.

The rules, one condition per line below:

* **seeing an instrument** (:func:`instruments_for`, :func:`can_see_instruments`):
  every active account sees
  the instruments Efficacy ships; the staff of a district (its schools' staff,
  its analysts and administrators) also see the instruments loaded for that
  district, and never another district's;
* **loading one** (:func:`can_load_instrument`): a school leader, or an
  administrator of the whole district (no school); the instrument belongs to
  their district (:func:`instrument_district_for`). A school's administrator
  manages accounts and rosters, not what the staff are asked. The command line
  (``efficacy instrument load``), which only a server operator runs, loads for
  any district.
"""

from __future__ import annotations

from typing import TypeGuard

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from efficacy.access.roster import (
    ObjectId,
    Person,
    get_or_404,
    is_active_account,
    is_administrator,
    is_school_leader,
)
from efficacy.roster.models import District, User
from efficacy.voice.models import Instrument


def instrument_district_for(user: Person) -> District | None:
    """The district whose instruments ``user`` sees, and loads into if they may."""
    if not is_active_account(user):
        return None
    if user.district is not None:
        return user.district
    if user.school is not None:
        return user.school.district
    return None


def can_see_instruments(user: Person) -> TypeGuard[User]:
    """The instruments list: any active account (a retired one sees nothing)."""
    return is_active_account(user)


def instruments_for(user: Person) -> QuerySet[Instrument]:
    """The instruments Efficacy ships, and those of the person's district."""
    if not is_active_account(user):
        return Instrument.objects.none()
    return instruments_of_district(instrument_district_for(user))


def instruments_of_district(district: District | None) -> QuerySet[Instrument]:
    """What a district's schools may ask: the instruments Efficacy ships, and its own."""
    visible = Q(district__isnull=True)
    if district is not None:
        visible |= Q(district=district)
    return Instrument.objects.filter(visible)


def access_instrument(user: Person, instrument_id: ObjectId) -> Instrument:
    return get_or_404(instruments_for(user), instrument_id)


def can_load_instrument(user: Person) -> TypeGuard[User]:
    if instrument_district_for(user) is None:
        return False
    if is_school_leader(user):
        return True
    if not is_administrator(user):
        return False
    return user.school_id is None


def require_instrument_loader(user: Person) -> None:
    if not can_load_instrument(user):
        raise PermissionDenied(
            _("Only a school leader or a district administrator loads an instrument.")
        )

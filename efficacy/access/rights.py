"""Who may use the data-rights tools (:mod:`efficacy.rights`) on whom.

* only an administrator, and only for the people of their scope: the students and
  staff of their school, or of their whole district when they have no school
  (the same scope as their roster, :func:`efficacy.access.roster.students_for`
  and :func:`efficacy.access.roster.accounts_for`), retired records included;
* never on their own account (another administrator answers their request);
* an erased person is no longer found (there is nothing left to export or erase);
* anyone else, and anything out of scope, gets 404.
"""

from __future__ import annotations

from typing import TypeGuard

from django.db.models import Q, QuerySet

from efficacy.access.roster import (
    ObjectId,
    Person,
    accounts_for,
    get_or_404,
    is_administrator,
    students_for,
)
from efficacy.roster.models import Student, User


def can_use_rights(user: Person) -> TypeGuard[User]:
    """Open the data-rights pages: administrators with a scope."""
    return is_administrator(user)


def rights_students_for(user: Person) -> QuerySet[Student]:
    """Students whose data the administrator may export, correct or erase."""
    if not can_use_rights(user):
        return Student.objects.none()
    return students_for(user)


def rights_accounts_for(user: Person) -> QuerySet[User]:
    """Staff accounts whose data the administrator may export, correct or erase."""
    if not can_use_rights(user):
        return User.objects.none()
    not_erased = Q(erasure__isnull=True)
    return accounts_for(user).filter(not_erased).exclude(pk=user.pk)


def access_rights_student(user: Person, student_id: ObjectId) -> Student:
    return get_or_404(rights_students_for(user).select_related("school"), student_id)


def access_rights_account(user: Person, user_id: ObjectId) -> User:
    return get_or_404(rights_accounts_for(user).select_related("school", "district"), user_id)

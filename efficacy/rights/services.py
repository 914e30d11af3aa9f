"""Correction and erasure of a person's data (the writes of the data-rights tools).

Erasing a student removes what identifies them and keeps their scores as an anonymous
record, so no cycle's figures move: the student stays in the roster table (same id, same
status, same school, same enrolments) with no name, no student number, no sourced id,
and only those attributes (and grade, pathway) that some cycle of their school selects
groups by. An :class:`~efficacy.rights.models.Erasure` marks them, and the access layer
(:func:`efficacy.access.roster.students_for`) shows them to nobody. Their full name is
also replaced, as a whole phrase, in every free-text column (a note that named them)
by ``[erased]``.

Erasing a staff member anonymises the account (``former-staff-<id>``, no name or e-mail,
unusable password, inactive, retired, no sign-in links); what they wrote for their team
stays, shown as written by "a former staff member" (:meth:`User.__str__`).
"""

from __future__ import annotations

import re
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.utils import timezone

from efficacy.audit.models import Action
from efficacy.audit.services import record
from efficacy.cycles.models import InquiryCycle
from efficacy.cycles.stories.pdf import story_files_delete
from efficacy.rights.models import Correction, Erasure
from efficacy.roster.models import ERASED_USERNAME_PREFIX, Enrollment, Status, Student, User

#: What replaces an erased person's name in free text.
ERASED_TEXT = "[erased]"

STUDENT_CORRECTABLE = ("given_name", "family_name", "identifier", "grade", "pathway", "attributes")
ACCOUNT_CORRECTABLE = ("first_name", "last_name", "email")


def _correct(obj: models.Model, fields: tuple[str, ...], changes: dict[str, Any]) -> dict:
    changed = {}
    for field in fields:
        if field in changes and getattr(obj, field) != changes[field]:
            changed[field] = [getattr(obj, field), changes[field]]
            setattr(obj, field, changes[field])
    return changed


@transaction.atomic
def student_correct(
    *, student: Student, by: User | None, changes: dict[str, Any]
) -> Correction | None:
    """Change the given fields of ``student``; the change is recorded (None: nothing changed)."""
    changed = _correct(student, STUDENT_CORRECTABLE, changes)
    if not changed:
        return None
    student.save(update_fields=[*changed])
    record(actor=by, action=Action.PERSON_CORRECTED, school=student.school_id, target=student,
           detail={"fields": sorted(changed)})  # fmt: skip
    return Correction.objects.create(student=student, corrected_by=by, changes=changed)


@transaction.atomic
def account_correct(
    *, account: User, by: User | None, changes: dict[str, Any]
) -> Correction | None:
    """Change the name or e-mail of a staff account; the change is recorded."""
    changed = _correct(account, ACCOUNT_CORRECTABLE, changes)
    if not changed:
        return None
    account.save(update_fields=[*changed])
    record(actor=by, action=Action.PERSON_CORRECTED, school=account.school_id, target=account,
           detail={"fields": sorted(changed)})  # fmt: skip
    return Correction.objects.create(account=account, corrected_by=by, changes=changed)


def group_keys_in_use(school_id: int) -> tuple[bool, bool, set[str]]:
    """Whether any cycle of the school selects by grade, by pathway, and which attributes."""
    grades = pathways = False
    attributes: set[str] = set()
    for focus, comparison in InquiryCycle.objects.filter(team__school_id=school_id).values_list(
        "focus", "comparison"
    ):
        for definition in (focus, comparison):
            if not isinstance(definition, dict):
                continue
            grades |= bool(definition.get("grades"))
            pathways |= bool(definition.get("pathways"))
            attributes |= set((definition.get("attributes") or {}).keys())
    return grades, pathways, attributes


@transaction.atomic
def student_erase(
    *, student: Student, by: User | None, reason: str = Erasure.Reason.REQUEST
) -> Erasure:
    """Erase what identifies ``student``; their scores stay as an anonymous record."""
    # Only the full name is looked for in free text: a student number such as "100"
    # would also match figures and other words.
    name = f"{student.given_name} {student.family_name}".strip()
    grades, pathways, attributes = group_keys_in_use(student.school_id)
    student.given_name = ""
    student.family_name = ""
    student.identifier = ""
    student.sourced_id = None
    if not grades:
        student.grade = ""
    if not pathways:
        student.pathway = ""
    student.attributes = {k: v for k, v in student.attributes.items() if k in attributes}
    student.date_last_modified = timezone.now()
    student.save()
    Enrollment.objects.filter(student=student).update(sourced_id=None)
    Correction.objects.filter(student=student).delete()
    scrub_text(name)
    record(actor=by, action=Action.PERSON_ERASED, school=student.school_id, target=student,
           detail={"reason": reason})  # fmt: skip
    return Erasure.objects.create(student=student, erased_by=by, reason=reason)


@transaction.atomic
def account_erase(*, account: User, by: User | None) -> Erasure:
    """Anonymise a staff account; what they wrote for their team stays, unattributed."""
    name = account.get_full_name().strip()
    account.username = f"{ERASED_USERNAME_PREFIX}{account.pk}"
    account.first_name = ""
    account.last_name = ""
    account.email = ""
    account.sourced_id = None
    account.language = ""
    account.is_active = False
    account.status = Status.RETIRED
    account.set_unusable_password()
    account.save()
    Correction.objects.filter(account=account).delete()
    _remove_sign_in_links(account)
    scrub_text(name)
    # A story PDF made before names the colleagues of its moment: the cache goes, and
    # what a reader asks for next is made from the erased record.
    transaction.on_commit(story_files_delete)
    record(actor=by, action=Action.PERSON_ERASED, school=account.school_id, target=account)
    return Erasure.objects.create(account=account, erased_by=by)


def _remove_sign_in_links(account: User) -> None:
    """The identity provider's links (django-allauth), when sign-in with one is installed."""
    for app, label, model in (
        ("allauth.socialaccount", "socialaccount", "SocialAccount"),
        ("allauth.account", "account", "EmailAddress"),
    ):
        if apps.is_installed(app):
            apps.get_model(label, model).objects.filter(user=account).delete()


#: Columns that are never free text about people (our own records of erasures, and sessions).
#: The audit log is append-only (its database refuses an update): it keeps who did what,
#: usernames included, until its own retention period (``audit``) removes it.
_NOT_SCRUBBED = {("rights", "erasure"), ("sessions", "session"), ("audit", "auditevent")}


def text_columns() -> list[tuple[type[models.Model], models.Field]]:
    """Every text and JSON column of every model."""
    found: list[tuple[type[models.Model], models.Field]] = []
    for model in apps.get_models():
        if (model._meta.app_label, model._meta.model_name) in _NOT_SCRUBBED:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, (models.CharField, models.TextField, models.JSONField)):
                found.append((model, field))
    return found


def scrub_text(name: str) -> int:
    """Replace ``name`` (case-insensitively) by :data:`ERASED_TEXT` in every text column."""
    if len(name) < 3:  # an empty or one-letter name would match everywhere
        return 0
    pattern = re.compile(rf"\b{re.escape(name)}\b", re.IGNORECASE)
    replaced = 0
    for model, field in text_columns():
        if field.choices or field.primary_key or field.unique:
            continue
        matches = model._default_manager.filter(**{f"{field.attname}__icontains": name})
        for pk, old in matches.values_list("pk", field.attname):
            new = _replace(old, pattern)
            if new != old:
                model._default_manager.filter(pk=pk).update(**{field.attname: new})
                replaced += 1
    return replaced


def _replace(value: Any, pattern: re.Pattern[str]) -> Any:
    if isinstance(value, str):
        return pattern.sub(ERASED_TEXT, value)
    if isinstance(value, list):
        return [_replace(v, pattern) for v in value]
    if isinstance(value, dict):
        return {_replace(k, pattern): _replace(v, pattern) for k, v in value.items()}
    return value

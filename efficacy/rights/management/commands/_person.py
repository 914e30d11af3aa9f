"""The person a data-rights command is about: ``--student ID`` or ``--staff USERNAME``."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from efficacy.roster.models import Student, User


def add_person_arguments(parser) -> None:
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument(
        "--student", metavar="ID", help="The student's id (as in their page's address)."
    )
    who.add_argument("--staff", metavar="USERNAME", help="The staff member's username.")


def person_from(options: dict) -> Student | User:
    if options.get("student"):
        try:
            return Student.objects.get(pk=int(options["student"]), erasure__isnull=True)
        except (ValueError, Student.DoesNotExist):
            raise CommandError(
                _(
                    "No student with id %(id)r (or already erased). The id is the number "
                    "in the address of the student's page."
                )
                % {"id": options["student"]}
            ) from None
    try:
        return User.objects.get(username=options["staff"], erasure__isnull=True)
    except User.DoesNotExist:
        raise CommandError(
            _("No staff account with username %(username)r (or already erased).")
            % {"username": options["staff"]}
        ) from None

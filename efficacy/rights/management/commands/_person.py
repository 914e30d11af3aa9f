"""The person a data-rights command is about: ``--student ID`` or ``--staff USERNAME``."""

from __future__ import annotations

from django.core.management.base import CommandError

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
                f"No student with id {options['student']!r} (or already erased). "
                "The id is the number in the address of the student's page."
            ) from None
    try:
        return User.objects.get(username=options["staff"], erasure__isnull=True)
    except User.DoesNotExist:
        raise CommandError(f"No staff account with username {options['staff']!r}.") from None

"""``efficacy erase-person (--student ID | --staff USERNAME) --yes``: erase one person."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from efficacy.rights.management.commands._person import add_person_arguments, person_from
from efficacy.rights.services import account_erase, student_erase
from efficacy.roster.models import Student


class Command(BaseCommand):
    help = (
        "Erase what identifies one person. A student's scores stay as an anonymous record; "
        "a staff account is anonymised. Cannot be undone: --yes confirms."
    )

    def add_arguments(self, parser):
        add_person_arguments(parser)
        parser.add_argument("--yes", action="store_true", help="Confirm: this cannot be undone.")

    def handle(self, *args, **options):
        person = person_from(options)
        if not options["yes"]:
            raise CommandError(_("Erasure cannot be undone: add --yes to confirm."))
        if isinstance(person, Student):
            student_erase(student=person, by=None)
        else:
            account_erase(account=person, by=None)
        self.stdout.write(_("Erased."))

"""``efficacy export-person (--student ID | --staff USERNAME) OUTPUT.zip``: an access request."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from efficacy.audit.models import Action, Via
from efficacy.audit.services import record
from efficacy.rights.export import person_export
from efficacy.rights.management.commands._person import add_person_arguments, person_from


class Command(BaseCommand):
    help = "Write everything Efficacy holds about one person to a zip (README.txt, JSON, CSVs)."

    def add_arguments(self, parser):
        add_person_arguments(parser)
        parser.add_argument("output", metavar="OUTPUT.zip")

    def handle(self, *args, **options):
        person = person_from(options)
        output = Path(options["output"])
        if output.suffix.lower() != ".zip":
            raise CommandError(
                _("%(path)s: the output is a zip file; name it e.g. person.zip.") % {"path": output}
            )
        try:
            output.write_bytes(person_export(person))
        except OSError as error:
            raise CommandError(
                _("%(path)s: cannot write it (%(error)s).")
                % {"path": output, "error": error.strerror}
            ) from None
        self.stdout.write(_("Wrote %(path)s") % {"path": output})
        record(actor=None, action=Action.PERSON_EXPORTED, school=person.school_id, target=person,
               via=Via.COMMAND, actor_label="efficacy export-person")  # fmt: skip

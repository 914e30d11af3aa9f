"""``efficacy create-administrator USERNAME --email EMAIL [--district NAME] [--district-id ID]``:
the first administrator of a fresh install, who signs in and does the rest from the web
(imports the roster, invites the staff, gives roles).

The password is asked twice on a terminal; with ``--noinput`` (scripts, containers) it is
read from ``EFFICACY_ADMIN_PASSWORD``. Running it again for an administrator already there
changes nothing. Only a server operator runs this, as for ``import-roster``.

Exit status 0 when the administrator exists; 1 when it cannot be made (the message says
why: the password refused, no district named, an account of that name that is not an
administrator); 2 when no password is given.
"""

from __future__ import annotations

import getpass
import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from efficacy.roster.services import AdministratorRefused, administrator_create

PASSWORD_VARIABLE = "EFFICACY_ADMIN_PASSWORD"
REFUSED = 1
USAGE = 2


class Command(BaseCommand):
    help = _(
        "Create the first administrator of a district, who can then sign in, import the "
        "roster and invite the staff."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", required=True, help=_("their e-mail address"))
        parser.add_argument(
            "--district", default="", help=_("the district's name (created if there is none)")
        )
        parser.add_argument(
            "--district-id",
            default="",
            help=_("the district's sourcedId in your OneRoster export (orgs.csv)"),
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_true",
            help=_("ask nothing: the password is read from %(variable)s")
            % {"variable": PASSWORD_VARIABLE},
        )

    def handle(self, *args: Any, **options: Any) -> None:
        password = self._password(noinput=options["noinput"])
        try:
            account, created = administrator_create(
                username=options["username"],
                email=options["email"],
                password=password,
                district=options["district"],
                district_id=options["district_id"],
            )
        except AdministratorRefused as refused:
            raise CommandError(str(refused), returncode=REFUSED) from None
        values = {"username": account.username, "district": account.district}
        if created:
            self.stdout.write(
                _("Administrator %(username)s created for %(district)s: sign in with them.")
                % values
            )
        else:
            self.stdout.write(
                _(
                    "Administrator %(username)s already exists (%(district)s); nothing changed. "
                    "`efficacy changepassword %(username)s` sets a new password."
                )
                % values
            )

    def _password(self, *, noinput: bool) -> str:
        from_environment = os.environ.get(PASSWORD_VARIABLE, "")
        if noinput or from_environment:
            if not from_environment:
                raise CommandError(
                    _("--noinput reads the password from %(variable)s, which is not set.")
                    % {"variable": PASSWORD_VARIABLE},
                    returncode=USAGE,
                )
            return from_environment
        if not sys.stdin.isatty():
            raise CommandError(
                _("No terminal to ask the password on: set %(variable)s and add --noinput.")
                % {"variable": PASSWORD_VARIABLE},
                returncode=USAGE,
            )
        first = getpass.getpass(_("Password: "))
        if first != getpass.getpass(_("Password (again): ")):
            raise CommandError(
                _("The two passwords differ; nothing was created."), returncode=USAGE
            )
        return first

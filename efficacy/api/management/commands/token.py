"""``efficacy token create|list|revoke``: personal access tokens from the command line.

* ``efficacy token create USERNAME [--write] [--days N] [--name TEXT]`` prints the new
  token, and only it, on standard output (for scripts and tests); it is never shown again.
* ``efficacy token list USERNAME`` lists that person's tokens (never the tokens themselves).
* ``efficacy token revoke ID`` revokes a token by its id (from ``list``).

Exit status 0 when done; 1 when the person or the token does not exist or the account is
not active; 2 when an argument is wrong (``--days`` outside 1 to ``EFFICACY_TOKEN_MAX_DAYS``).
Only a server operator runs this, as for ``import-roster``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from efficacy.access.roster import is_active_account
from efficacy.api import tokens as services
from efficacy.api.models import AccessToken
from efficacy.roster.models import User

NOT_FOUND = 1
USAGE = 2


class Command(BaseCommand):
    help = _("Create, list or revoke personal access tokens for the API.")

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help=_("create a token and print it (only it, once)"))
        create.add_argument("username")
        create.add_argument(
            "--write", action="store_true", help=_("a read-write token (default: read-only)")
        )
        create.add_argument(
            "--days",
            type=int,
            default=None,
            help=_("days until it expires (default %(days)d)")
            % {"days": services.token_default_days()},
        )
        create.add_argument("--name", default="", help=_("what the token is for"))
        listing = actions.add_parser("list", help=_("list a person's tokens"))
        listing.add_argument("username")
        revoke = actions.add_parser("revoke", help=_("revoke a token by its id"))
        revoke.add_argument("id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self.create(options)
        elif action == "list":
            self.list(options["username"])
        else:
            self.revoke(options["id"])

    def person(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(
                _(
                    "No account has the username %(name)s. Check the spelling (it is case-sensitive)."
                )
                % {"name": username},
                returncode=NOT_FOUND,
            )
        return user

    def create(self, options: dict[str, Any]) -> None:
        low, high = services.token_days_range()
        days = options["days"]
        if days is not None and not low <= days <= high:
            raise CommandError(
                _("--days must be from %(low)d to %(high)d (EFFICACY_TOKEN_MAX_DAYS).")
                % {"low": low, "high": high},
                returncode=USAGE,
            )
        user = self.person(options["username"])
        if not is_active_account(user):
            raise CommandError(
                _("The account %(name)s is deactivated or retired: it cannot have tokens.")
                % {"name": user.username},
                returncode=NOT_FOUND,
            )
        name = options["name"].strip() or _("Command line")
        try:
            _token, raw = services.token_create(
                user=user, name=name, write=options["write"], days=days
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages), returncode=USAGE) from error
        self.stdout.write(raw)

    def list(self, username: str) -> None:
        user = self.person(username)
        for token in AccessToken.objects.filter(user=user):
            last = token.last_used_at.isoformat(timespec="minutes") if token.last_used_at else "-"
            self.stdout.write(
                "\t".join(
                    [
                        str(token.pk),
                        token.name,
                        token.prefix + "…",
                        "write" if token.can_write else "read",
                        token.created_at.date().isoformat(),
                        token.expires_at.date().isoformat(),
                        last,
                        token.state,
                    ]
                )
            )

    def revoke(self, token_id: int) -> None:
        token = AccessToken.objects.filter(pk=token_id).first()
        if token is None:
            raise CommandError(
                _("No token has the id %(id)d: see `efficacy token list USERNAME`.")
                % {"id": token_id},
                returncode=NOT_FOUND,
            )
        services.token_revoke_by_operator(token=token)
        self.stdout.write(_("Token %(id)d revoked.") % {"id": token_id})

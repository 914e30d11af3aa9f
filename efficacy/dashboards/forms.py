"""The dashboards' forms: the weekly digest and language settings."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


def _language_choices() -> list[tuple[str, object]]:
    return [("", _("The language of my browser")), *settings.LANGUAGES]


class DigestForm(forms.Form):
    weekly = forms.BooleanField(
        label=_("Send me the weekly digest"),
        required=False,
        help_text=_(
            "On Monday mornings, an e-mail listing what is due: scores to enter, rounds, "
            "actions, milestones, exit tickets and surveys waiting for your answer. "
            "Nothing is sent in a week when nothing is due."
        ),
    )
    language = forms.ChoiceField(
        label=_("Language of your pages and e-mails"),
        choices=_language_choices,
        required=False,
    )

"""The Tokens page (``/accounts/tokens/``): a person's personal access tokens for the API.

They list their tokens, create one (shown once, right after, and never again) and revoke
one. An administrator also sees, and may revoke, the live tokens of the accounts they
manage. Who may do what: :mod:`efficacy.access.tokens`; the writes:
:mod:`efficacy.api.tokens`.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from efficacy.access import tokens as access
from efficacy.api import tokens as services


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What the token is for, e.g. “Grade 9 notebook”."),
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("Scope"),
        choices=[
            ("read", gettext_lazy("Read only")),
            ("write", gettext_lazy("Read and write (send evidence, import rosters)")),
        ],
        initial="read",
        widget=forms.RadioSelect,
    )
    days = forms.IntegerField(label=gettext_lazy("Expires after (days)"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.low, self.high = services.token_days_range()
        days = self.fields["days"]
        days.initial = services.token_default_days()
        days.widget.attrs.update({"min": self.low, "max": self.high})
        days.help_text = _("From %(low)d to %(high)d days.") % {"low": self.low, "high": self.high}

    def clean_days(self) -> int:
        days = self.cleaned_data["days"]
        if not self.low <= days <= self.high:
            raise ValidationError(
                _("Choose from %(low)d to %(high)d days.") % {"low": self.low, "high": self.high}
            )
        return days


def _page(
    request: HttpRequest, form: TokenForm, *, created=None, raw: str = "", status: int = 200
) -> HttpResponse:
    user = request.user
    managed = (
        access.managed_tokens_for(user)
        .filter(revoked_at__isnull=True, expires_at__gt=timezone.now())
        .select_related("user")
    )
    context = {
        "form": form,
        "tokens": access.tokens_for(user),
        "managed": managed,
        "created": created,
        "raw": raw,
    }
    return render(request, "api/tokens.html", context, status=status)


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """List, and create on POST. The new token is on this one answer only (no redirect:
    it is kept nowhere to be shown again)."""
    user = request.user
    if not access.can_create_token(user):
        raise PermissionDenied(_("This account is not active."))
    if request.method != "POST":
        return _page(request, TokenForm())
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        token, raw = services.token_create(
            user=user,
            name=form.cleaned_data["name"],
            write=form.cleaned_data["scope"] == "write",
            days=form.cleaned_data["days"],
        )
    except ValidationError as error:
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
        return _page(request, form, status=400)
    return _page(request, TokenForm(), created=token, raw=raw)


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    user = request.user
    if not access.can_create_token(user):
        raise Http404  # an inactive account has no tokens, as for a token not theirs
    token = access.access_token(user, token_id)
    services.token_revoke(by=user, token=token)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("api_tokens")

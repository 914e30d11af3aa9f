"""A second factor at sign-in: a code from an authenticator app (TOTP, django-otp).

* Anyone adds one on ``/accounts/second-factor/``: a QR code (inline SVG, segno), the
  secret in text for typing in, and a code to confirm it; a code removes it again.
* Once a person has one, every sign-in (password or the school's identity provider) asks
  for the code before anything else: :class:`SecondFactorMiddleware` sends every page to
  ``/accounts/second-factor/verify/`` until it is entered in this session.
* ``EFFICACY_SECOND_FACTOR_ROLES`` makes it required for those roles: until they have
  one, such a person is sent to set it up (``efficacy.access.second_factor``).
* Wrong codes are throttled by django-otp (1, 2, 4, ... seconds) and sent as Django's
  ``user_login_failed``, so django-axes pauses the account and the audit log keeps them.
* Requests carrying ``Authorization: Bearer`` (the API's tokens) are not sessions and
  are left alone.
"""

from __future__ import annotations

from base64 import b32encode
from collections.abc import Callable
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.timezone import now
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from efficacy.access.roster import is_active_account
from efficacy.access.second_factor import must_use_second_factor
from efficacy.audit.models import Action
from efficacy.audit.services import record
from efficacy.roster.models import Role, User

#: Pages a person who still owes their code may open (besides setting it up, when they
#: have none yet): entering it, signing out, the language selector, and the health probe.
ALWAYS_OPEN = {"second_factor_verify", "logout", "set_language", "healthz"}


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from your authenticator app"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*"}
        ),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].replace(" ", "")
        if not code.isdigit() or len(code) != 6:
            raise forms.ValidationError(
                _("Type the six digits your authenticator app shows now, e.g. 123456.")
            )
        return code


def check_required_roles() -> None:
    """A misspelt role in ``EFFICACY_SECOND_FACTOR_ROLES`` would quietly require nothing:
    it stops the start instead, naming the roles it accepts."""
    unknown = [r for r in settings.EFFICACY_SECOND_FACTOR_ROLES if r not in Role.values]
    if unknown:
        raise ImproperlyConfigured(
            f"EFFICACY_SECOND_FACTOR_ROLES: {', '.join(map(repr, unknown))} is not a role. "
            f"Use a comma-separated list of {', '.join(Role.values)}, or leave it unset "
            f"(optional for everyone)."
        )


# --- selectors and services ---------------------------------------------------


def second_factor_of(user: User) -> TOTPDevice | None:
    """The person's confirmed authenticator, if they have one."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def second_factor_pending(user: User) -> TOTPDevice:
    """The authenticator being set up (not confirmed yet): the same secret until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


@transaction.atomic
def second_factor_reset(*, account: User, by: User | None = None) -> int:
    """Remove every authenticator of ``account`` (a lost phone): they set up a new one."""
    count, _ = TOTPDevice.objects.filter(user=account).delete()
    if by is not None and count:
        record(actor=by, action=Action.SECOND_FACTOR_REMOVED, school=account.school_id,
               target=account)  # fmt: skip
    return count


def _secret_text(device: TOTPDevice) -> str:
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _qr_svg(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_inline(
        scale=4, border=2, title=_("QR code of your authenticator's secret")
    )


def _check_code(request: HttpRequest, device: TOTPDevice, code: str, *, signal: bool) -> str | None:
    """None when the code is right; otherwise what to tell the person (and, for a sign-in
    or a removal, a failed sign-in sent for axes and the audit log)."""
    allowed, data = device.verify_is_allowed()
    if not allowed:
        until = (data or {}).get("locked_until")
        seconds = max(1, int((until - now()).total_seconds()) + 1) if until else 1
        return _("Too many wrong codes. Wait %(seconds)s seconds, then type the new code.") % {
            "seconds": seconds
        }
    if device.verify_token(code):
        return None
    if signal:
        user_login_failed.send(
            sender=__name__,
            credentials={"username": request.user.get_username(), "second_factor": "totp"},
            request=request,
        )
    return _("This code is not right. Type the code your authenticator app shows now.")


def _verified(user: object) -> bool:
    """The code was entered in this session (django-otp's OTPMiddleware adds ``is_verified``)."""
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


# --- views -----------------------------------------------------------------------


@login_required
def second_factor(request: HttpRequest) -> HttpResponse:
    """Add an authenticator app (scan, confirm with a code), or remove it (with a code)."""
    user = request.user
    if not is_active_account(user):
        raise PermissionDenied(_("This account is not active."))
    device = second_factor_of(user)
    form = CodeForm(request.POST or None)
    if device is None:
        pending = second_factor_pending(user)
        if request.method == "POST" and form.is_valid():
            problem = _check_code(request, pending, form.cleaned_data["code"], signal=False)
            if problem is None:
                pending.confirmed = True
                pending.save(update_fields=["confirmed"])
                otp_login(request, pending)
                messages.success(
                    request, _("Your authenticator app is set up: sign-in will ask for its code.")
                )
                return redirect(_next(request) if request.POST.get("next") else "second_factor")
            form.add_error("code", problem)
        context = {
            "form": form,
            "device": None,
            "qr": mark_safe(_qr_svg(pending)),  # segno's SVG of our own secret, no input
            "secret": _secret_text(pending),
            "required": must_use_second_factor(user),
            "next": request.GET.get("next", ""),
        }
        return render(
            request, "front/second_factor.html", context, status=400 if form.errors else 200
        )
    if request.method == "POST" and form.is_valid():
        problem = _check_code(request, device, form.cleaned_data["code"], signal=True)
        if problem is None:
            second_factor_reset(account=user, by=user)
            messages.success(request, _("Your authenticator app is removed."))
            return redirect("second_factor")
        form.add_error("code", problem)
    context = {"form": form, "device": device, "required": must_use_second_factor(user)}
    return render(request, "front/second_factor.html", context, status=400 if form.errors else 200)


@login_required
def second_factor_verify(request: HttpRequest) -> HttpResponse:
    """The code asked at sign-in, before anything else."""
    user = request.user
    device = second_factor_of(user) if is_active_account(user) else None
    if device is None or _verified(user):
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        problem = _check_code(request, device, form.cleaned_data["code"], signal=True)
        if problem is None:
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("code", problem)
    context = {"form": form, "next": _next(request)}
    return render(
        request, "front/second_factor_verify.html", context, status=400 if form.errors else 200
    )


# --- the middleware -------------------------------------------------------------


class SecondFactorMiddleware:
    """Until the code is entered in this session, a person who has a second factor (or
    whose role requires one) is sent to enter it (or set it up), whatever they asked for."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        target = self.detour(request)
        if target is not None:
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def detour(request: HttpRequest) -> str | None:
        """The URL name to send this request to first, or None to let it through."""
        if request.headers.get("Authorization", "").lower().startswith("bearer "):
            return None  # an API token, not a session
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or _verified(user):
            return None
        has_one = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        if not has_one and not must_use_second_factor(user):
            return None
        try:
            name = resolve(request.path_info).view_name
        except Resolver404:
            name = ""
        if name in ALWAYS_OPEN or (not has_one and name == "second_factor"):
            return None
        return "second_factor_verify" if has_one else "second_factor"

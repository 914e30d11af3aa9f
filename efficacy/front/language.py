"""A language that sticks: what a signed-in person chose is kept on their account
(``User.language``) and applied on each of their requests, on any browser.

:func:`set_language` wraps Django's view of that name (the selector at the foot of
every page posts to it): it keeps the choice of a signed-in person, then lets Django
set the cookie and redirect as it always does. :class:`UserLanguageMiddleware`,
placed after the authentication middleware, activates the stored language for a
signed-in person (over the cookie and the browser's preference that
``LocaleMiddleware`` read) and writes it into the language cookie, so the sign-in
page after signing out is in it too. An empty choice leaves the browser's.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views import i18n

from efficacy.roster.services import account_language_set


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's ``set_language``, keeping the choice on the signed-in person's account."""
    user = request.user
    language = request.POST.get("language", "") if request.method == "POST" else ""
    if user.is_authenticated and language:
        # Django's view ignores a language the site does not offer; so do we.
        with contextlib.suppress(ValidationError):
            account_language_set(account=user, language=language)
    return i18n.set_language(request)


def stored_language(user: object) -> str:
    """The language a signed-in person chose, if it is still one of the site's."""
    language = getattr(user, "language", "")
    return language if language in dict(settings.LANGUAGES) else ""


class UserLanguageMiddleware:
    """Pages of a signed-in person are in the language they chose (see the module)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = stored_language(user) if user is not None and user.is_authenticated else ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        # Read again: set_language may have just changed it.
        language = stored_language(user) if user is not None and user.is_authenticated else ""
        if language and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response

"""What ``efficacy serve`` refuses to serve with: one problem a line, each saying what to set.

* ``DEBUG`` on: an error page shows code, settings and data to whoever meets it.
* ``ALLOWED_HOSTS`` not set while the server listens beyond this machine: unset, it
  names the loopback addresses only, which is right for a laptop and for a server
  behind a reverse proxy on the same machine (``--bind 127.0.0.1:8000``), never for an
  address others reach.
* A secret key anyone could know: shorter than 50 characters or of fewer than five
  different characters (Django's deploy check), Django's ``django-insecure-`` keys, the
  key this project once published, or a placeholder left from an example file
  (``change-me``). Without ``SECRET_KEY``, the key generated into the data directory is
  safe on one machine, which is what SQLite means; with PostgreSQL, web processes may
  run on several machines, each of which would generate a key of its own and refuse the
  others' sessions and links, so ``SECRET_KEY`` must be set (the same everywhere).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from efficacy.config import SECRET_KEY_MIN_LENGTH, is_set

#: Keys that were published, or are the placeholders of example files.
KNOWN_KEYS = {
    "efficacy-insecure-development-key-change-me-in-production",  # this project's, once
    "secret",
    "changeme",
    "change-me",
}
#: Words of a placeholder, not of a random key.
PLACEHOLDER_WORDS = ("change-me", "changeme", "change_me", "replace-me", "your-secret", "insecure")

NEW_KEY_COMMAND = 'python3 -c "import secrets; print(secrets.token_urlsafe(64))"'


def is_loopback(bind: str) -> bool:
    """Whether ``HOST:PORT`` (or ``unix:PATH``) is reachable from this machine only."""
    if bind.startswith("unix:"):
        return True
    host = bind.rsplit(":", 1)[0] if ":" in bind else bind
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False


def secret_key_problem(key: str) -> str | None:
    """Why ``key`` is one anyone could know, or None."""
    if key in KNOWN_KEYS:
        return "it is a published key"
    lowered = key.lower()
    for word in PLACEHOLDER_WORDS:
        if word in lowered:
            return f"it holds {word!r}, the mark of an example's placeholder"
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return f"it has {len(key)} characters, fewer than {SECRET_KEY_MIN_LENGTH}"
    if len(set(key)) < 5:
        return "it has fewer than 5 different characters"
    return None


def unsafe_configuration(*, bind: str) -> list[str]:
    """The problems that stop ``efficacy serve`` listening on ``bind``, one message each."""
    problems = []
    if settings.DEBUG:
        problems.append(
            "DEBUG is on: an error page would show code, settings and data to whoever "
            "meets it. Set DEBUG=off (or leave it unset)."
        )
    if not is_set("ALLOWED_HOSTS") and not is_loopback(bind):
        problems.append(
            f"ALLOWED_HOSTS is not set, and {bind} is reachable from other machines. Set "
            f"ALLOWED_HOSTS to the host names people use, comma-separated "
            f"(e.g. ALLOWED_HOSTS=efficacy.school.example), or bind 127.0.0.1 behind a "
            f"reverse proxy on this machine."
        )
    if is_set("SECRET_KEY"):
        reason = secret_key_problem(settings.SECRET_KEY)
        if reason:
            problems.append(
                f"SECRET_KEY is one anyone could know: {reason}. Set it to a long random "
                f"value, e.g. the output of: {NEW_KEY_COMMAND}"
            )
    elif settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        problems.append(
            "SECRET_KEY is not set: the key generated in the data directory belongs to this "
            "machine, and with PostgreSQL web processes may run on several, each signing "
            "sessions and links with a key of its own. Set SECRET_KEY to one long random "
            f"value, the same on every machine, e.g. the output of: {NEW_KEY_COMMAND}"
        )
    return problems


def require_safe_configuration(*, bind: str) -> None:
    """Raise :class:`ImproperlyConfigured` listing every problem, if there is one."""
    problems = unsafe_configuration(bind=bind)
    if problems:
        raise ImproperlyConfigured("\n".join(problems))

"""Reading the configuration from the environment, strictly: a typo stops the start.

``SECURE_HTTPS=ture`` quietly read as "off" would serve a school's data without secure
cookies, and ``AXES_FAILURE_LIMIT=five`` would crash on the first failed sign-in. Here
each is an :class:`ImproperlyConfigured` at start, naming the variable and what it accepts.
An unset or blank variable takes its default.

The secret key is never a published one: without ``SECRET_KEY``, a random key is
generated into the data directory on the first run (the laptop case) and reused after.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import tempfile
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

TRUE = ("1", "true", "yes", "on")
FALSE = ("0", "false", "no", "off")

#: The key generated on the first run, in the data directory (mode 0600).
SECRET_KEY_FILE = "secret_key"
#: Shorter keys are refused: Django's deploy check asks for at least 50 characters.
SECRET_KEY_MIN_LENGTH = 50


def _raw(name: str) -> str | None:
    """The variable's value, or None when it is unset or blank."""
    value = os.environ.get(name, "").strip()
    return value or None


def is_set(name: str) -> bool:
    """Whether the variable is set to something (blank counts as unset)."""
    return _raw(name) is not None


def envbool(name: str, default: bool = False) -> bool:
    raw = _raw(name)
    if raw is None:
        return default
    if raw.lower() in TRUE:
        return True
    if raw.lower() in FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean. Use one of {', '.join(TRUE)} to turn it on, "
        f"one of {', '.join(FALSE)} to turn it off, or leave it unset "
        f"({'on' if default else 'off'})."
    )


def envint(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = _raw(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a whole number. Write it in digits, "
            f"e.g. {name}={default}, or leave it unset ({default})."
        ) from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(
            f"{name}={value} is too small: it must be at least {minimum} (unset: {default})."
        )
    return value


def envchoice(name: str, choices: tuple[str, ...], default: str) -> str:
    """One of ``choices`` (any case), returned as written in ``choices``."""
    raw = _raw(name)
    if raw is None:
        return default
    for choice in choices:
        if raw.lower() == choice.lower():
            return choice
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not one of {', '.join(choices)}. Use one of them, "
        f"or leave it unset ({default})."
    )


def envnetworks(name: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """A comma-separated list of IP addresses or networks (``10.0.0.5``, ``10.1.0.0/16``)."""
    networks = []
    for entry in (_raw(name) or "").split(","):
        entry = entry.strip()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: {entry!r} is not an IP address or network. Use a comma-separated "
                f"list such as 10.0.0.5,10.1.0.0/16, or leave it unset (none)."
            ) from None
    return networks


def secret_key(data_dir: Path) -> str:
    """``SECRET_KEY`` from the environment, else the key generated into ``data_dir``."""
    configured = _raw("SECRET_KEY")
    if configured is not None:
        return configured
    path = data_dir / SECRET_KEY_FILE
    try:
        return _read_secret_key(path)
    except FileNotFoundError:
        return _generate_secret_key(path)


def _generate_secret_key(path: Path) -> str:
    """Write a new random key to ``path`` (mode 0600) unless another process just did.

    The key is written whole to a private temporary file, then linked into place: the
    link fails if another process got there first (we then use its key), and nobody
    ever reads a half-written key.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(64)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{SECRET_KEY_FILE}.")
    try:
        with os.fdopen(descriptor, "w") as handle:  # mkstemp makes it 0600
            handle.write(key + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return _read_secret_key(path)
    finally:
        os.unlink(temporary)
    return key


def _read_secret_key(path: Path) -> str:
    key = path.read_text(encoding="utf-8").strip()
    if len(key) < SECRET_KEY_MIN_LENGTH:
        raise ImproperlyConfigured(
            f"{path} does not hold a usable secret key. Delete it to generate a new one "
            f"(everyone will have to sign in again), or set SECRET_KEY."
        )
    return key


#: How long each kind of record is kept, in days, unless ``EFFICACY_RETENTION`` says
#: otherwise (see :mod:`efficacy.rights.retention`): the audit log and retired students
#: seven years, failed sign-ins 90 days, exit-ticket answers a year, uploaded roster
#: files 30 days, revoked API tokens a year.
RETENTION_DEFAULTS = {
    "audit": 2555,
    "signin_failures": 90,
    "exit_ticket_answers": 365,
    "retired_students": 2555,
    "import_files": 30,
    "revoked_tokens": 365,
}


def envretention(name: str, defaults: dict[str, int] = RETENTION_DEFAULTS) -> dict[str, int]:
    """``kind=days`` pairs, comma-separated (``audit=2555,import_files=30``), over ``defaults``.

    An unknown kind, a pair without ``=`` or a number of days that is not a whole number
    of at least 1 stops the start, naming the pair and what is accepted.
    """
    policy = dict(defaults)
    kinds = ", ".join(sorted(defaults))
    for entry in (_raw(name) or "").split(","):
        entry = entry.strip()
        if not entry:
            continue
        kind, equals, days = (part.strip() for part in entry.partition("="))
        if not equals:
            raise ImproperlyConfigured(
                f"{name}: {entry!r} is not a kind=days pair. Write e.g. {name}=audit=2555,"
                f"import_files=30 (kinds: {kinds})."
            )
        if kind not in defaults:
            raise ImproperlyConfigured(
                f"{name}: {kind!r} is not a kind of record kept. Use one of: {kinds}."
            )
        try:
            value = int(days)
        except ValueError:
            value = 0
        if value < 1:
            raise ImproperlyConfigured(
                f"{name}: {kind}={days!r} is not a number of days. Write a whole number of "
                f"at least 1, e.g. {kind}={defaults[kind]} (the default)."
            )
        policy[kind] = value
    return policy

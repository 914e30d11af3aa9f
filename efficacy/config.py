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
import zoneinfo
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


def envzone(name: str, default: str = "UTC") -> str:
    """An IANA time zone name (``America/Toronto``), checked against the system's database."""
    raw = _raw(name)
    if raw is None:
        return default
    if raw not in zoneinfo.available_timezones():
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a time zone. Use an IANA name such as America/Toronto "
            f"or Europe/Paris, or leave it unset ({default})."
        )
    return raw


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
    "story_pdfs": 30,
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


#: An S3-compatible store holds the uploaded files when ``EFFICACY_S3_BUCKET`` is set:
#: these variables name the bucket and the keys to reach it; all three are needed.
S3_REQUIRED = ("EFFICACY_S3_BUCKET", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
#: Where the store answers (unset: Amazon S3 itself) and its region (unset: boto3's default).
S3_OPTIONAL = ("EFFICACY_S3_ENDPOINT_URL", "EFFICACY_S3_REGION")


def envstorage() -> dict[str, object]:
    """The ``default`` entry of ``STORAGES``: where uploads, import files and progress live.

    The local folder ``MEDIA_ROOT`` (one machine) unless an ``EFFICACY_S3_*`` variable
    is set; then an S3-compatible store through django-storages, which every web and
    worker process reaches. Half a configuration (an endpoint without a bucket, a bucket
    without its keys) stops the start, naming each variable still to set.
    """
    s3_names = ("EFFICACY_S3_BUCKET", *S3_OPTIONAL)
    if not any(_raw(name) for name in s3_names):
        # No location option: the folder follows MEDIA_ROOT wherever it is set.
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    missing = [name for name in S3_REQUIRED if _raw(name) is None]
    if missing:
        given = ", ".join(name for name in s3_names if _raw(name))
        raise ImproperlyConfigured(
            f"{given} asks for an S3-compatible store, but {', '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} not set. Set {', '.join(S3_REQUIRED)} "
            f"(and EFFICACY_S3_ENDPOINT_URL for a store other than Amazon S3), or unset "
            f"{given} to keep the files in the local folder MEDIA_ROOT."
        )
    endpoint = _raw("EFFICACY_S3_ENDPOINT_URL")
    if endpoint is not None and not endpoint.startswith(("http://", "https://")):
        raise ImproperlyConfigured(
            f"EFFICACY_S3_ENDPOINT_URL={endpoint!r} is not a URL. Write it with its scheme, "
            f"e.g. https://s3.example.org, or leave it unset for Amazon S3."
        )
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _raw("EFFICACY_S3_BUCKET"),
            "access_key": _raw("AWS_ACCESS_KEY_ID"),
            "secret_key": _raw("AWS_SECRET_ACCESS_KEY"),
            "endpoint_url": endpoint,
            "region_name": _raw("EFFICACY_S3_REGION"),
            # Objects are private: files are served by the app after its access checks.
            "default_acl": None,
            "querystring_auth": True,
            # Stored names are random (uuid) already, and a run's progress object is
            # replaced whole on each write (efficacy.progress).
            "file_overwrite": True,
        },
    }

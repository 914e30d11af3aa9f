"""Django settings, read from the environment (12-factor).

Defaults make a laptop install work with nothing configured: an SQLite file in
``data/``, a secret key generated there on the first run, and DEBUG off unless asked
for. ``DATABASE_URL`` selects PostgreSQL. A value that cannot be read (``DEBUG=yes
please``, ``AXES_FAILURE_LIMIT=five``) stops the start (:mod:`efficacy.config`).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

from efficacy.config import (
    envbool,
    envchoice,
    envint,
    envnetworks,
    envretention,
    secret_key,
)
from efficacy.front.oidc import config as oidc_config

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent


DATA_DIR = Path(os.environ.get("EFFICACY_DATA_DIR", PROJECT_DIR / "data"))

DEBUG = envbool("DEBUG")
# Never a published key: without SECRET_KEY, a random one is generated into DATA_DIR
# (file `secret_key`, mode 0600) on the first run and reused after.
SECRET_KEY = secret_key(DATA_DIR)
# Unset, the loopback names only: `efficacy serve` refuses another address until it is set.
ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if host.strip()
]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "axes",
    # Sign-in with the school's OpenID Connect provider, and a TOTP second factor.
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "efficacy.roster",
    "efficacy.cycles",
    "efficacy.practice",
    "efficacy.voice",
    "efficacy.demo",
    "efficacy.dashboards",
    "efficacy.audit",
    "efficacy.front",
    "efficacy.rights",
    "efficacy.api",
    # Operations: the production server and worker, health, logs, backups.
    "efficacy.ops",
    # django-ninja: serves the API documentation's Swagger UI from our static files.
    "ninja",
]

MIDDLEWARE = [
    # First, so every answer (a redirect, a static file) carries the request's id, and
    # every log line written while it is answered (efficacy/ops/logs.py).
    "efficacy.ops.middleware.RequestId",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): a second factor entered in this session (django-otp),
    # then, before anything else, a person who has one or must have one is asked for it.
    "django_otp.middleware.OTPMiddleware",
    "efficacy.front.second_factor.SecondFactorMiddleware",
    # django-allauth's (the OpenID Connect sign-in keeps its state in the session).
    "allauth.account.middleware.AccountMiddleware",
    # A signed-in person's pages are in the language they chose (after LocaleMiddleware).
    "efficacy.front.language.UserLanguageMiddleware",
    # Pages and downloads for a signed-in person are never cached (student-level data).
    "efficacy.front.middleware.NoStoreWhenSignedIn",
    # A successful GET of a student-level page or export is recorded (efficacy/audit/student_level.py).
    "efficacy.audit.middleware.StudentLevelAudit",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks, so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "efficacy.urls"
WSGI_APPLICATION = "efficacy.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'efficacy.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while a background import writes. A writer locks
    # the whole database: a transaction takes the lock when it begins (IMMEDIATE, so it
    # never fails half-way for want of it), and a save waits up to 15 s for another
    # writer, such as a large roster import writing its rows, before it says so.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=15000;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Tasks (django-tasks, database backend: no broker to run) ---------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
if envbool("EFFICACY_TASKS_IMMEDIATE"):
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# --- Authentication ---------------------------------------------------------
AUTH_USER_MODEL = "roster.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# An invitation link sets a first password once, within this many days.
EFFICACY_INVITATION_DAYS = envint("EFFICACY_INVITATION_DAYS", 7)

# A personal access token for the API expires after at most this many days (90 unless
# its person chooses another expiry).
EFFICACY_TOKEN_MAX_DAYS = envint("EFFICACY_TOKEN_MAX_DAYS", 365, minimum=1)

# Sign-in pauses by account, whatever the address, and by address, across accounts
# (efficacy/front/lockout.py). Forwarded client addresses are believed only from the
# proxies named in EFFICACY_TRUSTED_PROXIES.
AXES_HANDLER = "efficacy.front.lockout.SignInLockout"
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5, minimum=1)
EFFICACY_ADDRESS_FAILURE_LIMIT = envint("EFFICACY_ADDRESS_FAILURE_LIMIT", 30, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "efficacy.front.lockout.locked_out"
AXES_CLIENT_IP_CALLABLE = "efficacy.net.client_ip"
EFFICACY_TRUSTED_PROXIES = envnetworks("EFFICACY_TRUSTED_PROXIES")

# --- Sign-in with the school's OpenID Connect provider (efficacy/front/oidc/) ---
# Providers come from OIDC_GOOGLE_*, OIDC_MICROSOFT_* and OIDC_GENERIC_* (see
# efficacy/front/oidc/config.py); with none set there is no provider and no button.
EFFICACY_OIDC_PROVIDERS = oidc_config.providers()
SOCIALACCOUNT_PROVIDERS = oidc_config.allauth_providers(EFFICACY_OIDC_PROVIDERS)
SOCIALACCOUNT_ADAPTER = "efficacy.front.oidc.adapter.SchoolIdentityAdapter"
# No sign-up (accounts come from the roster import and administrators), no e-mail
# verification of our own (the provider's verified claim is checked), no tokens kept.
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "efficacy.front.oidc.adapter.NoSignupAccountAdapter"

# --- Second factor (TOTP, efficacy/front/second_factor.py) --------------------
# Roles that must use one (comma-separated, e.g. "administrator"); empty: optional for all.
EFFICACY_SECOND_FACTOR_ROLES = [
    r.strip() for r in os.environ.get("EFFICACY_SECOND_FACTOR_ROLES", "").split(",") if r.strip()
]
OTP_TOTP_ISSUER = "Efficacy"

# --- E-mail (invitations and password resets) --------------------------------
# With nothing configured, messages are printed on the console (the demo shows its links
# there); set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and EMAIL_HOST to send.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS")
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Efficacy <efficacy@localhost>")

# --- Security headers and cookies ------------------------------------------
SECURE_HTTPS = envbool("SECURE_HTTPS")  # set behind TLS in production
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 3600)  # a school day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = SECURE_HTTPS
SECURE_HSTS_SECONDS = 31536000 if SECURE_HTTPS else 0
# The app has a host name of its own (efficacy.school.example): no subdomain of it is
# served without TLS.
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
# The load balancer's or container's health probe speaks plain HTTP on the inside.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Asking browsers to preload HTTPS is for the owner of the whole domain to decide and
# submit (hstspreload.org), not for one app on a host name of it.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
if SECURE_HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# The sign-in button's form is redirected to the identity provider (form-action).
CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] += oidc_config.form_action_origins(
    EFFICACY_OIDC_PROVIDERS
)

# --- Uploads ----------------------------------------------------------------
# A roster export of a large district is tens of megabytes zipped.
EFFICACY_MAX_UPLOAD_BYTES = envint("EFFICACY_MAX_UPLOAD_BYTES", 200 * 1024 * 1024)
# Any team member can send a score file: a class's or a cycle's scores are far smaller.
EFFICACY_MAX_SCORE_UPLOAD_BYTES = envint("EFFICACY_MAX_SCORE_UPLOAD_BYTES", 10 * 1024 * 1024)
EFFICACY_MAX_SCORE_UNZIPPED_BYTES = envint("EFFICACY_MAX_SCORE_UNZIPPED_BYTES", 50 * 1024 * 1024)
EFFICACY_MAX_SCORE_ROWS = envint("EFFICACY_MAX_SCORE_ROWS", 100_000)
# A photo (or PDF) of student work taken during an observation.
EFFICACY_MAX_PHOTO_BYTES = envint("EFFICACY_MAX_PHOTO_BYTES", 8 * 1024 * 1024)
# A survey instrument's YAML loaded from the web (never more than the parser's 256 KB).
EFFICACY_MAX_INSTRUMENT_BYTES = envint("EFFICACY_MAX_INSTRUMENT_BYTES", 256 * 1024, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = os.environ.get("FILE_UPLOAD_TEMP_DIR")

# --- Privacy thresholds (DESIGN.md principle 3) -----------------------------
EFFICACY_MIN_STUDENT_N = envint("EFFICACY_MIN_STUDENT_N", 10)
EFFICACY_MIN_STAFF_N = envint("EFFICACY_MIN_STAFF_N", 5)
EFFICACY_WEEKS_PER_YEAR = envint("EFFICACY_WEEKS_PER_YEAR", 40)
# Data rights: days each kind of record is kept (efficacy.config.RETENTION_DEFAULTS),
# e.g. EFFICACY_RETENTION="audit=2555,import_files=30"; `efficacy purge` applies it.
EFFICACY_RETENTION = envretention("EFFICACY_RETENTION")

# --- REST API ---------------------------------------------------------------
# Requests a minute per personal access token (or per signed-in person).
EFFICACY_API_READ_RATE = envint("EFFICACY_API_READ_RATE", 600, minimum=1)
EFFICACY_API_WRITE_RATE = envint("EFFICACY_API_WRITE_RATE", 60, minimum=1)

# --- Internationalisation ---------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["efficacy.formats"]  # short French dates: "7 déc. 2026"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# `efficacy serve` and `efficacy collectstatic` set EFFICACY_STATIC_COLLECTED (efficacy/cli.py):
# the files are collected into STATIC_ROOT under names holding a hash of their content,
# compressed (gzip, brotli), and WhiteNoise serves them with a year's caching. Elsewhere
# (`make demo`, the tests) WhiteNoise serves them straight from the apps, as they are.
EFFICACY_STATIC_COLLECTED = envbool("EFFICACY_STATIC_COLLECTED")
if EFFICACY_STATIC_COLLECTED:
    STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or DATA_DIR / "static")
    STORAGES["staticfiles"] = {"BACKEND": "efficacy.ops.static.CollectedStaticFiles"}
    WHITENOISE_USE_FINDERS = False
    WHITENOISE_KEEP_ONLY_HASHED_FILES = True
else:
    STATIC_ROOT = Path(os.environ["STATIC_ROOT"]) if os.environ.get("STATIC_ROOT") else None
    WHITENOISE_USE_FINDERS = True

# --- The production server and worker (efficacy/ops) -------------------------
# `efficacy serve`'s worker processes (--workers overrides): two a core and one, at most 8.
EFFICACY_WEB_WORKERS = envint("EFFICACY_WEB_WORKERS", min(2 * (os.cpu_count() or 1) + 1, 8),
                              minimum=1)  # fmt: skip
# A request taking longer than this many seconds has its web worker process restarted.
EFFICACY_WEB_TIMEOUT = envint("EFFICACY_WEB_TIMEOUT", 60, minimum=1)
# A background worker silent for this many seconds is taken for dead: /healthz says so,
# and the tasks it was running are marked failed (efficacy/ops/workers.py).
EFFICACY_WORKER_SILENCE_SECONDS = envint("EFFICACY_WORKER_SILENCE_SECONDS", 60, minimum=2)

# --- Logs -------------------------------------------------------------------
# json: one JSON object a line (time, level, logger, message, request_id, exception), the
# default under `efficacy serve` and `efficacy worker` (efficacy/cli.py); text elsewhere.
LOG_FORMAT = envchoice("LOG_FORMAT", ("json", "text"), "text")
LOG_LEVEL = envchoice("LOG_LEVEL", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"), "WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "efficacy.ops.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "efficacy.ops.logs.JsonFormatter"},
        "text": {"()": "efficacy.ops.logs.TextFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}

"""The security headers every answer of the site carries, checked on each response of
the URL-wide matrix (``test_url_matrix``) as it asks every URL as every person.

- ``Content-Security-Policy``: scripts only from the site itself (no ``'unsafe-inline'``
  nor ``'unsafe-eval'``), and no page framed by another (``frame-ancestors 'none'``);
- ``X-Frame-Options: DENY``, ``Referrer-Policy``, ``X-Content-Type-Options: nosniff``;
- ``Cache-Control: no-store`` on every answer to a signed-in person (every page behind
  sign-in may hold student-level data, efficacy/front/middleware.py) and on every answer
  of a student-level URL (efficacy/audit/student_level.py) that gives its data;
- behind TLS (``SECURE_HTTPS=on``): ``Strict-Transport-Security`` for at least a year,
  and a plain HTTP request redirected to HTTPS.
"""

from __future__ import annotations

from efficacy.audit.student_level import STUDENT_LEVEL

ONE_YEAR = 365 * 24 * 3600
#: What SECURE_HTTPS=on sets (efficacy/settings.py), for a test to set it on a sample.
HTTPS_SETTINGS = {
    "SECURE_SSL_REDIRECT": True,
    "SECURE_HSTS_SECONDS": 31536000,
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
}


def policy(response) -> dict[str, list[str]]:
    """The Content-Security-Policy's directives: name → sources."""
    header = response.get("Content-Security-Policy", "")
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def header_problems(response, *, url_name: str, signed_in: bool) -> list[str]:
    """What is missing or too lax in ``response``'s security headers (empty: none)."""
    problems = []
    csp = policy(response)
    scripts = csp.get("script-src", csp.get("default-src"))
    if not csp:
        problems.append("no Content-Security-Policy")
    elif scripts is None:
        problems.append("the Content-Security-Policy sets no script-src nor default-src")
    elif {"'unsafe-inline'", "'unsafe-eval'", "*"} & set(scripts):
        problems.append(f"script-src allows {' '.join(scripts)}")
    if csp and csp.get("frame-ancestors") != ["'none'"]:
        problems.append(f"frame-ancestors is {csp.get('frame-ancestors')}, not 'none'")
    if response.get("X-Frame-Options") != "DENY":
        problems.append(f"X-Frame-Options is {response.get('X-Frame-Options')!r}")
    if not response.get("Referrer-Policy"):
        problems.append("no Referrer-Policy")
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"X-Content-Type-Options is {response.get('X-Content-Type-Options')!r}")
    # An anonymous visitor is only sent to sign in (or answered 401 by the API): nothing of
    # a student is in that answer, and neither a 302 nor a 401 is cached unless told to be.
    if signed_in or (url_name in STUDENT_LEVEL and response.status_code < 300):
        directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
        if "no-store" not in directives:
            problems.append(f"Cache-Control is {response.get('Cache-Control')!r}, not no-store")
    return problems


def hsts_problems(response) -> list[str]:
    """What is wrong with ``response``'s Strict-Transport-Security, for a request over TLS."""
    header = response.get("Strict-Transport-Security", "")
    ages = [p.strip()[len("max-age=") :] for p in header.split(";")
            if p.strip().startswith("max-age=")]  # fmt: skip
    if not ages or not ages[0].isdigit() or int(ages[0]) < ONE_YEAR:
        return [f"Strict-Transport-Security is {header!r}, not max-age of a year or more"]
    return []

"""Demo accounts: usernames, the one shared demo password, and who signs in as what.

The six sign-in accounts get short usernames named after their role so a
visitor can remember them; everyone else is ``given.family``.
"""

from __future__ import annotations

from collections.abc import Iterable

from efficacy.demo.names import ascii_slug
from efficacy.roster.models import Role, User

# Public on purpose: the demo is for trying Efficacy on one's own machine.
DEMO_PASSWORD = "demo-efficacy"
DEMO_URL = "http://127.0.0.1:8000"

# (role, username) in the order they are printed.
SIGN_INS: tuple[tuple[str, str], ...] = (
    (Role.SCHOOL_LEADER, "principal"),
    (Role.COACH, "coach"),
    (Role.TEAM_LEAD, "teamlead"),
    (Role.TEACHER, "teacher"),
    (Role.DISTRICT_ANALYST, "analyst"),
    (Role.ADMINISTRATOR, "admin"),
)


def assign_usernames(users: Iterable[User], *, password_hash: str, domain: str) -> None:
    """Give every user without one a unique ``given.family`` username, an e-mail
    address and the shared demo password (hashed once by the caller: Argon2 is
    slow on purpose, 60 hashes would take seconds)."""
    users = list(users)
    taken = {u.username for u in users if u.username}
    for user in users:
        if not user.username:
            base = f"{ascii_slug(user.first_name)}.{ascii_slug(user.last_name)}"
            username, n = base, 1
            while username in taken:
                n += 1
                username = f"{base}{n}"
            user.username = username
            taken.add(username)
        user.email = f"{user.username}@{domain}"
        user.password = password_hash

"""People and objects the trust tests share: the leader of another school, and a
quick way to sign someone in."""

from __future__ import annotations

from efficacy.roster.models import Role, User


def leader_of_school_b(world) -> User:
    return User.objects.create(
        username="leader_b", first_name="Lou", last_name="Berg", role=Role.SCHOOL_LEADER,
        school=world.school_b, district=world.district, sourced_id="u-leader_b",
    )  # fmt: skip


def as_(client, person):
    client.logout()
    client.force_login(person)
    return client

"""Reads about the demo: does it exist, what is in it, who signs in as what."""

from __future__ import annotations

from dataclasses import dataclass

from efficacy.demo.accounts import DEMO_PASSWORD, DEMO_URL, SIGN_INS
from efficacy.demo.district import PREFIX
from efficacy.roster.models import District, Role, SchoolClass, Student, Team, User

DEMO_DISTRICT_ID = f"{PREFIX}district"


@dataclass(frozen=True)
class DemoSignIn:
    role: str  # a Role value
    role_label: str
    username: str
    name: str
    place: str  # the school, or the district for district staff


@dataclass(frozen=True)
class DemoSummary:
    built: bool  # False when an existing demo was reused
    district: str
    schools: list[str]
    students: int
    staff: int
    classes: int
    teams: int
    sign_ins: list[DemoSignIn]
    password: str = DEMO_PASSWORD
    url: str = DEMO_URL


def demo_exists() -> bool:
    return District.objects.filter(sourced_id=DEMO_DISTRICT_ID).exists()


def demo_summary(*, built: bool) -> DemoSummary:
    district = District.objects.get(sourced_id=DEMO_DISTRICT_ID)
    schools = district.schools.filter(sourced_id__startswith=PREFIX).order_by("sourced_id")
    return DemoSummary(
        built=built,
        district=district.name,
        schools=[s.name for s in schools],
        students=Student.objects.filter(sourced_id__startswith=PREFIX).count(),
        staff=User.objects.filter(sourced_id__startswith=PREFIX).count(),
        classes=SchoolClass.objects.filter(sourced_id__startswith=PREFIX).count(),
        teams=Team.objects.filter(school__in=schools).count(),
        sign_ins=demo_sign_ins(),
    )


def demo_sign_ins() -> list[DemoSignIn]:
    users = {
        u.username: u
        for u in User.objects.filter(
            sourced_id__startswith=PREFIX, username__in=[name for _, name in SIGN_INS]
        ).select_related("school", "district")
    }
    sign_ins = []
    for role, username in SIGN_INS:
        user = users.get(username)
        if user is None:  # someone renamed or removed a demo account
            continue
        place = user.school or user.district
        sign_ins.append(
            DemoSignIn(
                role=role,
                role_label=str(Role(role).label),
                username=username,
                name=user.get_full_name(),
                place=str(place) if place else "",
            )
        )
    return sign_ins

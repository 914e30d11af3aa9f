"""The demo district, its school year with two semesters, and its district staff."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from efficacy.demo.names import pick_name
from efficacy.roster.models import AcademicSession, District, Role, User

PREFIX = "demo-"
DISTRICT_NAME = "Riverbend District School Board"

# A fixed school year keeps the demo deterministic whatever the day it is built.
SCHOOL_YEAR = (dt.date(2026, 9, 1), dt.date(2027, 6, 30))
SEMESTERS = (
    (dt.date(2026, 9, 1), dt.date(2027, 1, 29)),
    (dt.date(2027, 2, 1), dt.date(2027, 6, 30)),
)


@dataclass
class DistrictPlan:
    district: District
    year: AcademicSession
    semesters: list[AcademicSession]
    analyst: User
    administrator: User


def plan_district(rng: random.Random) -> DistrictPlan:
    """Unsaved district, sessions and district-level staff."""
    district = District(name=DISTRICT_NAME, identifier="RDSB", sourced_id=f"{PREFIX}district")
    start, end = SCHOOL_YEAR
    year = AcademicSession(
        district=district,
        title="2026–2027",
        kind=AcademicSession.Kind.SCHOOL_YEAR,
        start_date=start,
        end_date=end,
        school_year=end.year,
        sourced_id=f"{PREFIX}session-2026-2027",
    )
    semesters = [
        AcademicSession(
            district=district,
            title=f"2026–2027 Semester {number}",
            kind=AcademicSession.Kind.SEMESTER,
            start_date=begin,
            end_date=finish,
            school_year=end.year,
            parent=year,
            sourced_id=f"{PREFIX}session-2026-2027-s{number}",
        )
        for number, (begin, finish) in enumerate(SEMESTERS, start=1)
    ]
    return DistrictPlan(
        district=district,
        year=year,
        semesters=semesters,
        analyst=district_staff(rng, district, Role.DISTRICT_ANALYST, "district-analyst"),
        administrator=district_staff(rng, district, Role.ADMINISTRATOR, "district-admin"),
    )


def district_staff(rng: random.Random, district: District, role: str, key: str) -> User:
    given, family = pick_name(rng)
    return User(
        first_name=given,
        last_name=family,
        role=role,
        district=district,
        school=None,
        sourced_id=f"{PREFIX}staff-{key}",
    )

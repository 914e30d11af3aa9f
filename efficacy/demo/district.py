"""The demo district, its school year with two semesters, and its district staff.

The school year is the one the demo's timeline chose (:mod:`efficacy.demo.timeline`):
the year under way on the day the demo is built, or the one just ended.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from efficacy.demo.names import pick_name
from efficacy.demo.timeline import SchoolYear
from efficacy.roster.models import AcademicSession, District, Role, User

PREFIX = "demo-"
DISTRICT_NAME = "Riverbend District School Board"


def session_sourced_id(year: SchoolYear, semester: int | None = None) -> str:
    """``demo-session-2026-2027`` for the year, ``…-s1`` and ``…-s2`` for its semesters."""
    suffix = "" if semester is None else f"-s{semester}"
    return f"{PREFIX}session-{year.key}{suffix}"


@dataclass
class DistrictPlan:
    district: District
    year: AcademicSession
    semesters: list[AcademicSession]
    analyst: User
    administrator: User


def plan_district(rng: random.Random, school_year: SchoolYear) -> DistrictPlan:
    """Unsaved district, sessions (``school_year`` and its semesters) and district-level staff."""
    district = District(name=DISTRICT_NAME, identifier="RDSB", sourced_id=f"{PREFIX}district")
    year, semesters = plan_sessions(district, school_year)
    return DistrictPlan(
        district=district,
        year=year,
        semesters=semesters,
        analyst=district_staff(rng, district, Role.DISTRICT_ANALYST, "district-analyst"),
        administrator=district_staff(rng, district, Role.ADMINISTRATOR, "district-admin"),
    )


def plan_sessions(
    district: District, school_year: SchoolYear
) -> tuple[AcademicSession, list[AcademicSession]]:
    """Unsaved sessions of ``school_year``: the year, and its two semesters (its children)."""
    year = AcademicSession(
        district=district,
        title=school_year.title,
        kind=AcademicSession.Kind.SCHOOL_YEAR,
        start_date=school_year.start,
        end_date=school_year.end,
        school_year=school_year.end.year,
        sourced_id=session_sourced_id(school_year),
    )
    semesters = [
        AcademicSession(
            district=district,
            title=f"{school_year.title} Semester {number}",
            kind=AcademicSession.Kind.SEMESTER,
            start_date=begin,
            end_date=finish,
            school_year=school_year.end.year,
            parent=year,
            sourced_id=session_sourced_id(school_year, number),
        )
        for number, (begin, finish) in enumerate(school_year.semesters, start=1)
    ]
    return year, semesters


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

"""Fixtures for the roster tests: small OneRoster exports written into tmp_path, and
users.csv rows for the exports a test writes itself (the web tests import them too)."""

from __future__ import annotations

import pytest

from efficacy.roster.oneroster.generate import export_write


def base_files() -> dict[str, list[dict[str, str]]]:
    """A tiny but complete OneRoster 1.1 export: one school, one class, two students, a teacher."""
    return {
        "orgs": [
            {"sourcedId": "d1", "name": "North District", "type": "district"},
            {"sourcedId": "s1", "name": "North High", "type": "school", "parentSourcedId": "d1"},
        ],
        "academicSessions": [
            {
                "sourcedId": "y1",
                "title": "2025-2026",
                "type": "schoolYear",
                "startDate": "2025-09-01",
                "endDate": "2026-06-30",
                "schoolYear": "2026",
            },
        ],
        "courses": [
            {"sourcedId": "c1", "title": "English 9", "orgSourcedId": "s1", "grades": "09"}
        ],
        "classes": [
            {
                "sourcedId": "k1",
                "title": "English 9 A",
                "courseSourcedId": "c1",
                "classType": "scheduled",
                "schoolSourcedId": "s1",
                "termSourcedIds": "y1",
            },
        ],
        "users": [
            {
                "sourcedId": "t1",
                "enabledUser": "true",
                "orgSourcedIds": "s1",
                "role": "teacher",
                "username": "ada",
                "givenName": "Ada",
                "familyName": "Byron",
            },
            {
                "sourcedId": "p1",
                "enabledUser": "true",
                "orgSourcedIds": "s1",
                "role": "student",
                "username": "p1",
                "givenName": "Ben",
                "familyName": "Okafor",
                "grades": "09",
            },
            {
                "sourcedId": "p2",
                "enabledUser": "true",
                "orgSourcedIds": "s1",
                "role": "student",
                "username": "p2",
                "givenName": "Cleo",
                "familyName": "Roy",
                "grades": "09",
            },
        ],
        "enrollments": [
            {
                "sourcedId": "e0",
                "classSourcedId": "k1",
                "schoolSourcedId": "s1",
                "userSourcedId": "t1",
                "role": "teacher",
                "primary": "true",
            },
            {
                "sourcedId": "e1",
                "classSourcedId": "k1",
                "schoolSourcedId": "s1",
                "userSourcedId": "p1",
                "role": "student",
            },
            {
                "sourcedId": "e2",
                "classSourcedId": "k1",
                "schoolSourcedId": "s1",
                "userSourcedId": "p2",
                "role": "student",
            },
        ],
    }


def unknown_role_users(count: int) -> list[dict[str, str]]:
    """``count`` users of the first school whose role is unknown: one problem each."""
    return [
        {
            "sourcedId": f"x{i}",
            "orgSourcedIds": "s1",
            "role": "pupil",
            "username": f"x{i}",
            "givenName": "Xavi",
            "familyName": "Ortiz",
        }
        for i in range(count)
    ]


def staff_row(sid, org, **extra):
    """A users.csv row of a teacher in ``org``; ``sid`` is "u-" and the username."""
    return {
        "sourcedId": sid,
        "enabledUser": "true",
        "orgSourcedIds": org,
        "role": "teacher",
        "username": sid[2:],
        "givenName": "Given",
        "familyName": "Family",
        **extra,
    }


def student_row(sid, org, **extra):
    """A users.csv row of a grade 9 student in ``org``, with ``sid`` as the username."""
    return {
        "sourcedId": sid,
        "enabledUser": "true",
        "orgSourcedIds": org,
        "role": "student",
        "username": sid,
        "givenName": "Renamed",
        "familyName": "Student",
        "grades": "09",
        **extra,
    }


@pytest.fixture
def files():
    return base_files()


@pytest.fixture
def write(tmp_path):
    """write(files, name=..., **export_write options) -> the export's folder."""
    counter = iter(range(1000))

    def _write(files, *, name=None, version="1.1", **options):
        return export_write(
            tmp_path / (name or f"export{next(counter)}"), version=version, files=files, **options
        )

    return _write

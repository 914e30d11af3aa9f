"""Schools, teams, classes, students and staff, as the pages show them to the person
(:mod:`efficacy.access.roster`): an analyst never gets an individual student."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import partial
from typing import Any

from ninja import Query, Router, Schema

from efficacy.access.roster import (
    access_class,
    access_school,
    access_staff,
    access_student,
    access_team,
    classes_for,
    schools_for,
    staff_for,
    students_for,
    teams_for,
)
from efficacy.api.auth import ApiRequest
from efficacy.api.pagination import Page, PageParams, each, paginate
from efficacy.api.routers.filters import since
from efficacy.api.types import Id
from efficacy.roster.models import Enrollment, School, SchoolClass, Status, Student, Team, User

router = Router(tags=["roster"])


class SchoolOut(Schema):
    id: int
    name: str
    identifier: str
    district: int


class TeamOut(Schema):
    id: int
    name: str
    kind: str
    school: int


class ClassOut(Schema):
    id: int
    title: str
    class_code: str
    course: str
    school: int
    teachers: list[int]


class StudentOut(Schema):
    id: int
    school: int
    given_name: str
    family_name: str
    identifier: str
    grade: str
    pathway: str


class StaffOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    role: str
    school: int | None


def school_out(school: School) -> dict[str, Any]:
    return {
        "id": school.pk,
        "name": school.name,
        "identifier": school.identifier,
        "district": school.district_id,
    }


def team_out(team: Team) -> dict[str, Any]:
    return {"id": team.pk, "name": team.name, "kind": team.kind, "school": team.school_id}


def classes_out(user: User, classes: Iterable[SchoolClass]) -> list[dict[str, Any]]:
    """The classes with their teachers' ids: the staff records the person may see
    (``staff_for``) who teach them, in one query for the page."""
    classes = list(classes)
    teaching = Enrollment.objects.filter(
        school_class__in=classes,
        role=Enrollment.EnrollmentRole.TEACHER,
        status=Status.ACTIVE,
        staff__in=staff_for(user),
    ).values_list("school_class_id", "staff_id")
    teachers: dict[int, set[int]] = {}
    for class_id, staff_id in teaching:
        teachers.setdefault(class_id, set()).add(staff_id)
    return [
        {
            "id": school_class.pk,
            "title": school_class.title,
            "class_code": school_class.class_code,
            "course": school_class.course.title,
            "school": school_class.school_id,
            "teachers": sorted(teachers.get(school_class.pk, ())),
        }
        for school_class in classes
    ]


def student_out(student: Student) -> dict[str, Any]:
    return {
        "id": student.pk,
        "school": student.school_id,
        "given_name": student.given_name,
        "family_name": student.family_name,
        "identifier": student.identifier,
        "grade": student.grade,
        "pathway": student.pathway,
    }


def staff_out(person: User) -> dict[str, Any]:
    return {
        "id": person.pk,
        "username": person.username,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "role": person.role,
        "school": person.school_id,
    }


class SchoolFilters(Schema):
    updated_since: dt.datetime | None = None


@router.get("/schools/", response=Page[SchoolOut], url_name="schools")
def schools(
    request: ApiRequest, page: Query[PageParams], filters: Query[SchoolFilters]
) -> dict[str, Any]:
    """The schools whose page you may open."""
    items = since(schools_for(request.auth), "date_last_modified", filters.updated_since)
    return paginate(request, items, page, each(school_out))


@router.get("/schools/{school_id}/", response=SchoolOut, url_name="school")
def school(request: ApiRequest, school_id: Id) -> dict[str, Any]:
    return school_out(access_school(request.auth, school_id))


class TeamFilters(Schema):
    school: Id | None = None


@router.get("/teams/", response=Page[TeamOut], url_name="teams")
def teams(
    request: ApiRequest, page: Query[PageParams], filters: Query[TeamFilters]
) -> dict[str, Any]:
    """The teams you belong to, or that your role lets you see."""
    items = teams_for(request.auth)
    if filters.school is not None:
        items = items.filter(school_id=filters.school)
    return paginate(request, items, page, each(team_out))


@router.get("/teams/{team_id}/", response=TeamOut, url_name="team")
def team(request: ApiRequest, team_id: Id) -> dict[str, Any]:
    return team_out(access_team(request.auth, team_id))


class ClassFilters(Schema):
    school: Id | None = None
    updated_since: dt.datetime | None = None


@router.get("/classes/", response=Page[ClassOut], url_name="classes")
def classes(
    request: ApiRequest, page: Query[PageParams], filters: Query[ClassFilters]
) -> dict[str, Any]:
    """The classes you teach, or all of your school's (leaders and administrators)."""
    items = classes_for(request.auth).select_related("course")
    if filters.school is not None:
        items = items.filter(school_id=filters.school)
    items = since(items, "date_last_modified", filters.updated_since)
    return paginate(request, items, page, partial(classes_out, request.auth))


@router.get("/classes/{class_id}/", response=ClassOut, url_name="class")
def school_class(request: ApiRequest, class_id: Id) -> dict[str, Any]:
    return classes_out(request.auth, [access_class(request.auth, class_id)])[0]


class StudentFilters(Schema):
    school: Id | None = None
    school_class: Id | None = None
    updated_since: dt.datetime | None = None


@router.get("/students/", response=Page[StudentOut], url_name="students")
def students(
    request: ApiRequest, page: Query[PageParams], filters: Query[StudentFilters]
) -> dict[str, Any]:
    """The students of the classes you teach, or of your school (leaders and
    administrators). A district analyst sees none: only counts, on the dashboards."""
    items = students_for(request.auth)
    if filters.school is not None:
        items = items.filter(school_id=filters.school)
    if filters.school_class is not None:
        enrolled = Enrollment.objects.filter(
            school_class_id=filters.school_class,
            role=Enrollment.EnrollmentRole.STUDENT,
            status=Status.ACTIVE,
        ).values("student_id")
        items = items.filter(pk__in=enrolled)
    items = since(items, "date_last_modified", filters.updated_since)
    return paginate(request, items, page, each(student_out))


@router.get("/students/{student_id}/", response=StudentOut, url_name="student")
def student(request: ApiRequest, student_id: Id) -> dict[str, Any]:
    return student_out(access_student(request.auth, student_id))


class StaffFilters(Schema):
    school: Id | None = None
    team: Id | None = None


@router.get("/staff/", response=Page[StaffOut], url_name="staff")
def staff(
    request: ApiRequest, page: Query[PageParams], filters: Query[StaffFilters]
) -> dict[str, Any]:
    """The staff records you may see: yourself, your teams and co-teachers, your school."""
    items = staff_for(request.auth)
    if filters.school is not None:
        items = items.filter(school_id=filters.school)
    if filters.team is not None:
        items = items.filter(team_memberships__team_id=filters.team).distinct()
    return paginate(request, items, page, each(staff_out))


@router.get("/staff/{person_id}/", response=StaffOut, url_name="staff-member")
def staff_member(request: ApiRequest, person_id: Id) -> dict[str, Any]:
    return staff_out(access_staff(request.auth, person_id))

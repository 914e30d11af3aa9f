"""Focus and comparison group definitions, stored on the cycle and re-evaluated.

A definition is a small JSON object; every key is optional and all given keys
must hold (AND); a list means any of its values (OR)::

    {"grades": ["9"], "pathways": ["applied"], "attributes": {"ell": true},
     "classes": [12, 13], "courses": [4], "term": 7}

- ``classes`` / ``courses``: students enrolled in one of these classes, or in a
  class of one of these courses.
- ``term``: only classes that ran in this academic session.
- ``earlier_term`` (comparison only): *the same course's students in an earlier
  term*. It takes the courses of the focus group's classes (or its ``courses``),
  the focus group's pathways and attributes, but not its grades, because last
  year's grade 9 students are in grade 10 now. Enrolments and students that
  have since been retired by a roster import still count: they are history.

Students in the focus group are never in the comparison group.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from efficacy.roster.labels import attribute_label, pathway_label
from efficacy.roster.models import (
    AcademicSession,
    Course,
    Enrollment,
    School,
    SchoolClass,
    Status,
    Student,
)

KEYS = {"grades", "pathways", "attributes", "classes", "courses", "term", "earlier_term"}


def group_normalise(data: dict[str, Any] | None, *, school: School, comparison: bool) -> dict:
    """A clean definition, or a ValidationError saying which part is wrong and how to fix it."""
    data = dict(data or {})
    problems: list[str] = []
    unknown = set(data) - KEYS
    if unknown:
        problems.append(
            _(
                "Unknown group criteria: %(keys)s. Use grades, pathways, attributes, classes, courses or term."
            )
            % {"keys": ", ".join(sorted(unknown))}
        )
    if "earlier_term" in data and not comparison:
        problems.append(_("Only a comparison group can be an earlier term."))
    out: dict[str, Any] = {}
    for key in ("grades", "pathways"):
        values = data.get(key) or []
        if isinstance(values, str):
            values = [values]
        cleaned = sorted({str(v).strip() for v in values if str(v).strip()})
        if cleaned:
            out[key] = cleaned
    attributes = data.get("attributes") or {}
    if not isinstance(attributes, dict):
        problems.append(_('Attributes must be pairs of a name and a value, e.g. {"ell": true}.'))
    elif attributes:
        out["attributes"] = {str(k): v for k, v in sorted(attributes.items())}
    for key, model in (("classes", SchoolClass), ("courses", None)):
        ids = _ids(data.get(key), key, problems)
        if not ids:
            continue
        if model is SchoolClass:
            found = set(
                SchoolClass.objects.filter(school=school, pk__in=ids).values_list("pk", flat=True)
            )
        else:
            found = set(school.courses.filter(pk__in=ids).values_list("pk", flat=True))
        missing = sorted(set(ids) - found)
        if missing:
            if model is SchoolClass:
                message = _(
                    "These classes are not in %(school)s: %(ids)s. Choose classes of your own school."
                )
            else:
                message = _(
                    "These courses are not in %(school)s: %(ids)s. Choose courses of your own school."
                )
            problems.append(message % {"school": school.name, "ids": ", ".join(map(str, missing))})
        out[key] = sorted(set(ids))
    for key in ("term", "earlier_term"):
        if data.get(key) in (None, ""):
            continue
        try:
            term_id = int(data[key])
        except (TypeError, ValueError):
            problems.append(_("The term must be an academic session id."))
            continue
        if not AcademicSession.objects.filter(pk=term_id, district_id=school.district_id).exists():
            problems.append(
                _("Academic session %(id)s is not one of your district's terms.") % {"id": term_id}
            )
        out[key] = term_id
    if problems:
        raise ValidationError(problems)
    return out


def _ids(value: Any, key: str, problems: list[str]) -> list[int]:
    if not value:
        return []
    try:
        return [int(v) for v in value]
    except (TypeError, ValueError):
        if key == "classes":
            problems.append(_("Classes must be a list of ids."))
        else:
            problems.append(_("Courses must be a list of ids."))
        return []


def group_is_empty(definition: dict) -> bool:
    return not any(definition.get(k) for k in KEYS)


def group_students(
    definition: dict, *, school: School, focus: dict | None = None
) -> QuerySet[Student]:
    """The students a definition selects today (a queryset, evaluated by the caller)."""
    if definition.get("earlier_term"):
        return _earlier_term_students(definition["earlier_term"], school=school, focus=focus or {})
    if group_is_empty(definition):
        return Student.objects.none()
    qs = Student.objects.filter(school=school, status=Status.ACTIVE)
    qs = _attribute_filter(qs, definition, with_grades=True)
    class_filter = _class_filter(definition)
    if class_filter is not None:
        enrolled = Enrollment.objects.filter(
            class_filter, role=Enrollment.EnrollmentRole.STUDENT, status=Status.ACTIVE
        ).values("student_id")
        qs = qs.filter(pk__in=enrolled)
    return qs


def _attribute_filter(qs: QuerySet[Student], definition: dict, *, with_grades: bool) -> QuerySet:
    if with_grades and definition.get("grades"):
        qs = qs.filter(grade__in=definition["grades"])
    if definition.get("pathways"):
        qs = qs.filter(pathway__in=definition["pathways"])
    for name, value in (definition.get("attributes") or {}).items():
        qs = qs.filter(**{f"attributes__{name}": value})
    return qs


def _class_filter(definition: dict) -> Q | None:
    q = Q()
    if definition.get("classes"):
        q &= Q(school_class_id__in=definition["classes"])
    if definition.get("courses"):
        q &= Q(school_class__course_id__in=definition["courses"])
    if definition.get("term"):
        q &= Q(school_class__terms=definition["term"])
    return q if q else None


def group_courses(definition: dict) -> set[int]:
    """The courses a definition names: its ``courses`` and the courses of its ``classes``."""
    courses = set(definition.get("courses") or [])
    if definition.get("classes"):
        courses |= set(
            SchoolClass.objects.filter(pk__in=definition["classes"]).values_list(
                "course_id", flat=True
            )
        )
    return courses


def _earlier_term_students(term_id: int, *, school: School, focus: dict) -> QuerySet[Student]:
    courses = group_courses(focus)
    if not courses:
        return Student.objects.none()
    enrolled = Enrollment.objects.filter(
        role=Enrollment.EnrollmentRole.STUDENT,
        school_class__course_id__in=courses,
        school_class__terms=term_id,
    ).values("student_id")
    qs = Student.objects.filter(school=school, pk__in=enrolled)
    return _attribute_filter(qs, focus, with_grades=False)


def group_describe(definition: dict) -> str:
    """A one-line plain description for pages and exports, in the reader's language:
    every part of the definition, pathways and attributes as people say them."""
    if group_is_empty(definition):
        return _("not defined")
    parts = []
    if definition.get("earlier_term"):
        term = AcademicSession.objects.filter(pk=definition["earlier_term"]).first()
        parts.append(_("the same course's students in %(term)s") % {"term": term or "?"})
    if definition.get("grades"):
        parts.append(_("grade %(g)s") % {"g": ", ".join(definition["grades"])})
    if definition.get("pathways"):
        parts.append(", ".join(pathway_label(p) for p in definition["pathways"]))
    for name, value in (definition.get("attributes") or {}).items():
        parts.append(attribute_label(name, value))
    if definition.get("classes"):
        classes = SchoolClass.objects.filter(pk__in=definition["classes"]).order_by("title")
        parts.append(_("classes %(c)s") % {"c": ", ".join(c.title for c in classes)})
    if definition.get("courses"):
        courses = Course.objects.filter(pk__in=definition["courses"]).order_by("title")
        titles = [f"{c.title} ({c.course_code})" if c.course_code else c.title for c in courses]
        parts.append(_("courses %(c)s") % {"c": ", ".join(titles)})
    if definition.get("term"):
        term = AcademicSession.objects.filter(pk=definition["term"]).first()
        parts.append(_("classes of %(term)s") % {"term": term or "?"})
    return "; ".join(parts)

"""Erasing a student keeps aggregates honest; erasing a staff member anonymises the account.

The cycles are those of ``tests/cycles/test_recompute.py`` (a comparison cycle, a
performance goal, an earlier-term comparison of retired students, a suppressed group of
three), recomputed before and after the erasure: every stored figure is the same.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from efficacy.access.cycles import evidence_students_for
from efficacy.access.roster import students_for
from efficacy.cycles.evidence.selectors import class_cycle_students
from efficacy.cycles.impact.recompute import impact_recompute
from efficacy.cycles.models import ImpactSummary, InquiryCycle, Score
from efficacy.rights.models import Correction, Erasure
from efficacy.rights.services import (
    ERASED_TEXT,
    account_erase,
    student_correct,
    student_erase,
)
from efficacy.roster.models import Enrollment, Status, User
from tests.cycles.test_recompute import Cycles
from tests.world import PASSWORD

pytestmark = pytest.mark.django_db

NAME = ("Zanzibar", "Quixotica")


def _figures() -> dict:
    """Every stored impact figure of every cycle, but when it was computed."""
    figures = {}
    for row in ImpactSummary.objects.values().order_by("cycle_id"):
        del row["id"], row["computed_at"]
        figures[row.pop("cycle_id")] = row
    return figures


def _found_anywhere(text: str) -> list[str]:
    """Every text or JSON column, of every model, that holds ``text``."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, (models.CharField, models.TextField, models.JSONField)):
                continue
            if model._default_manager.filter(**{f"{field.attname}__icontains": text}).exists():
                found.append(f"{model._meta.label}.{field.name}")
    return found


@pytest.fixture
def cycles(world):
    return Cycles(world)


@pytest.fixture
def named(cycles):
    """A focus student of the comparison cycle, with a name no other record holds, named
    in a cycle's free text too, with demographics and a correction on record."""
    student = cycles.focus[0]
    student.attributes = {"ell": True, "iep": True, "metadata.country": "Narnia"}
    student.sourced_id = "sis-zq-1"
    student.save()
    Enrollment.objects.filter(student=student).update(sourced_id="enr-zq-1")
    student_correct(
        student=student, by=None, changes={"given_name": NAME[0], "family_name": NAME[1]}
    )
    InquiryCycle.objects.filter(pk=cycles.compare.pk).update(
        problem_of_practice=f"Students like {NAME[0]} {NAME[1]} struggle to infer."
    )
    return student


def test_erasing_a_student_leaves_every_cycles_stored_figures_identical(world, cycles, named):
    impact_recompute()
    before = _figures()
    assert before[cycles.compare.pk]["effect"] is not None
    assert (
        before[cycles.earlier.pk]["did_g"] is not None
        or before[cycles.earlier.pk]["ancova_g"] is not None
    )

    student_erase(student=named, by=world.admin_a)
    # A retired student of the earlier-term comparison group, and one of the small group.
    student_erase(student=cycles.last_year[0], by=world.admin_a)
    student_erase(student=cycles.grade_11[0], by=world.admin_a)
    impact_recompute()

    assert _figures() == before
    assert Score.objects.filter(student=named).count() > 0


def test_a_small_group_stays_suppressed_without_its_size_after_an_erasure(world, cycles, named):
    student_erase(student=cycles.grade_11[0], by=world.admin_a)
    impact_recompute()
    small = ImpactSummary.objects.get(cycle=cycles.small)
    assert small.effect is None
    assert small.n is None  # a suppressed group's size is never stored nor shown
    assert small.reason  # with its reason


def test_an_erased_students_name_is_found_nowhere_in_the_database(world, cycles, named):
    assert _found_anywhere(NAME[1])  # the check can see it before
    student_erase(student=named, by=world.admin_a)
    assert _found_anywhere(NAME[0]) == []
    assert _found_anywhere(NAME[1]) == []
    assert _found_anywhere("sis-zq-1") == []
    assert _found_anywhere("enr-zq-1") == []
    assert _found_anywhere("Narnia") == []
    cycles.compare.refresh_from_db()
    assert ERASED_TEXT in cycles.compare.problem_of_practice


def test_an_erased_student_keeps_only_what_the_cycles_groups_select_by(world, cycles, named):
    student_erase(student=named, by=world.admin_a)
    named.refresh_from_db()
    assert (named.given_name, named.family_name, named.identifier, named.sourced_id) == (
        "",
        "",
        "",
        None,
    )
    assert (named.grade, named.pathway) == ("09", "applied")  # the cycles select by both
    assert named.attributes == {}  # no cycle selects by an attribute
    assert named.status == Status.ACTIVE  # still counted where the figures count them
    assert not Correction.objects.filter(student=named).exists()
    assert Erasure.objects.get(student=named).erased_by == world.admin_a


def test_an_attribute_a_cycle_selects_by_is_kept(world, cycles, named):
    InquiryCycle.objects.filter(pk=cycles.empty.pk).update(focus={"attributes": {"ell": True}})
    student_erase(student=named, by=world.admin_a)
    named.refresh_from_db()
    assert named.attributes == {"ell": True}


def test_an_erased_student_appears_in_no_list(world, cycles, named):
    student_erase(student=named, by=world.admin_a)
    for person in (world.admin_a, world.district_admin, world.leader_a, world.lead_english):
        assert not students_for(person).filter(pk=named.pk).exists()
    assert (
        not evidence_students_for(world.lead_english, cycles.compare).filter(pk=named.pk).exists()
    )
    grid = class_cycle_students(cycles.compare, school_class_id=world.english_9_applied.pk)
    assert grid.exists()
    assert not grid.filter(pk=named.pk).exists()


def test_erasing_a_staff_member_anonymises_the_account_and_keeps_their_team_records(
    client, world, cycles
):
    lead = world.lead_english
    authored = InquiryCycle.objects.filter(created_by=lead).count()
    assert authored
    InquiryCycle.objects.filter(pk=cycles.goal.pk).update(plan="Ask Ella Lead for the rubric.")
    User.objects.filter(pk=lead.pk).update(first_name="Ella", last_name="Lead")
    lead.refresh_from_db()

    account_erase(account=lead, by=world.admin_a)
    lead.refresh_from_db()
    assert lead.username == f"former-staff-{lead.pk}"
    assert (lead.first_name, lead.last_name, lead.email) == ("", "", "")
    assert not lead.has_usable_password()
    assert not lead.is_active
    assert str(lead) == "a former staff member"
    assert InquiryCycle.objects.filter(created_by=lead).count() == authored
    assert _found_anywhere("Ella Lead") == []
    for username in ("lead_english", lead.username):
        client.post(reverse("login"), {"username": username, "password": PASSWORD})
        assert "_auth_user_id" not in client.session

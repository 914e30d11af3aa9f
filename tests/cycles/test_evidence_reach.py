"""Who sees which students' evidence, and whose flags (defect 12 of issue 8).

One rule in the access layer (:func:`efficacy.access.cycles.evidence_students_for`,
:func:`~efficacy.access.cycles.student_attributes_for`) for the grid and the
exports alike: those who run the cycle (its lead, its coach, the school leader)
see every student of it; a plain member only the students they teach; and a
student's flags (IEP, ELL) reach nobody beyond what the roster pages allow.
"""

from __future__ import annotations

import io

import pandas as pd
import pytest
from django.urls import reverse

from efficacy.access.cycles import evidence_students_for, student_attributes_for

pytestmark = pytest.mark.django_db

# Who sees whose rows of the cycle's evidence (ava: applied, taught by teacher_a;
# chloe: academic, taught by lead_english).
ROWS = {
    "lead_english": {"ava", "chloe"},
    "coach_a": {"ava", "chloe"},
    "leader_a": {"ava", "chloe"},
    "teacher_a": {"ava"},
}
# Whose flags each of them reads: those whose roster page they may open.
FLAGS = {
    "lead_english": {"chloe"},
    "coach_a": set(),
    "leader_a": {"ava", "chloe"},
    "teacher_a": {"ava"},
}


@pytest.fixture
def flagged(world, cycle, enter_rubric_scores):
    world.ava.attributes = {"iep": True}
    world.ava.save()
    world.chloe.attributes = {"ell": True}
    world.chloe.save()
    enter_rubric_scores({world.ava: (1, 3), world.chloe: (2, 4)})
    return cycle


def _export(client, cycle, fmt: str) -> pd.DataFrame:
    response = client.get(reverse("cycles:export", args=[cycle.pk, fmt]))
    assert response.status_code == 200
    content = io.BytesIO(response.content)
    if fmt == "csv":
        return pd.read_csv(content, dtype={"student": str})
    return pd.read_excel(content, dtype={"student": str})


@pytest.mark.parametrize("person", sorted(ROWS))
def test_the_access_layer_gives_each_person_their_students(world, flagged, person):
    user = getattr(world, person)
    shown = {"ava", "chloe"} & {
        name
        for name in ("ava", "ben", "chloe", "dev", "eli")
        if evidence_students_for(user, flagged).filter(pk=getattr(world, name).pk).exists()
    }
    assert shown == ROWS[person]
    readable = {
        name
        for name in ("ava", "chloe")
        if student_attributes_for(user).filter(pk=getattr(world, name).pk).exists()
    }
    assert readable == FLAGS[person]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("person", sorted(ROWS))
def test_an_export_holds_only_the_rows_and_flags_the_person_may_see(
    client, world, flagged, person, fmt
):
    client.force_login(getattr(world, person))
    frame = _export(client, flagged, fmt)
    by_number = {world.ava.identifier: "ava", world.chloe.identifier: "chloe"}
    assert {by_number[s] for s in frame["student"]} == ROWS[person]
    flags = {"ava": "iep", "chloe": "ell"}
    for name, flag in flags.items():
        rows = frame[frame["student"] == getattr(world, name).identifier]
        if name in FLAGS[person] and name in ROWS[person]:
            assert flag in frame.columns
            assert rows[flag].map(lambda v: str(v).lower() in {"true", "1", "1.0"}).all()
        elif flag in frame.columns:
            assert rows[flag].isna().all(), (name, flag)
    # A flag nobody's value reaches is not even a column.
    for name, flag in flags.items():
        if name not in FLAGS[person] or name not in ROWS[person]:
            assert flag not in frame.columns


def test_a_plain_member_sees_no_other_teachers_student_in_the_grid(client, world, flagged):
    client.force_login(world.teacher_a)
    page = client.get(reverse("cycles:evidence", args=[flagged.pk])).content.decode()
    assert "Chloe" not in page
    grid = client.get(
        reverse("cycles:grid", args=[flagged.pk]),
        {"class": world.english_9_academic.pk, "measure": flagged.measures.get().pk},
    ).content.decode()
    assert "Chloe" not in grid

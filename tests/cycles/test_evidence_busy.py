"""A score saved while another writer holds SQLite's database (issue 8, defect 5).

A large roster import used to hold the write lock for its whole length, and a
score saved meanwhile failed with a 500 and was lost. Now a save that cannot get
the lock in time says so and keeps what was typed; once the lock is free it saves.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from efficacy.cycles.models import Score

BUSY = "The database is busy"


@pytest.fixture
def grid_of_ava(world, cycle, rubric, baseline, final):
    return {"cycle": cycle, "measure": rubric, "occasion": baseline}


def cell_name(student, occasion):
    return f"score-{student.pk}-{occasion.pk}"


def type_into_avas_cell(client, world, grid, value):
    return client.post(
        reverse("cycles:score_cell", args=[grid["cycle"].pk]),
        {
            "measure": grid["measure"].pk,
            "occasion": grid["occasion"].pk,
            "student": world.ava.pk,
            "class": world.english_9_applied.pk,
            cell_name(world.ava, grid["occasion"]): value,
        },
        HTTP_HX_REQUEST="true",
    )


def input_of(html: str, name: str) -> str:
    match = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', html, re.S)
    assert match, f"no input {name}"
    return match.group(0)


def test_a_cell_saved_while_the_database_is_locked_says_try_again_and_keeps_the_value(
    client, world, grid_of_ava, write_lock_held
):
    client.force_login(world.teacher_a)

    with write_lock_held():
        response = type_into_avas_cell(client, world, grid_of_ava, "3")

    assert response.status_code == 200
    html = response.content.decode()
    assert BUSY in html
    assert 'value="3"' in input_of(html, cell_name(world.ava, grid_of_ava["occasion"]))
    assert not Score.objects.filter(student=world.ava).exists()
    # Once the other writer is done, the same value saves.
    again = type_into_avas_cell(client, world, grid_of_ava, "3")
    assert BUSY not in again.content.decode()
    assert Score.objects.get(student=world.ava).value == 3


def test_save_all_while_the_database_is_locked_keeps_every_typed_value(
    client, world, grid_of_ava, write_lock_held
):
    client.force_login(world.teacher_a)
    cycle, baseline, final = grid_of_ava["cycle"], grid_of_ava["occasion"], None
    final = cycle.occasions.exclude(pk=baseline.pk).get()
    url = reverse("cycles:grid", args=[cycle.pk]) + (
        f"?class={world.english_9_applied.pk}&measure={grid_of_ava['measure'].pk}"
    )
    typed = {
        cell_name(world.ava, baseline): "2",
        cell_name(world.ben, baseline): "3",
        cell_name(world.ava, final): "4",
    }

    with write_lock_held():
        response = client.post(url, typed)

    assert response.status_code == 200
    html = response.content.decode()
    assert BUSY in html
    for name, value in typed.items():
        assert f'value="{value}"' in input_of(html, name)
    assert not Score.objects.exists()

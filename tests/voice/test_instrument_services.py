"""Loading instruments (the services) and who sees them (``efficacy.access.instruments``)."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from efficacy.access.instruments import access_instrument, can_load_instrument, instruments_for
from efficacy.voice import instruments as package
from efficacy.voice.instruments import InstrumentInvalid
from efficacy.voice.models import Instrument, SurveyWindow
from efficacy.voice.services.instruments import (
    instrument_load,
    instruments_ship,
    shipped_instrument,
)
from tests.voice.test_instrument_pages import example_yaml

pytestmark = pytest.mark.django_db

KEY = "efficacy-collective-efficacy"


def test_a_shipped_instrument_is_one_row_however_often_it_is_asked_for():
    first = shipped_instrument(KEY)

    assert shipped_instrument(KEY).pk == first.pk
    assert instruments_ship()[0].pk == first.pk
    assert Instrument.objects.filter(key=KEY).count() == 1
    assert first.district is None
    assert first.is_shipped
    assert first.parsed.key == KEY
    assert len(first.parsed.items) == 12


def test_an_unknown_shipped_key_says_which_keys_there_are():
    with pytest.raises(ValueError, match="efficacy-enabling-conditions"):
        shipped_instrument("efficacy-nothing")


@pytest.fixture
def draft(tmp_path, monkeypatch):
    """A copy of the shipped file that a test may edit."""
    path = tmp_path / "collective_efficacy.yaml"
    shutil.copy(package.SHIPPED[KEY], path)
    monkeypatch.setitem(package.SHIPPED, KEY, path)
    return path


def test_an_edited_shipped_file_updates_its_row_while_no_window_uses_it(draft):
    row = shipped_instrument(KEY)
    draft.write_text(draft.read_text().replace("Group competence", "Our competence"))

    again = shipped_instrument(KEY)
    assert again.pk == row.pk
    assert again.parsed.subscales[0].name["en"] == "Our competence"


def test_an_edited_shipped_file_under_a_version_a_window_used_is_refused(draft, world):
    row = shipped_instrument(KEY)
    SurveyWindow.objects.create(school=world.school_a, instrument=row, title="Fall",
                                opens_on=dt.date(2024, 10, 1), closes_on=dt.date(2024, 10, 14))  # fmt: skip
    draft.write_text(draft.read_text().replace("Group competence", "Our competence"))

    with pytest.raises(RuntimeError, match="give the new wording a new version"):
        shipped_instrument(KEY)
    draft.write_text(draft.read_text().replace('version: "1.0"', 'version: "1.1"'))
    assert shipped_instrument(KEY).pk != row.pk
    assert Instrument.objects.get(pk=row.pk).parsed.subscales[0].name["en"] == "Group competence"


def test_the_same_instrument_written_differently_is_the_same_row(world):
    first = instrument_load(text=example_yaml(), user=world.leader_a)
    reformatted = example_yaml().replace("# lower-case letters", "#  lower-case letters")

    assert instrument_load(text=reformatted, user=world.leader_a).pk == first.pk


def test_each_district_has_its_own_row_of_the_same_file(world):
    ours = instrument_load(text=example_yaml(), user=world.leader_a)
    theirs = instrument_load(text=example_yaml(), user=None, district=world.other_district)

    assert ours.pk != theirs.pk
    assert theirs.loaded_by is None


def test_a_person_who_may_not_load_is_refused_before_anything_is_read(world):
    with pytest.raises(PermissionDenied):
        instrument_load(text="not: [valid", user=world.teacher_a)


def test_a_leader_loads_for_their_own_district_only(world):
    with pytest.raises(PermissionDenied):
        instrument_load(text=example_yaml(), user=world.leader_a, district=world.other_district)
    assert instrument_load(text=example_yaml(), user=world.leader_a,
                           district=world.district).district == world.district  # fmt: skip


def test_problems_store_nothing(world):
    with pytest.raises(InstrumentInvalid):
        instrument_load(text=example_yaml().replace("[en, fr]", "[en]"), user=world.leader_a)

    assert not Instrument.objects.exists()


# --- who sees which instruments ------------------------------------------------------


def test_staff_see_the_shipped_instruments_and_their_districts_only(world):
    shipped = shipped_instrument(KEY)
    ours = instrument_load(text=example_yaml(), user=world.leader_a)
    theirs = instrument_load(text=example_yaml(), user=None, district=world.other_district)

    for person in (world.teacher_a, world.teacher_b, world.analyst, world.district_admin):
        assert set(instruments_for(person)) == {shipped, ours}, person
    assert set(instruments_for(world.teacher_c)) == {shipped, theirs}
    assert not instruments_for(world.retired_user).exists()
    with pytest.raises(Http404):
        access_instrument(world.teacher_c, ours.pk)
    with pytest.raises(Http404):
        access_instrument(world.retired_user, shipped.pk)


@pytest.mark.parametrize(
    ("person", "may"),
    [("leader_a", True), ("district_admin", True), ("admin_a", False), ("analyst", False),
     ("lead_english", False), ("coach_a", False), ("teacher_a", False),
     ("retired_user", False)],
)  # fmt: skip
def test_school_leaders_and_district_administrators_load_instruments(world, person, may):
    assert can_load_instrument(getattr(world, person)) is may

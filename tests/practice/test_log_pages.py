"""The log page (one tap per class × strategy, one POST, no script) and the coverage page
(a heat map that is a real table, by teacher and class for the team only)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from efficacy.cycles.models import CycleStatus
from efficacy.practice.models import ImplementationEntry
from efficacy.practice.services import implementation_log_save
from tests.practice.log_fixtures import WEEK_1, WEEK_2

pytestmark = pytest.mark.django_db


def _log_url(cycle, week=WEEK_2):
    return reverse("practice:log", args=[cycle.pk]) + f"?week={week.isoformat()}"


def _field(school_class, strategy):
    return f"r-{school_class.pk}-{strategy.pk}"


def test_the_log_page_has_one_radio_group_per_class_and_strategy(
    client, world, cycle, two_strategies
):
    client.force_login(world.teacher_a)
    page = client.get(_log_url(cycle)).content.decode()
    for strategy in two_strategies:
        name = _field(world.english_9_applied, strategy)
        assert page.count(f'name="{name}"') == 4  # not used, a little, mostly, fully
    assert "<legend>English 9 Applied</legend>" in page
    assert "Not used" in page and "Fully" in page  # noqa: PT018 (one sentence of labels)
    assert "English 9 Academic" not in page  # a colleague's class
    assert "Save the week" in page


def test_the_week_is_saved_in_one_post_and_the_page_comes_back_to_it(
    client, world, cycle, two_strategies
):
    a, b = two_strategies
    client.force_login(world.teacher_a)
    response = client.post(
        _log_url(cycle),
        {"week": WEEK_2.isoformat(), _field(world.english_9_applied, a): "3",
         _field(world.english_9_applied, b): "1"},
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"].endswith(f"?week={WEEK_2.isoformat()}")
    stored = dict(ImplementationEntry.objects.filter(week=WEEK_2).values_list("strategy", "rating"))
    assert stored == {a.pk: 3, b.pk: 1}


def test_the_form_starts_checked_at_last_weeks_ratings(client, world, cycle, two_strategies):
    a, _b = two_strategies
    implementation_log_save(user=world.teacher_a, cycle=cycle, week=WEEK_1,
                            ratings={(world.english_9_applied.pk, a.pk): 2})  # fmt: skip
    client.force_login(world.teacher_a)
    page = client.get(_log_url(cycle, WEEK_2)).content.decode()
    checked = re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="(\d)"[^>]*checked', page)
    assert checked == [(_field(world.english_9_applied, a), "2")]
    assert "Started from your ratings for the week of" in page


def test_a_colleagues_class_cannot_be_slipped_into_the_post(client, world, cycle, two_strategies):
    client.force_login(world.teacher_a)
    client.post(_log_url(cycle), {"week": WEEK_2.isoformat(),
                                  _field(world.english_9_academic, two_strategies[0]): "3"})  # fmt: skip
    assert not ImplementationEntry.objects.exists()


def test_a_closed_cycles_log_is_read_only(client, world, cycle, two_strategies):
    cycle.status = CycleStatus.CLOSED
    cycle.save()
    client.force_login(world.teacher_a)
    page = client.get(_log_url(cycle)).content.decode()
    assert "read-only" in page
    assert "Save the week" not in page
    assert "disabled" in page
    response = client.post(_log_url(cycle), {"week": WEEK_2.isoformat(),
                                              _field(world.english_9_applied, two_strategies[0]): "3"})  # fmt: skip
    assert response.status_code == 400
    assert not ImplementationEntry.objects.exists()


def test_a_bad_week_in_the_address_shows_a_week_inside_the_cycle(
    client, world, cycle, two_strategies
):
    client.force_login(world.teacher_a)
    page = client.get(reverse("practice:log", args=[cycle.pk]) + "?week=nonsense").content.decode()
    # The cycle ended in December 2024: its last week is shown.
    assert 'value="2024-12-09"' in page


def test_the_cycle_page_links_to_the_log_and_the_coverage(client, world, cycle, two_strategies):
    client.force_login(world.teacher_a)
    page = client.get(reverse("cycles:detail", args=[cycle.pk])).content.decode()
    assert reverse("practice:log", args=[cycle.pk]) in page
    assert reverse("practice:coverage", args=[cycle.pk]) in page
    client.force_login(world.analyst)
    page = client.get(reverse("cycles:detail", args=[cycle.pk])).content.decode()
    assert reverse("practice:log", args=[cycle.pk]) not in page


@pytest.fixture
def logged(world, cycle, two_strategies):
    a, b = two_strategies
    applied, academic = world.english_9_applied.pk, world.english_9_academic.pk
    for week in (WEEK_1, WEEK_2):
        implementation_log_save(user=world.teacher_a, cycle=cycle, week=week,
                                ratings={(applied, a.pk): 3, (applied, b.pk): 0})  # fmt: skip
    implementation_log_save(user=world.lead_english, cycle=cycle, week=WEEK_2,
                            ratings={(academic, a.pk): 1})  # fmt: skip
    return cycle


def test_the_team_reads_coverage_by_teacher_and_class_as_tables_with_words(client, world, logged):
    client.force_login(world.teacher_a)
    page = client.get(reverse("practice:coverage", args=[logged.pk])).content.decode()
    assert page.count("<caption>") == 3
    assert '<th scope="row">Tom Nguyen</th>' in page
    assert '<th scope="row">English 9 Academic</th>' in page
    assert 'scope="col"' in page
    # The colour repeats what the words say.
    assert re.search(r'class="heat heat-3">used 2 of 14 weeks<br>mean 3.0 of 3 \(fully\)', page)
    assert re.search(r'class="heat heat-0">used 0 of 14 weeks<br>mean 0.0 of 3 \(not used\)', page)


def test_the_school_leader_reads_the_team_as_a_whole_and_no_teacher(
    client, world, logged, settings
):
    settings.EFFICACY_MIN_STAFF_N = 2
    client.force_login(world.leader_a)
    page = client.get(reverse("practice:coverage", args=[logged.pk])).content.decode()
    assert page.count("<caption>") == 1
    assert "Tom Nguyen" not in page
    assert "English 9 Applied" not in page
    assert "From the log of 2 teachers." in page


def test_the_team_as_a_whole_is_hidden_from_outsiders_below_the_staff_threshold(
    client, world, logged
):
    client.force_login(world.analyst)
    page = client.get(reverse("practice:coverage", args=[logged.pk])).content.decode()
    assert "<table" not in page
    assert "fewer than 5 staff" in page

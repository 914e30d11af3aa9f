"""The district dashboard: figures against hand computations, filters, privacy, access."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from efficacy.cycles.models import CycleStatus
from tests.dashboards.district_fixtures import district_cycles

pytestmark = pytest.mark.django_db

URL = "dashboards:district"


@pytest.fixture
def cycles(world):
    return district_cycles(world)


def page(client, person, **params):
    client.force_login(person)
    response = client.get(reverse(URL), params)
    assert response.status_code == 200
    return response


def rows_by_school(response):
    return {row.school.name: row for row in response.context["d"].school_rows}


def test_each_school_counts_its_cycles_by_stage(client, world, cycles):
    rows = rows_by_school(page(client, world.analyst))
    north, south = rows["Northview Secondary"], rows["Southgate Secondary"]
    assert dict(north.stages) == {"Planning": 1, "Implementing": 0, "Reviewing": 0, "Closed": 4}
    assert (north.cycles, north.closed, north.with_effect) == (5, 4, 3)
    assert dict(south.stages) == {"Planning": 0, "Implementing": 1, "Reviewing": 0, "Closed": 1}
    assert "Hillcrest Secondary" not in rows


def test_a_schools_pooled_effect_is_the_mean_of_equally_precise_cycles(client, world, cycles):
    # Same standard error for every cycle: equal weights, so the pooled estimate is the mean.
    north = rows_by_school(page(client, world.analyst))["Northview Secondary"]
    assert north.pooled.k == 3
    assert north.pooled.left_out == 1
    assert north.pooled.estimate == pytest.approx((0.3 + 0.5 + 0.1) / 3)


def test_a_school_with_one_closed_cycle_is_listed_with_a_note_and_no_figure(client, world, cycles):
    response = page(client, world.analyst)
    south = rows_by_school(response)["Southgate Secondary"]
    assert south.pooled.estimate is None
    assert "three closed cycles" in south.note
    chart_rows = {row[0]: row for row in response.context["d"].schools_chart.table.rows}
    assert chart_rows["Southgate Secondary"][1] is None
    assert chart_rows["Northview Secondary"][1] == pytest.approx(0.3)


def test_the_district_pools_every_closed_cycle_of_its_schools_only(client, world, cycles):
    d = page(client, world.analyst).context["d"]
    # 0.3, 0.5, 0.1 and 0.7 (Hillcrest's 2.0 is another district's).
    assert d.pooled.k == 4
    assert d.pooled.left_out == 1
    assert d.pooled.estimate == pytest.approx(0.4)
    assert escape(d.pooled.sentence) in page(client, world.analyst).content.decode()


def test_the_forest_of_cycles_labels_each_closed_cycle_with_its_school(client, world, cycles):
    response = page(client, world.analyst)
    labels = [row[0] for row in response.context["d"].cycles_chart.table.rows]
    assert "Northview Secondary: Inference" in labels
    assert "Southgate Secondary: Reading aloud" in labels
    assert not any("Elsewhere" in label or "Planning ahead" in label for label in labels)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"a1", "a2", "a3", "a_small", "a_plan", "b1", "b_run"}),
        ({"school": "school_b"}, {"b1", "b_run"}),
        ({"grade": "10"}, {"a3"}),
        ({"subject": "Mathematics"}, {"a3"}),
        ({"group": "pathway:applied"}, {"a1", "a_small"}),
        ({"group": "attribute:ell=true"}, {"a2"}),
        ({"year": "2024"}, {"a3"}),
        ({"grade": "09", "school": "school_a"}, {"a1", "a2", "a_small"}),
    ],
)
def test_filters_narrow_the_cycles(client, world, cycles, params, expected):
    if "school" in params:
        params = {**params, "school": getattr(world, params["school"]).pk}
    d = page(client, world.analyst, **params).context["d"]
    assert {f.pk for f in d.facts} == {cycles[name].pk for name in expected}
    assert {s.cycle_id for s in d.summaries} == {
        cycles[name].pk for name in expected if cycles[name].status == CycleStatus.CLOSED
    }


def test_a_school_of_another_district_filters_nothing_and_says_so(client, world, cycles):
    response = page(client, world.analyst, school=world.school_c.pk)
    assert response.context["d"].form.errors
    assert len(response.context["d"].facts) == 7
    assert b"Elsewhere" not in response.content


def test_the_filters_are_labelled_and_keep_what_was_chosen(client, world, cycles):
    html = page(client, world.analyst, grade="09").content.decode()
    for field in ("school", "grade", "subject", "group", "year"):
        assert f'<label for="id_{field}">' in html
    assert '<option value="09" selected>' in html


def test_no_student_is_named_and_a_suppressed_effect_gives_its_reason_not_a_size(
    client, world, cycles
):
    html = page(client, world.analyst).content.decode()
    for student in (world.ava, world.ben, world.chloe, world.dev, world.eli, world.student_b):
        for name in (student.given_name, student.family_name):
            assert not re.search(rf"\b{name}\b", html), name
    assert "fewer than 10" in html  # the small group's reason, in the cycles' data table
    d = page(client, world.analyst).context["d"]
    small = next(row for row in d.cycles_chart.table.rows if "Tiny group" in row[0])
    assert small[1] is None


@pytest.mark.parametrize(
    ("person", "status"),
    [("analyst", 200), ("district_admin", 200), ("leader_a", 403), ("teacher_a", 403),
     ("admin_a", 403), ("teacher_c", 403)],
)  # fmt: skip
def test_only_those_who_see_the_district_overview_open_it(client, world, person, status):
    client.force_login(getattr(world, person))
    assert client.get(reverse(URL)).status_code == status


def test_an_analyst_lands_on_the_district_dashboard_and_finds_it_in_the_navigation(client, world):
    client.force_login(world.analyst)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse(URL)
    html = client.get(reverse(URL)).content.decode()
    assert f'href="{reverse(URL)}"' in html


def test_the_page_reads_a_bounded_number_of_queries_whatever_the_number_of_schools(
    client, world, cycles, django_assert_max_num_queries
):
    from efficacy.roster.models import School, Team
    from tests.dashboards.district_fixtures import make_cycle

    # A running cycle with a focus group, so that the board evaluates one from the start.
    make_cycle(world.team_b, "Running with a focus", status=CycleStatus.IMPLEMENTING,
               focus={"grades": ["09"]})  # fmt: skip
    from django.core.cache import cache

    client.force_login(world.analyst)
    client.get(reverse(URL))  # warm: sessions, content types
    cache.clear()  # the figures are computed, not read from the cache
    with django_assert_max_num_queries(40) as few:
        client.get(reverse(URL))
    for i in range(15):
        school = School.objects.create(district=world.district, name=f"School {i:02}")
        team = Team.objects.create(school=school, name=f"Team {i}")
        for j in range(3):
            make_cycle(team, f"Cycle {i}.{j}", effect=0.1 * j)
        make_cycle(team, f"Running {i}", status=CycleStatus.IMPLEMENTING,
                   focus={"grades": ["09"]})  # fmt: skip
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse(URL))
    assert len(response.context["d"].school_rows) == 17
    assert len(response.context["d"].board) == 3 + 15


def test_collective_efficacy_shows_a_schools_index_only_above_the_staff_threshold(client, world):
    from tests.voice import results_world as surveys

    answers = surveys.answers_for(None, 8, 4.5, seed=1)
    surveys.window(world.school_a, invited=surveys.staff(world.school_a, 8, "na"),
                   answers=answers)  # fmt: skip
    surveys.window(world.school_b, invited=surveys.staff(world.school_b, 3, "sg"),
                   answers=surveys.answers_for(None, 3, 2.0, seed=2))  # fmt: skip
    response = page(client, world.analyst)
    rows = {row.school.name: row for row in response.context["d"].efficacy}
    # Each respondent's score is the mean of their items, reversed ones turned round (7 − v).
    means = [
        sum(7 - v if k in surveys.REVERSED else v for k, v in a.items()) / 6 for _t, a in answers
    ]
    assert rows["Northview Secondary"].mean == pytest.approx(sum(means) / len(means))
    south = rows["Southgate Secondary"]
    assert south.mean is None
    assert "fewer than 5" in south.note
    table = response.context["d"].tables["efficacy"]
    assert next(r for r in table.rows if r[0] == "Southgate Secondary")[4:7] == [None] * 3


def test_the_board_lists_the_running_cycles_by_school(client, world, cycles):
    d = page(client, world.analyst).context["d"]
    assert {r.cycle_id for r in d.board} == {cycles["a_plan"].pk, cycles["b_run"].pk}
    grouped = [(school.name, [r.title for r in rows]) for school, rows in d.board_by_school]
    assert grouped == [("Northview Secondary", ["Planning ahead"]),
                       ("Southgate Secondary", ["Running now"])]  # fmt: skip
    table = d.tables["board"]
    assert [row[0] for row in table.rows] == ["Northview Secondary", "Southgate Secondary"]
    narrowed = page(client, world.analyst, school=world.school_b.pk).context["d"]
    assert [r.title for r in narrowed.board] == ["Running now"]


def test_a_board_too_long_to_list_is_counted_and_its_download_lists_it_all(
    client, world, cycles, monkeypatch
):
    from efficacy.dashboards import district

    listed = page(client, world.analyst).context["d"]
    monkeypatch.setattr(district, "MAX_BOARD_ROWS", 1)
    response = page(client, world.analyst)
    d = response.context["d"]
    # Its rows are not built for the page, only counted, and the schools' evidence
    # completeness (the same figure) is still there.
    assert d.board == []
    assert d.board_by_school == []
    assert d.running == len(listed.board) == 2
    assert d.completeness == listed.completeness
    assert "2 running cycles match these filters: too many to list here" in response.text
    export = client.get(reverse("dashboards:district_export", args=["board"]), {"format": "csv"})
    assert export.status_code == 200
    text = export.content.decode()
    assert "Planning ahead" in text
    assert "Running now" in text


def test_a_district_administrator_reads_the_figures_but_no_survey(client, world, cycles):
    d = page(client, world.district_admin).context["d"]
    assert d.pooled.estimate == pytest.approx(0.4)
    assert all("analysts" in row.note for row in d.efficacy)
    # The cycles' pages are the analysts' to open, not the administrator's.
    impact = reverse("cycles:impact_panel", args=[cycles["a1"].pk])
    assert impact not in {label.href for label in d.cycles_chart.labels}
    analysts = page(client, world.analyst).context["d"]
    assert impact in {label.href for label in analysts.cycles_chart.labels}


def test_the_figures_are_kept_until_what_they_read_changes(client, world, cycles):
    """Asked again, the page reads its figures from the cache; a new closed cycle's
    stored impact (or any record they are computed from) makes them computed again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.dashboards.district_fixtures import make_cycle

    client.force_login(world.analyst)
    first = page(client, world.analyst).context["d"]
    with CaptureQueriesContext(connection) as kept:
        again = page(client, world.analyst).context["d"]
    assert [r.with_effect for r in again.school_rows] == [r.with_effect for r in first.school_rows]
    make_cycle(world.team_b, "Closed since", effect=0.5)
    with CaptureQueriesContext(connection) as computed:
        after = page(client, world.analyst).context["d"]
    assert len(computed.captured_queries) > len(kept.captured_queries)
    assert sum(r.closed for r in after.school_rows) == sum(r.closed for r in first.school_rows) + 1

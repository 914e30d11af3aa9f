"""The cycle page's evidence overview ("N scores entered, by measure and occasion") never
gives a small group's size away: a count under the reporting threshold reads "fewer
than N", and no hidden count can be worked out from a row's total or the caption's."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from efficacy.cycles.evidence.services import score_set
from efficacy.cycles.plan.services import measure_create
from efficacy.cycles.templatetags.evidence_tags import evidence_overview

pytestmark = pytest.mark.django_db

HIDDEN = "hidden to protect a small group"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def essay(world, cycle):
    return measure_create(
        user=world.lead_english, cycle=cycle, name="Essay", kind="rubric", min_score=1, max_score=4
    )


@pytest.fixture
def quiz(world, cycle):
    return measure_create(
        user=world.lead_english, cycle=cycle, name="Quiz", kind="rubric", min_score=1, max_score=4
    )


@pytest.fixture
def enter(world):
    def enter(measure, occasion, students) -> None:
        for student in students:
            score_set(
                user=world.lead_english,
                measure=measure,
                occasion=occasion,
                student=student,
                value=2,
            )

    return enter


@pytest.fixture
def four(world):
    return [world.ava, world.ben, world.chloe, world.dev]


@pytest.fixture
def partly_entered(settings, world, cycle, rubric, essay, baseline, final, enter, four):
    """Reporting threshold 3. Rubric: 4 at baseline, 1 (ava) at final. Essay: 4 and 4."""
    settings.EFFICACY_MIN_STUDENT_N = 3
    enter(rubric, baseline, four)
    enter(rubric, final, [world.ava])
    enter(essay, baseline, four)
    enter(essay, final, four)
    return cycle


def _section(cycle, user) -> str:
    from efficacy.access.cycles import can_see_student_evidence

    request = RequestFactory().get("/")
    request.user = user
    return render_to_string(
        "cycles/_evidence_links.html",
        {"cycle": cycle, "can_see_evidence": can_see_student_evidence(user, cycle)},
        request=request,
    )


def _table(html: str) -> tuple[str, dict[str, list[str]]]:
    """The caption, and each measure's row of counts (occasions, then the total)."""
    caption = re.search(r"<caption>(.*?)</caption>", html, re.S)
    assert caption is not None, html
    rows = {
        name: [unescape(cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)]
        for name, cells in re.findall(r'<th scope="row">(.*?)</th>(.*?)</tr>', html, re.S)
    }
    return unescape(caption.group(1)).strip(), rows


def test_a_count_under_the_threshold_reads_fewer_than_and_shows_no_number(world, partly_entered):
    _, rows = _table(_section(partly_entered, world.lead_english))

    assert rows["Inference rubric"][1] == "fewer than 3"


def test_no_hidden_count_can_be_worked_out_from_its_rows_total(world, partly_entered):
    # Before: "4", "1" and the total "5"; hiding the 1 alone would leave 5 - 4.
    _, rows = _table(_section(partly_entered, world.lead_english))

    assert rows["Inference rubric"] == ["hidden to protect a small group", "fewer than 3", "5"]


def test_counts_at_or_above_the_threshold_still_show_their_number(world, partly_entered):
    caption, rows = _table(_section(partly_entered, world.lead_english))

    assert rows["Essay"] == ["4", "4", "8"]
    assert caption == "13 scores entered, by measure and occasion"


def test_a_measure_with_few_scores_cannot_be_worked_out_from_the_captions_total(
    world, partly_entered, quiz, baseline, enter
):
    # Before: the quiz's total "1" read as such, or as 14 - 5 - 8 once hidden.
    enter(quiz, baseline, [world.ava])

    caption, rows = _table(_section(partly_entered, world.lead_english))

    assert rows["Quiz"] == ["fewer than 3", "0", "fewer than 3"]
    assert rows["Essay"] == ["4", "4", "8"]
    # The rubric's total, whose cells are hidden already, protects the quiz's; the
    # essay's could not, its cells add up to it.
    assert rows["Inference rubric"] == [HIDDEN, "fewer than 3", HIDDEN]
    assert caption == "14 scores entered, by measure and occasion"


def test_when_no_measures_total_can_protect_a_small_one_the_captions_total_is_hidden(
    settings, world, cycle, rubric, quiz, baseline, final, enter, four
):
    settings.EFFICACY_MIN_STUDENT_N = 3
    enter(rubric, baseline, four)
    enter(rubric, final, four)
    enter(quiz, final, [world.ava])

    caption, rows = _table(_section(cycle, world.lead_english))

    assert rows["Inference rubric"] == ["4", "4", "8"]
    assert rows["Quiz"] == ["0", "fewer than 3", "fewer than 3"]
    assert caption == f"Scores entered, by measure and occasion: {HIDDEN}"
    assert "9" not in caption


def test_a_cycle_with_few_scores_in_all_reads_fewer_than_the_threshold_everywhere(
    world, cycle, rubric, baseline, final, enter_rubric_scores
):
    # The default threshold, 10, and the world's four students.
    enter_rubric_scores({world.ava: (1, 3), world.chloe: (2, 4)})

    html = _section(cycle, world.analyst)
    caption, rows = _table(html)

    assert rows["Inference rubric"] == ["fewer than 10"] * 3
    assert caption == "Scores entered, by measure and occasion: fewer than 10"
    assert "shown as “fewer than 10”, to protect their privacy" in unescape(html)


def test_the_cycle_page_shows_the_suppressed_overview(client, world, partly_entered):
    client.force_login(world.lead_english)
    html = client.get(reverse("cycles:detail", args=[partly_entered.pk])).content.decode()

    caption, rows = _table(html[html.index('class="evidence-counts"') :])
    assert rows["Inference rubric"] == [HIDDEN, "fewer than 3", "5"]
    assert caption == "13 scores entered, by measure and occasion"


def test_the_overview_costs_the_same_few_queries_however_large_and_however_hidden(
    world, partly_entered, quiz, baseline, enter, django_assert_num_queries
):
    with django_assert_num_queries(3):
        overview = evidence_overview(partly_entered)
    assert str(overview["total"]) == "13"
    enter(quiz, baseline, [world.ava])
    with django_assert_num_queries(3):
        overview = evidence_overview(partly_entered)
    assert [str(n) for row in overview["rows"] for n in row["counts"]] == [
        HIDDEN,
        "fewer than 3",
        "4",
        "4",
        "fewer than 3",
        "0",
    ]

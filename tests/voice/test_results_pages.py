"""The results pages through HTTP: closed windows only, who sees which team, the
anonymity threshold on every page and export, reliability, distributions, the trend."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import numpy as np
import pytest
from django.urls import reverse

from efficacy.voice.models import SurveyResponse
from tests.voice import results_world as rw

pytestmark = pytest.mark.django_db

TODAY = dt.date(2024, 11, 1)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    """The pages read today's date, the request's or the school's: the windows below
    closed in October 2024."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
    monkeypatch.setattr("efficacy.roster.time.today_in", lambda *a, **k: TODAY)


def page(client, user, name, *args, **query):
    client.force_login(user)
    return client.get(reverse(f"voice:{name}", args=args), query)


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def school_window(world, *, english=6, math=7, none=0, invited_extra=0, **kwargs):
    invited = [world.teacher_a, world.lead_english, world.lead_math, world.teacher_a2]
    invited += rw.staff(world.school_a, english + math + none + invited_extra,
                        f"staff-{kwargs.get('title', 'autumn')}-")  # fmt: skip
    answers = (
        rw.answers_for(world.team_english, english, 4.5, seed=1)
        + rw.answers_for(world.team_math, math, 3.0, seed=2)
        + rw.answers_for(None, none, 4.0, seed=3)
    )
    return rw.window(world.school_a, invited=invited, answers=answers, **kwargs)


# --- closed windows only --------------------------------------------------------------


def test_while_a_window_is_open_nobody_sees_its_results_not_even_a_count(client, world):
    found = school_window(world, closes=TODAY)
    for person in (world.leader_a, world.analyst, world.teacher_a):
        assert page(client, person, "results", found.pk).status_code == 404
        assert page(client, person, "results_export", found.pk, "csv").status_code == 404
        assert page(client, person, "results_trend", found.pk).status_code == 404
        listing = text_of(page(client, person, "results_list"))
        assert found.title not in listing


def test_a_window_closed_early_shows_its_results_from_that_day(client, world):
    found = school_window(world, closes=dt.date(2024, 12, 1))
    found.closed_early_on = TODAY
    found.save()
    assert page(client, world.leader_a, "results", found.pk).status_code == 200


def test_the_leader_sees_the_index_with_its_interval_its_n_and_the_method(client, world):
    found = school_window(world)
    body = text_of(page(client, world.leader_a, "results", found.pk))
    assert "Collective efficacy index" in body
    assert "95% CI" in body
    assert "t interval" in body
    assert re.search(r"<th scope=\"row\">Northview Secondary</th> <td>13</td>", body)
    assert "Grade 9 English" in body
    assert "Mathematics" in body
    assert "Group competence" in body
    assert "Task analysis" in body


# --- who sees which team -----------------------------------------------------------------


def test_an_invited_teacher_sees_the_school_and_their_own_team_only(client, world):
    found = school_window(world)
    body = text_of(page(client, world.teacher_a, "results", found.pk))
    assert "Northview Secondary" in body
    assert "Grade 9 English" in body
    assert "Mathematics" not in body
    export = page(client, world.teacher_a, "results_export", found.pk, "csv").content.decode()
    assert "Mathematics" not in export
    assert "Grade 9 English" in export


def test_staff_who_were_not_invited_do_not_find_the_results(client, world):
    found = school_window(world)
    assert page(client, world.coach_a, "results", found.pk).status_code == 404


def test_an_analyst_of_the_district_sees_every_team_as_aggregates(client, world):
    found = school_window(world)
    body = text_of(page(client, world.analyst, "results", found.pk))
    assert "Grade 9 English" in body
    assert "Mathematics" in body


# --- the anonymity threshold everywhere ------------------------------------------------


def test_a_team_of_four_is_never_shown_as_a_number_nor_recoverable_by_subtraction(client, world):
    found = school_window(world, english=4, math=7, none=0)
    for person in (world.leader_a, world.analyst, world.teacher_a):
        response = page(client, person, "results", found.pk)
        body = text_of(response)
        assert "fewer than 5" in body
        # Only two groups: hiding the English team's four alone would leave
        # school − mathematics = English, so mathematics is hidden as well.
        rows = re.findall(r"<tr[^>]*> <th scope=\"row\">([^<]+)</th> <td>([^<]+)</td>", body)
        sizes = dict(rows)
        assert sizes["Northview Secondary"] == "11"
        assert sizes.get("Grade 9 English", "fewer than 5") == "fewer than 5"
        assert sizes.get("Mathematics", "hidden to protect a small group") in (
            "hidden to protect a small group",
        )
        english = re.search(r"<th scope=\"row\">Grade 9 English</th>(.*?)</tr>", body)
        if english:
            assert not re.search(r"\d\.\d", english.group(1)), "no figure of the team of four"
            assert "4" not in english.group(1).replace("fewer than 5", "")
        export = page(client, person, "results_export", found.pk, "csv").content.decode()
        table = list(csv.DictReader(io.StringIO(export)))
        for row in table:
            if row["group"] in ("Grade 9 English", "Mathematics"):
                assert row["respondents"] in ("fewer than 5", "hidden to protect a small group")
                assert row["estimate"] == "suppressed"


def test_the_hidden_team_cannot_be_worked_out_from_the_school_and_the_shown_teams(world):
    """The attack itself: school total − the shown teams = the hidden ones, together."""
    from efficacy.voice.services.results import window_results

    extra_team = world.team_b.__class__.objects.create(school=world.school_a, name="Science")
    answers = (
        rw.answers_for(world.team_english, 4, 5.0, seed=1)
        + rw.answers_for(world.team_math, 6, 2.0, seed=2)
        + rw.answers_for(extra_team, 8, 3.5, seed=3)
        + rw.answers_for(None, 5, 4.0, seed=4)
    )
    found = rw.window(world.school_a, answers=answers)
    results = window_results(window=found, language="en")
    whole = results.whole.overall.index
    assert whole is not None
    shown = [g for g in results.teams if g.overall.index is not None]
    hidden = [g for g in results.teams if g.overall.index is None]
    assert any(g.label == "Grade 9 English" for g in hidden)
    assert len(hidden) >= 2
    # What a reader can derive: the mean of everyone hidden, together.
    shown_sum = sum(g.overall.index.mean * g.overall.index.n for g in shown)
    shown_n = sum(g.overall.index.n for g in shown)
    derived_n = whole.n - shown_n
    assert derived_n >= 5
    derived_mean = (whole.mean * whole.n - shown_sum) / derived_n
    scores = _true_group_means(found)
    assert not np.isclose(derived_mean, scores[world.team_english.pk])
    assert derived_n != 4


def _true_group_means(found) -> dict:
    import pandas as pd

    from efficacy.analysis import respondent_means

    rows = list(SurveyResponse.objects.filter(window=found).values_list("team_id", "answers"))
    items = pd.DataFrame([a for _, a in rows])[rw.ITEMS]
    means = respondent_means(items, reverse=rw.REVERSED, scale_min=1, scale_max=6)
    return pd.Series(means.to_numpy()).groupby([t for t, _ in rows], dropna=False).mean().to_dict()


def test_a_window_with_fewer_than_five_answers_shows_nothing_but_fewer_than_five(client, world):
    found = school_window(world, english=2, math=2)
    body = text_of(page(client, world.leader_a, "results", found.pk))
    assert "fewer than 5" in body
    assert "Response rate" not in body
    assert not re.search(r"95% CI -?\d", body)
    export = page(client, world.leader_a, "results_export", found.pk, "csv").content.decode()
    assert ",4," not in export
    assert "suppressed" in export


def test_those_who_named_no_team_are_a_group_only_the_leader_and_analysts_see(client, world):
    found = school_window(world, english=6, math=6, none=6)
    assert "No team named" in text_of(page(client, world.leader_a, "results", found.pk))
    assert "No team named" not in text_of(page(client, world.teacher_a, "results", found.pk))


# --- participation, reliability and distributions ------------------------------------------


def test_a_response_rate_under_half_is_flagged_as_possibly_unrepresentative(client, world):
    found = school_window(world, invited_extra=20)
    body = text_of(page(client, world.leader_a, "results", found.pk))
    assert "Response rate: 35%." in body
    assert "may not represent the staff" in body
    fine = school_window(world, title="Spring survey")
    assert "may not represent" not in text_of(page(client, world.leader_a, "results", fine.pk))


def test_the_response_rate_of_a_team_breakdown_is_said_to_be_the_schools(client, world):
    found = school_window(world)
    body = text_of(page(client, world.leader_a, "results", found.pk))
    assert "The response rate is the school's" in body


def test_consistent_answers_give_alpha_and_omega_without_a_warning(client, world):
    found = school_window(world, english=15, math=15)
    body = text_of(page(client, world.leader_a, "results", found.pk))
    assert "Cronbach's alpha" in body
    assert "McDonald's omega" in body
    assert "Low reliability" not in body


def test_random_answers_get_a_low_reliability_warning(client, world):
    rng = np.random.default_rng(7)
    answers = [(world.team_english, {k: int(rng.integers(1, 7)) for k in rw.ITEMS})
               for _ in range(12)]  # fmt: skip
    found = rw.window(world.school_a, answers=answers)
    body = text_of(page(client, world.leader_a, "results", found.pk))
    assert "Low reliability: read this index with care." in body


def test_item_distributions_count_each_option_for_the_whole_window_only(client, world):
    answers = [(world.team_english, dict.fromkeys(rw.ITEMS, 2)) for _ in range(3)]
    answers += [(world.team_math, dict.fromkeys(rw.ITEMS, 5)) for _ in range(4)]
    found = rw.window(world.school_a, answers=answers)
    body = text_of(page(client, world.leader_a, "results", found.pk))
    assert re.search(r"2\. Very little</th><td>3</td><td>43%</td>", body)
    assert re.search(r"5\. A lot</th><td>4</td><td>57%</td>", body)
    assert 'class="bar-fill"' in body
    assert 'style="' not in body


def test_an_item_answered_by_fewer_than_five_has_no_distribution(client, world):
    answers = [(world.team_english, {k: 4 for k in rw.ITEMS if k != "ta1"}) for _ in range(6)]
    answers[0][1]["ta1"] = 2
    found = rw.window(world.school_a, answers=answers)
    body = text_of(page(client, world.leader_a, "results", found.pk))
    assert "Answered by fewer than 5: not shown." in body


# --- the export ------------------------------------------------------------------------------


def test_the_export_holds_aggregates_only_and_neutralises_a_formula_in_a_title(client, world):
    found = school_window(world, title='=HYPERLINK("http://x")')
    response = page(client, world.leader_a, "results_export", found.pk, "csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert all(row["window"].startswith("'=") for row in rows)
    assert not any(set(rw.ITEMS) <= set(row) for row in rows)
    figures = {row["figure"] for row in rows}
    assert "Collective efficacy index" in figures
    xlsx = page(client, world.leader_a, "results_export", found.pk, "xlsx")
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"
    assert page(client, world.leader_a, "results_export", found.pk, "pdf").status_code == 404


# --- the trend and the cycles ---------------------------------------------------------------


def test_the_trend_shows_each_window_and_calls_a_difference_a_change_only_when_clear(client, world):
    invited = [world.teacher_a]
    rw.window(world.school_a, title="Autumn", opens=dt.date(2024, 9, 1),
              closes=dt.date(2024, 9, 10), invited=invited,
              answers=rw.answers_for(world.team_english, 12, 2.5, seed=1))  # fmt: skip
    rw.window(world.school_a, title="Winter", opens=dt.date(2024, 10, 1),
              closes=dt.date(2024, 10, 10), invited=invited,
              answers=rw.answers_for(world.team_english, 12, 5.0, seed=2))  # fmt: skip
    last = rw.window(world.school_a, title="Late autumn", opens=dt.date(2024, 10, 15),
                     closes=dt.date(2024, 10, 20), invited=invited,
                     answers=rw.answers_for(world.team_english, 12, 5.0, seed=3))  # fmt: skip
    body = text_of(page(client, world.leader_a, "results_trend", last.pk))
    assert "Autumn" in body
    assert "Winter" in body
    assert "Late autumn" in body
    assert "Rose" in body
    assert "no clear change: the interval includes 0" in body
    assert "<svg" in body
    assert 'role="img"' in body


def test_each_teams_index_before_and_after_its_cycle_sits_beside_the_cycles_verdict(client, world):
    from efficacy.cycles.plan.services import cycle_create

    cycle = cycle_create(user=world.lead_english, team=world.team_english, title="Inference",
                         start_date=dt.date(2024, 9, 15), end_date=dt.date(2024, 9, 30))  # fmt: skip
    rw.window(world.school_a, title="Before", opens=dt.date(2024, 9, 1),
              closes=dt.date(2024, 9, 10),
              answers=rw.answers_for(world.team_english, 8, 3.0, seed=1))  # fmt: skip
    after = rw.window(world.school_a, title="After", opens=dt.date(2024, 10, 1),
                      closes=dt.date(2024, 10, 10),
                      answers=rw.answers_for(world.team_english, 8, 4.0, seed=2))  # fmt: skip
    body = text_of(page(client, world.leader_a, "results_trend", after.pk))
    assert "Before and after each team's inquiry cycles" in body
    assert cycle.title in body
    assert "association, never proof" in body
    assert "No verdict: the cycle has no measure." in body


def test_the_trend_never_shows_a_team_of_four_and_a_teacher_sees_only_their_own_team(client, world):
    invited = [world.teacher_a]
    rw.window(world.school_a, title="Autumn", opens=dt.date(2024, 9, 1),
              closes=dt.date(2024, 9, 10), invited=invited,
              answers=rw.answers_for(world.team_english, 4, 3.0, seed=1)
              + rw.answers_for(world.team_math, 9, 3.0, seed=2)
              + rw.answers_for(None, 6, 3.0, seed=5))  # fmt: skip
    last = rw.window(world.school_a, title="Winter", opens=dt.date(2024, 10, 1),
                     closes=dt.date(2024, 10, 10), invited=invited,
                     answers=rw.answers_for(world.team_english, 8, 4.0, seed=3)
                     + rw.answers_for(world.team_math, 8, 3.0, seed=4))  # fmt: skip
    body = text_of(page(client, world.leader_a, "results_trend", last.pk))
    english = body.split('id="series-team-')[1:]
    english = next(s for s in english if "Grade 9 English" in s.split("</h2>")[0])
    autumn_row = re.search(r">Autumn</a>.*?</tr>", english).group(0)
    assert "not shown" in autumn_row
    assert not re.search(r"\d\.\d\d", autumn_row)
    assert "not computed (a window is missing or suppressed)" in english.split("</table>")[0]
    teacher = text_of(page(client, world.teacher_a, "results_trend", last.pk))
    assert "Grade 9 English" in teacher
    assert "Mathematics" not in teacher


def test_a_trend_read_again_comes_from_the_cache_until_an_answer_or_a_name_changes(
    client, world, monkeypatch
):
    """A dashboard's trend computes each window once; a new answer, another reader's
    language or a renamed team shows at once, and a hidden team stays hidden."""
    from efficacy.voice.services import results

    computed = []
    real = results.window_results
    monkeypatch.setattr(results, "window_results",
                        lambda **kw: computed.append(kw["window"].pk) or real(**kw))  # fmt: skip
    autumn = rw.window(world.school_a, title="Autumn", opens=dt.date(2024, 9, 1),
                       closes=dt.date(2024, 9, 10),
                       answers=rw.answers_for(world.team_english, 8, 3.0, seed=1)
                       + rw.answers_for(world.team_math, 4, 3.0, seed=2))  # fmt: skip
    winter = rw.window(world.school_a, title="Winter", opens=dt.date(2024, 10, 1),
                       closes=dt.date(2024, 10, 10),
                       answers=rw.answers_for(world.team_english, 8, 4.0, seed=3))  # fmt: skip

    def main_of(response) -> str:
        return text_of(response).split("<main", 1)[1].split("</main>", 1)[0]

    first = main_of(page(client, world.leader_a, "results_trend", winter.pk))
    assert sorted(computed) == sorted([autumn.pk, winter.pk])
    assert main_of(page(client, world.leader_a, "results_trend", winter.pk)) == first
    assert len(computed) == 2  # read again: from the cache
    SurveyResponse.objects.create(window=autumn, team=world.team_math,
                                  answers=rw.answers_for(None, 1, 3.0, seed=9)[0][1])  # fmt: skip
    world.team_english.name = "Grade 9 English, renamed"
    world.team_english.save()
    again = main_of(page(client, world.leader_a, "results_trend", winter.pk))
    assert computed[2:] == [autumn.pk]  # the window answered again, only
    assert "Grade 9 English, renamed" in again
    assert "Grade 9 English, renamed" not in first


def test_a_window_of_another_instrument_is_not_in_the_trend(client, world):
    rw.window(world.school_a, title="Pulse", key="test-enabling-conditions",
              answers=rw.answers_for(world.team_english, 6, 3.0, seed=1))  # fmt: skip
    found = rw.window(world.school_a, title="Autumn",
                      answers=rw.answers_for(world.team_english, 6, 3.0, seed=2))  # fmt: skip
    body = text_of(page(client, world.leader_a, "results_trend", found.pk))
    assert "Autumn" in body
    assert "Pulse" not in body


def test_answers_that_do_not_fit_the_instrument_get_a_clear_message_not_an_error(client, world):
    answers = rw.answers_for(world.team_english, 6, 3.0, seed=1)
    answers[0][1]["gc1"] = 9
    found = rw.window(world.school_a, answers=answers)
    response = page(client, world.leader_a, "results", found.pk)
    assert response.status_code == 200
    assert "the stored answers do not fit the instrument" in text_of(response)
    assert "outside the scale 1 to 6" in text_of(response)


def test_the_export_is_never_stored_by_a_cache(client, world):
    found = school_window(world)
    for fmt in ("csv", "xlsx"):
        response = page(client, world.leader_a, "results_export", found.pk, fmt)
        assert "no-store" in response["Cache-Control"]


def test_the_anonymity_threshold_is_the_setting(client, world, settings):
    settings.EFFICACY_MIN_STAFF_N = 8
    found = school_window(world, english=7, math=9, none=0)
    body = text_of(page(client, world.leader_a, "results", found.pk))
    assert "fewer than 8" in body
    assert re.search(r"<th scope=\"row\">Grade 9 English</th> <td>fewer than 8</td>", body)


def test_the_cycles_own_verdict_sits_beside_its_teams_index_before_and_after(
    client, world, scored, settings, monkeypatch
):
    from django.utils.html import escape

    from efficacy.cycles.impact.panel import cycle_verdict

    settings.EFFICACY_MIN_STUDENT_N = 5
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: dt.date(2025, 2, 1))
    monkeypatch.setattr("efficacy.roster.time.today_in", lambda *a, **k: dt.date(2025, 2, 1))
    rw.window(world.school_a, title="September", opens=dt.date(2024, 9, 1),
              closes=dt.date(2024, 9, 10),
              answers=rw.answers_for(world.team_english, 8, 3.0, seed=1))  # fmt: skip
    after = rw.window(world.school_a, title="January", opens=dt.date(2025, 1, 6),
                      closes=dt.date(2025, 1, 17),
                      answers=rw.answers_for(world.team_english, 8, 4.5, seed=2))  # fmt: skip
    verdict = cycle_verdict(scored)
    assert verdict is not None
    assert verdict.suppressed is None
    body = text_of(page(client, world.leader_a, "results_trend", after.pk))
    row = re.search(r"Inference in grade 9 applied English</a>.*?</tr>", body).group(0)
    assert "September" in row
    assert "January" in row
    assert "Rose" in row
    assert escape(verdict.grade_text) in row
    assert ("Goal met" if verdict.met else "Goal not met (yet)") in row


def test_a_french_reader_gets_the_instruments_french_wording(client, world):
    found = school_window(world)
    client.force_login(world.leader_a)
    response = client.get(reverse("voice:results", args=[found.pk]), HTTP_ACCEPT_LANGUAGE="fr")
    body = text_of(response)
    assert "Group competence (fr)" in body
    assert "Question gc1? (fr)" in body
    assert "Collective efficacy index (fr)" in body


def test_a_closed_window_nobody_answered_says_so_without_an_error(client, world):
    found = rw.window(world.school_a, invited=[world.teacher_a])
    response = page(client, world.leader_a, "results", found.pk)
    assert response.status_code == 200
    assert "Answers: fewer than 5." not in text_of(response)
    assert page(client, world.leader_a, "results_export", found.pk, "csv").status_code == 200
    assert page(client, world.leader_a, "results_trend", found.pk).status_code == 200


def test_a_subscale_that_fewer_than_five_of_a_team_answered_is_hidden_with_its_complement(
    client, world
):
    from efficacy import privacy
    from efficacy.voice.services.results import window_results

    answers = rw.answers_for(world.team_english, 6, 4.0, seed=1)
    answers += rw.answers_for(world.team_math, 6, 3.0, seed=2)
    for _team, given in answers[-2:]:  # two of mathematics skip every task-analysis item
        for key in ("ta1", "ta2", "ta3"):
            del given[key]
    found = rw.window(world.school_a, answers=answers)
    results = window_results(window=found, language="en")
    teams = {g.label: {k: f for k, _n, f in g.subscales} for g in results.teams}
    assert teams["Mathematics"]["group_competence"].shown
    assert teams["Grade 9 English"]["group_competence"].shown
    assert not teams["Mathematics"]["task_analysis"].shown
    # Else school − English would give the four mathematicians' task analysis.
    assert not teams["Grade 9 English"]["task_analysis"].shown
    assert teams["Grade 9 English"]["task_analysis"].reason == privacy.complement()
    school = {k: f for k, _n, f in results.whole.subscales}
    assert school["task_analysis"].index.n == 10


def test_no_hidden_group_is_ever_left_alone_or_small_against_the_school_total(world):
    """For many team sizes: when the school's figure is shown, the hidden groups are none, or
    at least two that together hold at least the threshold (so subtraction gives a mix)."""
    from efficacy.roster.models import Team
    from efficacy.voice.services.results import window_results

    teams = [world.team_english, world.team_math]
    teams += [Team.objects.create(school=world.school_a, name=f"Team {i}") for i in range(3)]
    rng = np.random.default_rng(2024)
    for trial in range(25):
        sizes = rng.integers(0, 9, size=len(teams) + 1)
        answers = []
        for team, size in zip([*teams, None], sizes, strict=True):
            answers += rw.answers_for(team, int(size), 3.5, seed=trial)
        found = rw.window(world.school_a, title=f"Trial {trial}", answers=answers)
        results = window_results(window=found, language="en", details=False)
        if results.whole.overall.index is None:
            continue
        hidden = [g for g in results.teams if g.overall.index is None and g.size.n > 0]
        assert len(hidden) != 1, sizes
        if hidden:
            assert sum(g.size.n for g in hidden) >= 5, sizes
        for group in results.teams:
            if group.size.n < 5:
                assert group.overall.index is None
                assert str(group.size) == "fewer than 5"


def test_an_answer_that_is_not_a_number_gets_a_clear_message_not_an_error(client, world):
    answers = rw.answers_for(world.team_english, 6, 3.0, seed=1)
    answers[0][1]["gc2"] = "=cmd"
    found = rw.window(world.school_a, answers=answers)
    response = page(client, world.leader_a, "results", found.pk)
    assert response.status_code == 200
    assert "the stored answers do not fit the instrument" in text_of(response)


def test_a_closed_windows_page_links_to_its_results_and_an_open_ones_does_not(client, world):
    closed = school_window(world)
    open_one = school_window(world, title="spring", closes=TODAY)
    for found, linked in ((closed, True), (open_one, False)):
        window_page = page(client, world.leader_a, "survey_window", found.pk).content.decode()
        assert (reverse("voice:results", args=[found.pk]) in window_page) is linked


def _svg_lengths(body: str) -> list[str]:
    """Every coordinate and length inside the page's <svg> elements, a polyline's points one by one."""
    svgs = "".join(re.findall(r"<svg.*?</svg>", body, re.S))
    values = re.findall(r'\s(?:x|y|x1|x2|y1|y2|cx|cy|width|height)="([^"]*)"', svgs)
    for points in re.findall(r'\spoints="([^"]*)"', svgs):
        values += [v for pair in points.split() for v in pair.split(",", 1)]
    return values


def test_the_charts_draw_in_french_their_numbers_are_never_written_with_a_comma(client, world):
    """French writes 41,7 for 41.7; an SVG length with a comma is an error and the bar or
    the point is not drawn, so the charts' coordinates are never localized."""
    invited = [world.teacher_a]
    rw.window(world.school_a, title="Autumn", opens=dt.date(2024, 9, 1),
              closes=dt.date(2024, 9, 10), invited=invited,
              answers=rw.answers_for(world.team_english, 12, 2.5, seed=1))  # fmt: skip
    last = rw.window(world.school_a, title="Winter", opens=dt.date(2024, 10, 1),
                     closes=dt.date(2024, 10, 10), invited=invited,
                     answers=rw.answers_for(world.team_english, 7, 4.3, seed=2))  # fmt: skip
    client.force_login(world.leader_a)
    for name in ("results", "results_trend"):
        response = client.get(reverse(f"voice:{name}", args=[last.pk]), HTTP_ACCEPT_LANGUAGE="fr")
        lengths = _svg_lengths(response.content.decode())
        assert lengths, name
        assert [v for v in lengths if not re.fullmatch(r"-?\d+(\.\d+)?", v)] == [], name

"""Many schools' collective-efficacy index at once, for the district dashboard.

The same figure as the whole-school figure of
:func:`efficacy.voice.services.results.window_results` (``whole.overall``), built the
same way (:func:`~efficacy.voice.services.results.items_frame_of`, ``scores_of``,
:func:`efficacy.analysis.scale_index_by`, the same complementary suppression of the
school's total against its teams' groups), but for a list of school-wide windows in
one query for their answers and one vectorised call per instrument, so a district of a
hundred schools costs what one school does. Aggregates only: no response row leaves.

Each window's figure is cached under a key holding what it is computed from
(:func:`~efficacy.voice.services.results.window_stamps`: an answer more, or one less,
makes a new key), so a district dashboard read again costs one small query here until
a survey changes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import pandas as pd
from django.core.cache import cache

from efficacy import privacy
from efficacy.analysis import AnalysisError, scale_index_by
from efficacy.voice.models import SurveyResponse, SurveyWindow
from efficacy.voice.services.results import (
    NO_TEAM,
    RESPONDENTS,
    RESULTS_CACHE_SECONDS,
    Figure,
    figure_of,
    items_frame_of,
    scores_of,
    window_stamps,
)


def school_indexes(
    windows: Sequence[SurveyWindow], *, min_n: int | None = None
) -> dict[int, Figure]:
    """Each school-wide window's index (by window id), or its reason when not shown. A
    window whose answers do not fit its instrument gets a figure with no reason."""
    threshold = privacy.min_staff_n() if min_n is None else min_n
    stamps = window_stamps(windows, threshold=threshold)
    keys = {pk: f"school-index:{stamp}" for pk, stamp in stamps.items()}
    found = cache.get_many(list(keys.values()))
    out = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [w for w in windows if w.pk not in out]
    if missing:
        fresh = _school_indexes(missing, threshold)
        cache.set_many({keys[pk]: figure for pk, figure in fresh.items()}, RESULTS_CACHE_SECONDS)
        out.update(fresh)
    return out


def _school_indexes(windows: Sequence[SurveyWindow], threshold: int) -> dict[int, Figure]:
    by_id = {w.pk: w for w in windows}
    answers: dict[int, list[tuple[int | None, dict]]] = defaultdict(list)
    rows = SurveyResponse.objects.filter(window_id__in=list(by_id)).values_list(
        "window_id", "team_id", "answers"
    )
    for window_id, team_id, given in rows:
        answers[window_id].append((team_id, given))
    by_instrument: dict[int, list[SurveyWindow]] = defaultdict(list)
    for window in windows:
        by_instrument[window.instrument_id].append(window)
    out: dict[int, Figure] = {}
    for group in by_instrument.values():
        shape = group[0].instrument.parsed
        pairs = [(w.pk, team, given) for w in group for team, given in answers.get(w.pk, [])]
        try:
            items = items_frame_of([(team, given) for _w, team, given in pairs], shape)
            overall = scores_of(items, shape)["overall"]
        except AnalysisError:
            out.update({w.pk: Figure() for w in group})
            continue
        frame = pd.DataFrame(
            {
                "window": [str(w) for w, _t, _a in pairs],
                "team": [NO_TEAM if t is None else str(t) for _w, t, _a in pairs],
                "score": overall.to_numpy(),
            }
        )
        scored = frame[frame["score"].notna()]
        table = scale_index_by(scored, by="window", value="score", min_n=threshold)
        table = table.set_index("by")
        for window in group:
            teams = scored.loc[scored["window"] == str(window.pk), "team"].value_counts()
            total = privacy.suppress([int(n) for n in teams.to_numpy()], threshold).total
            if total.suppressed or total.n == 0:
                reason = total.reason(RESPONDENTS) or privacy.small_group(threshold, RESPONDENTS)
                out[window.pk] = Figure(reason=reason)
            else:
                out[window.pk] = figure_of(table, str(window.pk), threshold)
    return out

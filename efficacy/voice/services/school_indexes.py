"""Many schools' collective-efficacy index at once, for the district dashboard.

The same figure as the whole-school figure of
:func:`efficacy.voice.services.results.window_results` (``whole.overall``), built the
same way (:func:`~efficacy.voice.services.results.items_frame_of`, ``scores_of``,
:func:`efficacy.analysis.scale_index_by`, the same complementary suppression of the
school's total against its teams' groups), but for a list of school-wide windows in
one query for their answers and one vectorised call per instrument, so a district of a
hundred schools costs what one school does. Aggregates only: no response row leaves.

Each window's figure is cached under a key holding what it is computed from (the
window and when it was made, its instrument's checksum, the threshold, and its
responses' number and first and last ids: an answer more, or one less, makes a new key;
an answer is never edited), so a district dashboard read again
costs one small query here until a survey changes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import pandas as pd
from django.core.cache import cache
from django.db.models import Count, Max, Min

from efficacy import privacy
from efficacy.analysis import AnalysisError, scale_index_by
from efficacy.voice.models import SurveyResponse, SurveyWindow
from efficacy.voice.services.results import (
    NO_TEAM,
    RESPONDENTS,
    Figure,
    figure_of,
    items_frame_of,
    scores_of,
)

#: How long a window's figure stays in the cache; its key changes with its answers, so
#: the time only bounds the cache's size.
INDEX_CACHE_SECONDS = 3600


def school_indexes(
    windows: Sequence[SurveyWindow], *, min_n: int | None = None
) -> dict[int, Figure]:
    """Each school-wide window's index (by window id), or its reason when not shown. A
    window whose answers do not fit its instrument gets a figure with no reason."""
    threshold = privacy.min_staff_n() if min_n is None else min_n
    counted = (
        SurveyResponse.objects.filter(window_id__in=[w.pk for w in windows])
        .order_by()
        .values("window_id")
        .annotate(n=Count("pk"), first=Min("pk"), last=Max("pk"))
        .values_list("window_id", "n", "first", "last")
    )
    stamps = {window_id: (n, first, last) for window_id, n, first, last in counted}
    keys = {
        w.pk: "school-index:{}:{}:{}:{}:{}:{}:{}".format(
            w.pk,
            w.created_at.isoformat(),
            w.instrument.sha256,
            threshold,
            *stamps.get(w.pk, (0, 0, 0)),
        )
        for w in windows
    }
    found = cache.get_many(list(keys.values()))
    out = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [w for w in windows if w.pk not in out]
    if missing:
        fresh = _school_indexes(missing, threshold)
        cache.set_many({keys[pk]: figure for pk, figure in fresh.items()}, INDEX_CACHE_SECONDS)
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

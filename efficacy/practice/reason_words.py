"""The coverage scheduler's reasons in the reader's language.

:mod:`efficacy.practice.schedule` is pure Python for the command line too: each
:class:`~efficacy.practice.schedule.Reason` it gives (why no schedule exists, a rule
an edited schedule breaks, a teacher short of visits) has a stable ``code``, the
numbers and names it is about in ``params``, and an English ``text`` that
``efficacy schedule-rounds`` prints. A :class:`~efficacy.practice.models.RoundSchedule`
stores all three; the web page words a reason again from its code and params with
:func:`reason_text`, in the active language (:data:`WORDS`, one entry per code). The
English words are the scheduler's, but for a noun after a count of one ("1 observer
is", not "1 observers are"), which gettext's plurals get right.

A code this module has no words for, or params stored before they held every
number (an older schedule), keep the stored English text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.utils.formats import number_format
from django.utils.text import get_text_list
from django.utils.translation import gettext, gettext_lazy, ngettext, pgettext

from efficacy.practice.schedule import Reason
from efficacy.practice.schedule.reasons import ORDER

Params = Mapping[str, Any]

#: How many names a list shows before "and N others" (as the scheduler's ``names``).
SHOWN = 8


def number(value: float) -> str:
    """A count or a number of seconds as the reader writes it (1,234 / 1 234; 0.5 / 0,5)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return number_format(value, force_grouping=True)


def names_text(ids: Sequence[str], *, shown: int = SHOWN) -> str:
    """``t01``, ``t01 and t02``, ``t01, t02 and t03``, ``t01, ..., t08 and 12 others``,
    joined the reader's way (", " and " et ", "et 12 autres")."""
    ids = [str(i) for i in ids]
    if len(ids) > shown:
        rest = len(ids) - shown
        return ngettext("%(names)s and %(count)s other", "%(names)s and %(count)s others", rest) % {
            "names": gettext(", ").join(ids[:shown]),
            "count": number(rest),
        }
    listed: list[Any] = ids  # get_text_list takes promises too
    return str(get_text_list(listed, gettext_lazy("and")))


def times(n: int) -> str:
    """``once``, ``twice``, ``3 times``."""
    if n == 1:
        return gettext("once")
    if n == 2:
        return gettext("twice")
    return ngettext("%(count)s time", "%(count)s times", n) % {"count": number(n)}


def _count(n: int) -> str:
    return gettext("never") if n == 0 else times(n)


def _teachers(n: int) -> str:
    return ngettext("%(count)s teacher", "%(count)s teachers", n) % {"count": number(n)}


def _weeks(n: int) -> str:
    return ngettext("%(count)s week", "%(count)s weeks", n) % {"count": number(n)}


def _days(n: int) -> str:
    return ngettext("%(count)s day", "%(count)s days", n) % {"count": number(n)}


def _periods(n: int) -> str:
    return ngettext("%(count)s period", "%(count)s periods", n) % {"count": number(n)}


def _observers(n: int) -> str:
    return ngettext("%(count)s observer", "%(count)s observers", n) % {"count": number(n)}


def _visit(p: Params) -> dict[str, str]:
    """A visit's where and who, from the ``visit`` the checker stores."""
    visit = p["visit"]
    return {
        "week": number(visit["week"]),
        "day": number(visit["day"]),
        "period": number(visit["period"]),
        "host": visit["host"],
        "observer": visit["observer"],
    }


def _when(p: Params) -> dict[str, str]:
    return {"week": number(p["week"]), "day": number(p["day"]), "period": number(p["period"])}


#: Each code the scheduler gives, and how to word it from its params.
WORDS: dict[str, Callable[[Params], str]] = {}


def _words(code: str) -> Callable[[Callable[[Params], str]], Callable[[Params], str]]:
    def register(words: Callable[[Params], str]) -> Callable[[Params], str]:
        WORDS[code] = words
        return words

    return register


# --- why no schedule exists (efficacy.practice.schedule.reasons) ------------------


@_words("teaches_nothing")
def _teaches_nothing(p: Params) -> str:
    return gettext(
        "%(teacher)s teaches no period, so cannot observe or be observed (both happen in "
        "teaching periods, and each teacher does each %(times)s)."
    ) % {"teacher": p["teacher"], "times": times(p["visits_each"])}


@_words("team_too_small")
def _team_too_small(p: Params) -> str:
    visits = p["visits_each"]
    values = {
        "team": p["team"],
        "teachers": _teachers(p["size"]),
        "visits": number(visits),
        "needed": number(p["needed"]),
    }
    if p["same_team"]:
        return (
            ngettext(
                "Team %(team)s has %(teachers)s: each must observe %(visits)s different colleague "
                "of the team, so it needs at least %(needed)s.",
                "Team %(team)s has %(teachers)s: each must observe %(visits)s different colleagues "
                "of the team, so it needs at least %(needed)s.",
                visits,
            )
            % values
        )
    return (
        ngettext(
            "The school has %(teachers)s: each must observe %(visits)s different colleague, so it "
            "needs at least %(needed)s.",
            "The school has %(teachers)s: each must observe %(visits)s different colleagues, so it "
            "needs at least %(needed)s.",
            visits,
        )
        % values
    )


@_words("too_few_colleagues")
def _too_few_colleagues(p: Params) -> str:
    visits, colleagues = p["visits_each"], p["colleagues"]
    values = {
        "teacher": p["teacher"],
        "visits": number(visits),
        "colleagues": names_text(colleagues),
    }
    if not colleagues and p["same_team"]:
        return (
            ngettext(
                "%(teacher)s must observe %(visits)s different colleague of their team and be "
                "observed by %(visits)s, but no colleague of their team teaches at a time when "
                "%(teacher)s teaches too.",
                "%(teacher)s must observe %(visits)s different colleagues of their team and be "
                "observed by %(visits)s, but no colleague of their team teaches at a time when "
                "%(teacher)s teaches too.",
                visits,
            )
            % values
        )
    if not colleagues:
        return (
            ngettext(
                "%(teacher)s must observe %(visits)s different colleague and be observed by "
                "%(visits)s, but no colleague teaches at a time when %(teacher)s teaches too.",
                "%(teacher)s must observe %(visits)s different colleagues and be observed by "
                "%(visits)s, but no colleague teaches at a time when %(teacher)s teaches too.",
                visits,
            )
            % values
        )
    # Fewer colleagues than visits, and at least one: the visits are two or more.
    if p["same_team"]:
        return (
            ngettext(
                "%(teacher)s must observe %(visits)s different colleagues of their team and be "
                "observed by %(visits)s, but only %(colleagues)s teaches at a time when "
                "%(teacher)s teaches too.",
                "%(teacher)s must observe %(visits)s different colleagues of their team and be "
                "observed by %(visits)s, but only %(colleagues)s teach at a time when "
                "%(teacher)s teaches too.",
                len(colleagues),
            )
            % values
        )
    return (
        ngettext(
            "%(teacher)s must observe %(visits)s different colleagues and be observed by "
            "%(visits)s, but only %(colleagues)s teaches at a time when %(teacher)s teaches too.",
            "%(teacher)s must observe %(visits)s different colleagues and be observed by "
            "%(visits)s, but only %(colleagues)s teach at a time when %(teacher)s teaches too.",
            len(colleagues),
        )
        % values
    )


@_words("too_few_days")
def _too_few_days(p: Params) -> str:
    values = {
        "teacher": p["teacher"],
        "days": _days(p["days"]),
        "weeks": _weeks(p["weeks"]),
        "times": times(p["visits_each"]),
    }
    if p["same_team"]:
        return (
            gettext(
                "%(teacher)s can observe on only %(days)s in %(weeks)s (the days they teach at the "
                "same time as a colleague of their team), and a teacher observes at most once a "
                "day, but they must observe %(times)s."
            )
            % values
        )
    return (
        gettext(
            "%(teacher)s can observe on only %(days)s in %(weeks)s (the days they teach at the "
            "same time as a colleague), and a teacher observes at most once a day, but they must "
            "observe %(times)s."
        )
        % values
    )


@_words("too_few_periods")
def _too_few_periods(p: Params) -> str:
    values = {
        "teacher": p["teacher"],
        "periods": _periods(p["periods"]),
        "weeks": _weeks(p["weeks"]),
        "times": times(p["visits_each"]),
        "hosting": number(p["hosting"]),
        "max_observers": number(p["max_observers"]),
        "visits": number(p["visits_each"]),
    }
    if p["same_team"]:
        return (
            gettext(
                "%(teacher)s teaches at the same time as a colleague of their team in only "
                "%(periods)s over %(weeks)s; being observed %(times)s takes at least %(hosting)s "
                "of them (at most %(max_observers)s observers a lesson, and only colleagues "
                "teaching then can come) and observing %(times)s %(visits)s more, since nobody "
                "observes while being observed."
            )
            % values
        )
    return (
        gettext(
            "%(teacher)s teaches at the same time as a colleague in only %(periods)s over "
            "%(weeks)s; being observed %(times)s takes at least %(hosting)s of them (at most "
            "%(max_observers)s observers a lesson, and only colleagues teaching then can come) "
            "and observing %(times)s %(visits)s more, since nobody observes while being observed."
        )
        % values
    )


@_words("no_substitutes")
def _no_substitutes(p: Params) -> str:
    return ngettext(
        "substitutes_per_period is 0, so no observer can leave their class, but the visits "
        "need %(needed)s period of substitute cover.",
        "substitutes_per_period is 0, so no observer can leave their class, but the visits "
        "need %(needed)s periods of substitute cover.",
        p["needed"],
    ) % {"needed": number(p["needed"])}


def _cover(p: Params) -> dict[str, str]:
    return {
        "team": p.get("team", ""),
        "needed": number(p["needed"]),
        "teachers": _teachers(p["teachers"]),
        "visits": number(p["visits_each"]),
        "offered": number(p["offered"]),
        "weeks": _weeks(p["weeks"]),
        "observers": _observers(p["substitutes"]),
    }


@_words("not_enough_cover")
def _not_enough_cover(p: Params) -> str:
    return gettext(
        "The visits need %(needed)s periods of substitute cover (%(teachers)s × %(visits)s), "
        "but at most %(offered)s are possible over %(weeks)s: %(observers)s out at a time, and "
        "only in periods when the teachers who could observe one another are teaching."
    ) % _cover(p)


@_words("not_enough_team_cover")
def _not_enough_team_cover(p: Params) -> str:
    return gettext(
        "Team %(team)s's visits need %(needed)s periods of substitute cover (%(teachers)s × "
        "%(visits)s), but at most %(offered)s are possible over %(weeks)s: %(observers)s out "
        "at a time, and only in periods when two of its members teach."
    ) % _cover(p)


#: The requirements a conflict names (:data:`efficacy.practice.schedule.reasons.RULES`).
RULE_WORDS: dict[str, Callable[[Params, Sequence[str]], str]] = {
    "observes": lambda p, ids: (
        ngettext("%(teachers)s observes %(times)s", "%(teachers)s each observe %(times)s", len(ids))
        % {"teachers": names_text(ids), "times": times(p["visits_each"])}
    ),
    "observed": lambda p, ids: (
        ngettext(
            "%(teachers)s is observed %(times)s",
            "%(teachers)s are each observed %(times)s",
            len(ids),
        )
        % {"teachers": names_text(ids), "times": times(p["visits_each"])}
    ),
    "substitutes": lambda p, ids: (
        ngettext(
            "at most %(count)s observer is out of class in any one period",
            "at most %(count)s observers are out of class in any one period",
            p["substitutes"],
        )
        % {"count": number(p["substitutes"])}
    ),
    "different_hosts": lambda p, ids: gettext("nobody observes the same colleague twice"),
    "once_a_day": lambda p, ids: gettext("a teacher observes at most once a day"),
    "max_observers": lambda p, ids: (
        ngettext(
            "a lesson has at most %(count)s observer",
            "a lesson has at most %(count)s observers",
            p["max_observers"],
        )
        % {"count": number(p["max_observers"])}
    ),
    "one_place": lambda p, ids: gettext("nobody observes while being observed"),
    "same_team": lambda p, ids: gettext("host and observer share a team"),
}


@_words("conflict")
def _conflict(p: Params) -> str:
    parts = [
        RULE_WORDS[rule](p, sorted(p["teachers"][rule]))
        for rule in sorted(p["rules"], key=ORDER.index)
    ]
    rules = pgettext("between the requirements of a conflict", "; ").join(parts)
    if p["minimal"]:
        return gettext(
            "No schedule meets all of these at once: %(rules)s. Setting any one of them aside "
            "would allow a schedule."
        ) % {"rules": rules}
    return gettext("No schedule meets all of these at once: %(rules)s.") % {"rules": rules}


# --- out of time (efficacy.practice.schedule.solver) ------------------------------


@_words("undecided")
def _undecided(p: Params) -> str:
    return gettext(
        "The solver found no schedule in %(seconds)s seconds and could not prove that none "
        "exists; give it longer (--seconds)."
    ) % {"seconds": number(p["seconds"])}


@_words("conflict_unnamed")
def _conflict_unnamed(p: Params) -> str:
    return gettext(
        "The solver proved that no schedule meets every rule, but could not single out which "
        "rules conflict in %(seconds)s seconds."
    ) % {"seconds": number(p["seconds"])}


# --- rules an edited schedule breaks (efficacy.practice.schedule.check) -------------


@_words("outside_window")
def _outside_window(p: Params) -> str:
    return gettext(
        "%(observer)s observing %(host)s at week %(week)s, day %(day)s, period %(period)s is "
        "outside the window of %(weeks)s, %(days)s a week and %(periods)s a day."
    ) % {
        **_visit(p),
        "weeks": _weeks(p["weeks"]),
        "days": _days(p["days"]),
        "periods": _periods(p["periods_per_day"]),
    }


@_words("unknown_teacher")
def _unknown_teacher(p: Params) -> str:
    return ngettext(
        "%(teachers)s at week %(week)s, day %(day)s, period %(period)s is not in the timetable.",
        "%(teachers)s at week %(week)s, day %(day)s, period %(period)s are not in the timetable.",
        len(p["unknown"]),
    ) % {**_visit(p), "teachers": names_text(p["unknown"])}


@_words("self_visit")
def _self_visit(p: Params) -> str:
    return gettext("%(host)s cannot observe their own lesson.") % _visit(p)


@_words("other_team")
def _other_team(p: Params) -> str:
    return gettext(
        "%(observer)s and %(host)s are not in the same team, and host and observer must share "
        "a team."
    ) % _visit(p)


@_words("host_not_teaching")
def _host_not_teaching(p: Params) -> str:
    return gettext(
        "%(host)s does not teach at week %(week)s, day %(day)s, period %(period)s, so there is "
        "no lesson for %(observer)s to observe."
    ) % _visit(p)


@_words("observer_not_teaching")
def _observer_not_teaching(p: Params) -> str:
    return gettext(
        "%(observer)s does not teach at week %(week)s, day %(day)s, period %(period)s: "
        "observing then would take their prep time."
    ) % _visit(p)


@_words("substitutes")
def _substitutes(p: Params) -> str:
    # More observers out than substitutes, so two or more: the count of substitutes
    # decides the noun.
    return ngettext(
        "%(out)s observers are out of class at week %(week)s, day %(day)s, period %(period)s, "
        "but there is %(substitutes)s substitute a period.",
        "%(out)s observers are out of class at week %(week)s, day %(day)s, period %(period)s, "
        "but there are %(substitutes)s substitutes a period.",
        p["substitutes"],
    ) % {**_when(p), "out": number(p["out"]), "substitutes": number(p["substitutes"])}


@_words("max_observers")
def _max_observers(p: Params) -> str:
    return gettext(
        "%(host)s's lesson at week %(week)s, day %(day)s, period %(period)s has %(observers)s "
        "observers; a lesson has at most %(max_observers)s."
    ) % {
        **_when(p),
        "host": p["host"],
        "observers": number(p["observers"]),
        "max_observers": number(p["max_observers"]),
    }


@_words("one_place")
def _one_place(p: Params) -> str:
    values = {**_when(p), "teacher": p["teacher"]}
    if p["lessons"] > 1:
        return (
            gettext(
                "%(teacher)s observes two lessons at week %(week)s, day %(day)s, period "
                "%(period)s: nobody is in two places at once."
            )
            % values
        )
    return (
        gettext(
            "%(teacher)s observes a colleague while being observed at week %(week)s, day "
            "%(day)s, period %(period)s: nobody is in two places at once."
        )
        % values
    )


@_words("different_hosts")
def _different_hosts(p: Params) -> str:
    return gettext(
        "%(observer)s observes %(host)s %(times)s times; nobody observes the same colleague twice."
    ) % {"observer": p["observer"], "host": p["host"], "times": number(p["times"])}


@_words("once_a_day")
def _once_a_day(p: Params) -> str:
    return gettext(
        "%(teacher)s observes %(times)s times on day %(day)s of week %(week)s; a teacher "
        "observes at most once a day."
    ) % {
        "teacher": p["teacher"],
        "times": number(p["times"]),
        "day": number(p["day"]),
        "week": number(p["week"]),
    }


@_words("observes_count")
def _observes_count(p: Params) -> str:
    return gettext("%(teacher)s observes %(count)s; the team asked for %(wanted)s.") % {
        "teacher": p["teacher"],
        "count": _count(p["count"]),
        "wanted": _count(p["wanted"]),
    }


@_words("observed_count")
def _observed_count(p: Params) -> str:
    return gettext("%(teacher)s is observed %(count)s; the team asked for %(wanted)s.") % {
        "teacher": p["teacher"],
        "count": _count(p["count"]),
        "wanted": _count(p["wanted"]),
    }


def reason_text(reason: Reason | Mapping[str, Any]) -> str:
    """A scheduler's reason, stored (``{"code", "text", "params"}``) or fresh, in the
    active language; the stored English text for a code without words here, or params
    that lack a number the words need (a schedule stored before they held them all)."""
    if isinstance(reason, Reason):
        code, text, params = reason.code, reason.text, reason.params
    else:
        code, text, params = reason.get("code", ""), reason["text"], reason.get("params", {})
    words = WORDS.get(code)
    if words is None:
        return text
    try:
        return words(params)
    except (KeyError, TypeError, ValueError):
        return text

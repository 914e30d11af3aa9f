"""What a cycle story says, and how it becomes a PDF.

A mastery moment is told from two places:

- its **snapshot** (``MasteryMoment.evidence_summary`` and ``reflection``, answers
  keyed by prompt),
  the evidence and the reflection *as they were* when the cycle closed, so a
  later edit cannot rewrite the story;
- its **cycle** for what does not change once a cycle is closed: the team, the
  problem of practice, the goals, the strategies and the team's decisions, the plan.

The story never names a student: evidence appears only as aggregates, and an
aggregate of fewer than ``EFFICACY_MIN_STUDENT_N`` students is suppressed with
its reason. Staff names appear only for the staff of the team's school (a
district analyst reads the same story with roles instead of names).

The PDF is rendered by WeasyPrint with :func:`static_files_fetcher`, which
serves our own static files and refuses every other address, so rendering a
story never touches the network nor reads any other file of the server.
"""

from __future__ import annotations

import logging
import mimetypes
import posixpath
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.db.models import Prefetch, QuerySet
from django.utils import formats
from django.utils.dateparse import parse_datetime
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext as _

from efficacy.access.cycles import can_see_story_names, moments_for
from efficacy.analysis import wilson_interval
from efficacy.cycles.models import CycleStrategy, InquiryCycle, MasteryMoment, Reflection
from efficacy.cycles.plan.groups import group_describe, group_is_empty, group_students
from efficacy.cycles.stories.mastery import PERFORMANCE_GOAL, PREPOST_GAIN, grade_words
from efficacy.privacy import GroupSize, student_count
from efficacy.roster.models import School, Status

logger = logging.getLogger(__name__)

#: The made-up origin a PDF's relative addresses resolve against. ``.invalid``
#: never resolves (RFC 2606); the fetcher maps it to our static files.
PDF_BASE_URL = "https://story.efficacy.invalid/"
#: Where the PDF's HTML finds our static files (whatever STATIC_URL is).
PDF_STATIC_PATH = "/static/"
#: How many characters of the reflection the feed shows.
EXCERPT_CHARS = 280


# --- the feed -----------------------------------------------------------------


def feed_moments(user: Any, school: School) -> QuerySet[MasteryMoment]:
    """The school's mastery moments ``user`` may read, newest first."""
    return (
        moments_for(user)
        .filter(cycle__team__school=school)
        .select_related("cycle", "cycle__team")
        .prefetch_related(
            Prefetch(
                "cycle__cycle_strategies",
                queryset=CycleStrategy.objects.select_related("strategy"),
            )
        )
        .order_by("-created_at", "-pk")
    )


@dataclass(frozen=True)
class FeedItem:
    moment: MasteryMoment
    cycle: InquiryCycle
    closed_at: Any
    headline: str
    strategies: list[CycleStrategy]
    excerpt: str
    grade: str = ""


def feed_item(moment: MasteryMoment) -> FeedItem:
    sections = reflection_sections(moment.reflection)
    first = next((s.answer for s in sections if s.answer), "")
    return FeedItem(
        moment=moment,
        cycle=moment.cycle,
        closed_at=moment.created_at,
        headline=moment_evidence(moment).headline,
        strategies=list(moment.cycle.cycle_strategies.all()),
        excerpt=Truncator(" ".join(first.split())).chars(EXCERPT_CHARS),
        grade=grade_words(moment.evidence_grade),
    )


# --- the evidence snapshot ------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One number of the snapshot, with its n and (when it has one) its 95% CI."""

    label: str
    value: str
    n: int | None = None
    ci: str = ""


@dataclass(frozen=True)
class MomentEvidence:
    headline: str
    method: str = ""
    figures: list[Figure] = field(default_factory=list)
    suppressed: bool = False
    reason: str = ""
    caveats: list[str] = field(default_factory=list)
    computed_at: Any = None


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if number != number else number  # NaN is no number


def _decimal(value: float | None, places: int = 2) -> str:
    """A number in the reader's locale (0.88 or 0,88); a dash when there is none."""
    if value is None:
        return "–"
    return formats.number_format(round(value, places), places)


def _score(value: float | None) -> str:
    """A threshold as teams write it: 3, or 2.5."""
    if value is None:
        return "–"
    return _decimal(value, 0 if value.is_integer() else 2)


def _percent(value: float | None) -> str:
    return _("%(value)s%%") % {"value": _decimal(value, 0)}


def _ci(low: float | None, high: float | None, show=_decimal) -> str:
    if low is None or high is None:
        return ""
    return _("%(low)s to %(high)s") % {"low": show(low), "high": show(high)}


def moment_evidence(moment: MasteryMoment, *, min_n: int | None = None) -> MomentEvidence:
    """The snapshot in words and figures; groups below ``min_n`` are suppressed with a reason."""
    min_n = settings.EFFICACY_MIN_STUDENT_N if min_n is None else min_n
    summary = moment.evidence_summary or {}
    rule = summary.get("rule") or moment.rule
    n = summary.get("n")
    computed_at = parse_datetime(summary.get("computed_at") or "") or moment.created_at
    caveats = [str(c) for c in summary.get("caveats") or []]
    if not isinstance(n, int) or rule not in (PERFORMANCE_GOAL, PREPOST_GAIN):
        return MomentEvidence(
            headline=_("The evidence summary of this mastery moment could not be read."),
            suppressed=True,
            reason=_("The snapshot stored when the cycle closed is incomplete."),
            computed_at=computed_at,
        )
    if n < min_n:
        reason = _(
            "The evidence comes from fewer than %(min)d students, so its figures are not "
            "shown: they would be unreliable and could identify students."
        ) % {"min": min_n}
        return MomentEvidence(
            headline=reason,
            suppressed=True,
            reason=reason,
            caveats=caveats,
            computed_at=computed_at,
        )
    if rule == PERFORMANCE_GOAL:
        return _performance_evidence(summary, n, caveats, computed_at)
    return _gain_evidence(summary, n, caveats, computed_at)


def _performance_evidence(summary: dict, n: int, caveats: list[str], computed_at) -> MomentEvidence:
    meeting = int(summary.get("meeting") or 0)
    share = wilson_interval(meeting, n)
    percent = 100 * meeting / n
    threshold = _score(_number(summary.get("threshold")))
    target = _percent(_number(summary.get("target_percent")))
    measure = summary.get("measure") or _("the goal's measure")
    low, high = 100 * share.low, 100 * share.high
    headline = _(
        "%(percent)s of %(n)d focus students reached %(threshold)s or above on %(measure)s "
        "(target %(target)s)."
    ) % {
        "percent": _percent(percent),
        "n": n,
        "threshold": threshold,
        "measure": measure,
        "target": target,
    }
    figures = [
        Figure(
            _("Focus students at %(threshold)s or above") % {"threshold": threshold},
            _percent(percent),
            n=n,
            ci=_ci(low, high, _percent),
        ),
        Figure(_("Students at or above the threshold"), str(meeting), n=n),
        Figure(_("Target share"), target),
    ]
    caveats = [
        *caveats,
        _(
            "The share is counted at the final occasion only: on its own it does not show how "
            "much students grew, nor that the strategies caused it."
        ),
    ]
    return MomentEvidence(
        headline=headline,
        method=_(
            "Share of focus students with a final score at or above the threshold, "
            "with a 95% Wilson interval."
        ),
        figures=figures,
        caveats=caveats,
        computed_at=computed_at,
    )


def _gain_evidence(summary: dict, n: int, caveats: list[str], computed_at) -> MomentEvidence:
    if "d_av" in summary:
        return _growth_evidence(summary, n, caveats, computed_at)
    # A moment recorded before growth was judged against the expected: its mean gain.
    gain = _number(summary.get("mean_gain"))
    low, high = _number(summary.get("ci_low")), _number(summary.get("ci_high"))
    before, after = _number(summary.get("mean_baseline")), _number(summary.get("mean_final"))
    measure = summary.get("measure") or _("the cycle's measure")
    headline = _(
        "The focus group's mean score on %(measure)s changed by %(gain)s (95%% CI %(ci)s), "
        "for %(n)d students with a baseline and a final score."
    ) % {
        "measure": measure,
        "gain": _decimal(gain),
        "ci": _ci(low, high) or _("not available"),
        "n": n,
    }
    figures = [
        Figure(_("Mean at baseline"), _decimal(before), n=n),
        Figure(_("Mean at the final occasion"), _decimal(after), n=n),
        Figure(_("Mean gain"), _decimal(gain), n=n, ci=_ci(low, high)),
    ]
    return MomentEvidence(
        headline=headline,
        method=_(
            "Paired t interval of the mean gain, baseline to final (students with both scores)."
        ),
        figures=figures,
        caveats=caveats,
        computed_at=computed_at,
    )


def _growth_evidence(summary: dict, n: int, caveats: list[str], computed_at) -> MomentEvidence:
    """Growth (d_av) with its likely range, beside the growth expected over the cycle."""
    d_av = _number(summary.get("d_av"))
    low, high = _number(summary.get("ci_low")), _number(summary.get("ci_high"))
    expected = _number(summary.get("expected_growth"))
    before, after = _number(summary.get("mean_baseline")), _number(summary.get("mean_final"))
    measure = summary.get("measure") or _("the cycle's measure")
    headline = _(
        "On %(measure)s the focus group grew %(growth)s (likely range %(ci)s) against "
        "%(expected)s expected over the cycle's weeks, for %(n)d students with a baseline "
        "and a final score."
    ) % {
        "measure": measure,
        "growth": _decimal(d_av),
        "ci": _ci(low, high) or _("not available"),
        "expected": _decimal(expected),
        "n": n,
    }
    figures = [
        Figure(_("Mean at baseline"), _decimal(before), n=n),
        Figure(_("Mean at the final occasion"), _decimal(after), n=n),
        Figure(_("Mean gain (points)"), _decimal(_number(summary.get("mean_gain"))), n=n),
        Figure(_("Growth (standardised)"), _decimal(d_av), n=n, ci=_ci(low, high)),
        Figure(_("Growth expected over the cycle"), _decimal(expected)),
    ]
    return MomentEvidence(
        headline=headline,
        method=_(
            "Pre/post effect d_av (mean gain over the average of the two standard deviations, "
            "with its interval at 95%), against the 0.40-a-year reference prorated to the "
            "cycle's weeks."
        ),
        figures=figures,
        caveats=caveats,
        computed_at=computed_at,
    )


# --- the reflection ---------------------------------------------------------------


@dataclass(frozen=True)
class ReflectionSection:
    prompt: str
    answer: str


def reflection_sections(snapshot: dict[str, str] | None) -> list[ReflectionSection]:
    """The snapshot's answers under each prompt, in the prompts' order and the reader's
    language. An answer stored under no known prompt comes back untitled."""
    snapshot = snapshot or {}
    out = []
    for name in (*Reflection.PROMPTS, *(k for k in snapshot if k not in Reflection.PROMPTS)):
        answer = str(snapshot.get(name) or "").strip()
        if not answer:
            continue
        known = name in Reflection.PROMPTS
        prompt = str(Reflection._meta.get_field(name).verbose_name) if known else ""
        out.append(ReflectionSection(prompt=prompt, answer=answer))
    return out


# --- the story ----------------------------------------------------------------------


@dataclass(frozen=True)
class StoryMember:
    name: str
    role: str


@dataclass(frozen=True)
class StoryStrategy:
    name: str
    description: str
    look_fors: list[str]
    used_by_every_member: bool
    decision: str
    decision_note: str
    team_note: str


@dataclass(frozen=True)
class StoryMilestone:
    title: str
    owner: str
    due_date: Any
    done: bool


@dataclass(frozen=True)
class CycleStory:
    moment: MasteryMoment
    cycle: InquiryCycle
    school: School
    names_shown: bool
    members: list[StoryMember]
    focus: str
    focus_size: GroupSize
    comparison: str
    performance_goal: str
    strategies: list[StoryStrategy]
    milestones: list[StoryMilestone]
    evidence: MomentEvidence
    caveats: list[str]
    reflection: list[ReflectionSection]
    #: The goal as it stands now, when it changed after the start (the verdict judged
    #: :attr:`performance_goal`, the goal the cycle started with).
    goal_now: str = ""
    #: Why the goal changed after the start, in the order it happened.
    goal_change_reasons: list[str] = field(default_factory=list)

    @property
    def grade_text(self) -> str:
        return grade_words(self.moment.evidence_grade)

    @property
    def filename(self) -> str:
        return story_filename(self.moment)


def story_filename(moment: MasteryMoment) -> str:
    slug = slugify(moment.cycle.title)[:80].strip("-") or "cycle"
    return f"cycle-story-{slug}-{moment.pk}.pdf"


def cycle_story(user: Any, moment: MasteryMoment) -> CycleStory:
    """Everything the story page and the PDF show, for a moment read through ``access_moment``."""
    cycle = moment.cycle
    team = cycle.team
    school = team.school
    names = can_see_story_names(user, school)
    memberships = (
        team.memberships.filter(user__status=Status.ACTIVE, user__is_active=True)
        .select_related("user")
        .order_by("role", "user__last_name", "user__first_name")
    )
    members = [
        StoryMember(name=str(m.user) if names else "", role=m.get_role_display())
        for m in memberships
    ]
    evidence = moment_evidence(moment)
    return CycleStory(
        moment=moment,
        cycle=cycle,
        school=school,
        names_shown=names,
        members=members,
        focus=group_describe(cycle.focus),
        focus_size=student_count(group_students(cycle.focus, school=school).count()),
        comparison="" if group_is_empty(cycle.comparison) else group_describe(cycle.comparison),
        performance_goal=_performance_goal(cycle, moment.evidence_summary or {}),
        strategies=_strategies(cycle),
        milestones=_milestones(cycle, names),
        evidence=evidence,
        caveats=_caveats(cycle, evidence),
        reflection=reflection_sections(moment.reflection),
        goal_now=_goal_now(moment.evidence_summary or {}),
        goal_change_reasons=list(cycle.goal_changes.values_list("reason", flat=True)),
    )


def _goal_now(summary: dict) -> str:
    """The changed goal kept beside the judged one in the snapshot, in words."""
    now = summary.get("goal_now") or {}
    if not now:
        return ""
    if now.get("target_percent") is None:
        return _("no performance goal")
    return _("%(target)s of focus students at %(threshold)s or above on %(measure)s") % {
        "target": _percent(_number(now.get("target_percent"))),
        "threshold": _score(_number(now.get("threshold"))),
        "measure": now.get("measure") or "",
    }


def _performance_goal(cycle: InquiryCycle, summary: dict) -> str:
    """The goal as it stood at closing (the snapshot), else as the cycle states it."""
    if summary.get("rule") == PERFORMANCE_GOAL and summary.get("target_percent") is not None:
        target = _number(summary.get("target_percent"))
        threshold = _number(summary.get("threshold"))
        measure = summary.get("measure") or ""
    elif cycle.has_performance_goal:
        target = float(cycle.performance_target_percent)
        threshold = float(cycle.performance_threshold)
        measure = cycle.performance_measure.name
    else:
        return ""
    return _("%(target)s of focus students at %(threshold)s or above on %(measure)s") % {
        "target": _percent(target),
        "threshold": _score(threshold),
        "measure": measure,
    }


def _strategies(cycle: InquiryCycle) -> list[StoryStrategy]:
    reflection = Reflection.objects.filter(cycle=cycle).first()
    notes = reflection.strategy_notes if reflection else {}
    uses = cycle.cycle_strategies.select_related("strategy").prefetch_related("strategy__look_fors")
    return [
        StoryStrategy(
            name=use.strategy.shown_name,
            description=use.strategy.shown_description,
            look_fors=[look_for.shown_text for look_for in use.strategy.look_fors.all()],
            used_by_every_member=use.used_by_every_member,
            decision=use.get_decision_display() if use.decision else "",
            decision_note=use.decision_note,
            team_note=notes.get(str(use.strategy_id), ""),
        )
        for use in uses
    ]


def _milestones(cycle: InquiryCycle, names: bool) -> list[StoryMilestone]:
    out = []
    for milestone in cycle.milestones.select_related("owner"):
        owner = milestone.owner
        shown = names and owner is not None and owner.status == Status.ACTIVE
        out.append(
            StoryMilestone(
                title=milestone.title,
                owner=str(owner) if shown else "",
                due_date=milestone.due_date,
                done=milestone.done,
            )
        )
    return out


def _caveats(cycle: InquiryCycle, evidence: MomentEvidence) -> list[str]:
    caveats = list(evidence.caveats)
    if cycle.focus_chosen_for_low_scores:
        caveats.append(
            _(
                "The focus students were chosen because they scored low, so part of their gain "
                "is regression to the mean: low scorers tend to score closer to average next time "
                "whatever the teaching."
            )
        )
    if group_is_empty(cycle.comparison):
        caveats.append(
            _(
                "The cycle had no comparison group: the evidence cannot separate the strategies' "
                "effect from ordinary growth."
            )
        )
    return list(dict.fromkeys(caveats))


# --- the PDF ------------------------------------------------------------------------


def static_file_for(url: str) -> str | None:
    """The file behind one of our static URLs under :data:`PDF_BASE_URL`, or None."""
    parts = urlsplit(url)
    base = urlsplit(PDF_BASE_URL)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        return None
    path = unquote(parts.path)
    if not path.startswith(PDF_STATIC_PATH):
        return None
    name = path[len(PDF_STATIC_PATH) :]
    if not name or posixpath.normpath(name) != name or name.startswith(("/", "..")):
        return None
    try:
        found = finders.find(name)
        if found:
            return str(found)
        if settings.STATIC_ROOT and staticfiles_storage.exists(name):
            return staticfiles_storage.path(name)
    except (SuspiciousFileOperation, NotImplementedError, ValueError):
        return None
    return None


def static_files_fetcher():
    """A WeasyPrint URL fetcher that serves our static files and refuses everything else."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class _Fetcher(URLFetcher):
        def fetch(self, url, headers=None):
            path = static_file_for(url)
            if path is None:
                logger.warning("Cycle story PDF: refused to fetch %s", url)
                raise ValueError(f"Only Efficacy's own static files may be fetched, not {url}")
            with open(path, "rb") as handle:
                body = handle.read()
            content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": content_type})

    return _Fetcher(allowed_protocols=("https",))


def pdf_static_url(name: str) -> str:
    """The address of static file ``name`` in the PDF's HTML (served by the fetcher)."""
    return PDF_BASE_URL.rstrip("/") + PDF_STATIC_PATH + name


def render_pdf(html: str) -> bytes:
    """The story's HTML as PDF bytes, with only our own static files reachable."""
    import weasyprint

    return weasyprint.HTML(
        string=html, base_url=PDF_BASE_URL, url_fetcher=static_files_fetcher()
    ).write_pdf()

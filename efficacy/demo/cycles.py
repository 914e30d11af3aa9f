"""A school year of inquiry cycles for Trillium Heights' five teams.

The cycles tell the story of the collective-efficacy research, one team each:

* **Grade 9 English** (the story's first semester, closed): inference in grade
  9 applied English. The team meets its performance goal (70% of applied
  students at 12 or more out of 20 on the common inference task), the
  applied–academic gap narrows by about a fifth, applied students outgrow
  academic students who started at the same score (the comparison-adjusted
  effect is positive), and the cycle becomes a published mastery moment.
* **Grade 9 Mathematics** (the story's first semester, closed): proportional
  reasoning. The students grow, but so do the academic classes; the goal is not
  met and the reflection says so, abandoning one strategy and adapting another.
  The team shares what it learned as a published learning story.
* **Science** (the story's second semester, implementing): claim, evidence and
  reasoning, with a baseline and one checkpoint entered; no comparison group,
  so the impact panel shows a pre/post effect and its caveat.
* **Student success** (the story's second semester, reviewing): work completion
  of applied students with an IEP; the reflection is half written, no decision
  yet.
* **Literacy across the curriculum** (planning): no means of monitoring and no
  prediction yet, so the purposeful-practice checklist shows; nothing is shared
  by every member, so the shared-work nudge shows.

Everything but the scores goes through the cycle services
(``efficacy.cycles.*.services``), acting as the team's lead, so the demo obeys
the product's rules. Scores are written in bulk (a service call per score would
take seconds), filed under the class the student is in and entered by that
class's teacher when the teacher is on the team, otherwise by the lead (the
service lets a lead enter any student's score). Values come from a numpy
Generator seeded by the demo's seed. Rubric levels are drawn with *exact*
shares per occasion, and the common tasks' scores of the two closed cycles with
an exact mean and spread (only who gets which score is random, ranked on a
latent ability so that a student's scores correlate across occasions), so their
goals and gaps hold for any seed; the reflections quote the numbers computed
from the scores themselves.

Why a 20-point task and not the four-level rubric for the showcase: with groups
that start far apart (applied and academic), the ANCOVA-adjusted effect is
positive only when students' scores keep their order from baseline to final
(a within-group slope near 1), and at 72 and 84 students its interval clears 0
only above about 0.3. Four levels lose too much of that order: no shares of
levels narrowing the gap by a fifth reach it, even with almost no day-to-day
noise.

The dates below are the story's script, the 2026–2027 school year as it stood on
28 April 2027; :mod:`efficacy.demo.timeline` places each of them in the school year
under way on the day the demo is built, so that nothing happened after that day.
Built between late November and mid-March, both semesters of the story run in the
year's semester 1. Occasions are named after the month they fall in once placed, and
the texts speak of baselines, checkpoints and finals rather than of months.

Teams are found by name and classes by course and semester, so another seed's
timetable works too. The cycles four of these teams closed the year before are
:mod:`efficacy.demo.last_year`'s.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np
from django.db.models import Q
from django.utils import timezone

from efficacy.cycles.models import (
    CycleStatus,
    CycleStrategy,
    InquiryCycle,
    MasteryMoment,
    Measure,
    Occasion,
    Reflection,
    Score,
    StatusChange,
    Strategy,
)
from efficacy.cycles.plan.selectors import cycle_population
from efficacy.cycles.plan.services import (
    cycle_advance,
    cycle_create,
    cycle_start,
    cycle_strategies_set,
    cycle_strategy_decide,
    cycle_update,
    measure_create,
    milestone_create,
    milestone_set_done,
    occasion_create,
)
from efficacy.cycles.stories.services import (
    cycle_close,
    learning_story_create,
    mastery_moment_publish,
    reflection_save,
)
from efficacy.demo.district import PREFIX, session_sourced_id
from efficacy.demo.teams import TEAMS
from efficacy.demo.timeline import Timeline
from efficacy.roster.models import (
    AcademicSession,
    Enrollment,
    School,
    SchoolClass,
    Status,
    Team,
    TeamMembership,
    User,
)

SCHOOL = f"{PREFIX}th-school"
# Scores of absent students are missing at checkpoints (never at baseline or
# final, so the pre/post pairs and the gap use every student).
ABSENT_AT_CHECKPOINT = 0.04
# Spread of a student's day-to-day performance around their latent ability,
# relative to the spread of abilities: levels correlate about 0.7 across occasions.
NOISE = 0.65
# A common task the team marks and moderates together varies less: its scores
# correlate about 0.85 across occasions.
MODERATED_NOISE = 0.4

# The library strategies the teams choose, by slug.
CRITERIA = "learning-intentions-success-criteria"
THINK = "what-makes-you-think-that"
CHUNKING = "chunking-high-interest-text"
WONDER = "know-wonder-chart"
FEEDBACK = "effective-feedback"
SUPPORT = "responsive-differentiated-support"
LITERACY = "cross-curricular-literacy"


@dataclass(frozen=True)
class DemoTeam:
    team: Team
    lead: User
    members: list[User]  # teaching members, lead first; the coach is left out

    def member(self, index: int) -> User:
        """A teaching member, wrapping round a small team."""
        return self.members[index % len(self.members)]


@dataclass(frozen=True)
class Roster:
    """A group's students (database ids, in sourced-id order) with the class each is scored in."""

    students: list[int]
    classes: list[int]


#: What a team did while its cycle was under way (rounds, meetings, the implementation
#: log: :mod:`efficacy.demo.practice`), given the story's key, the team and the cycle.
Practice = Callable[[str, "DemoTeam", InquiryCycle], None]


def demo_cycles_build(
    *, seed: int, timeline: Timeline, practice: Practice | None = None
) -> list[InquiryCycle]:
    """Build the demo school's cycles (after the roster and teams exist), their dates
    placed by ``timeline`` in the school year the roster's sessions are. ``practice``
    adds each started cycle's practice once its evidence is in and before the team
    reflects: the practice services write only to an open cycle."""
    school = School.objects.get(sourced_id=SCHOOL)
    terms = {
        n: AcademicSession.objects.get(sourced_id=session_sourced_id(timeline.year, n))
        for n in (1, 2)
    }
    rng = np.random.default_rng([seed, 9])  # its own stream, apart from the roster's
    teams = _teams(school)
    builder = _Builder(school=school, terms=terms, rng=rng, timeline=timeline, practice=practice)
    stories = {
        "grade-9-english": builder.english,
        "grade-9-mathematics": builder.mathematics,
        "science": builder.science,
        "student-success": builder.student_success,
        "literacy": builder.literacy,
    }
    return [build(teams[key]) for key, build in stories.items() if key in teams]


def _teams(school: School) -> dict[str, DemoTeam]:
    by_name = {t.name: t for t in Team.objects.filter(school=school)}
    out = {}
    for key, spec in TEAMS.items():
        team = by_name.get(spec.name)
        if team is None:
            continue
        memberships = list(
            team.memberships.select_related("user").order_by("user__sourced_id", "pk")
        )
        lead = next(m.user for m in memberships if m.role == TeamMembership.TeamRole.LEAD)
        teaching = [
            m.user
            for m in memberships
            if m.role == TeamMembership.TeamRole.MEMBER and m.user_id != lead.pk
        ]
        out[key] = DemoTeam(team=team, lead=lead, members=[lead, *teaching])
    return out


def _strategies(slugs: Sequence[str]) -> dict[str, int]:
    """The library strategies' ids by slug."""
    return dict(Strategy.objects.filter(school=None, slug__in=slugs).values_list("slug", "pk"))


# Occasion names are data written in English, like the rest of the story.
MONTHS = calendar.month_name


def _month(occasion: Occasion) -> str:
    """The month the occasion falls in."""
    return MONTHS[occasion.date.month] if occasion.date is not None else ""


def _at(day: dt.date, hour: int = 15) -> dt.datetime:
    """An aware datetime on ``day`` after school, for the cycle's history."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 30)))


class _Builder:
    def __init__(
        self,
        *,
        school: School,
        terms: dict[int, AcademicSession],
        rng: np.random.Generator,
        timeline: Timeline,
        practice: Practice | None = None,
    ):
        self.school = school
        self.terms = terms
        self.rng = rng
        self.timeline = timeline
        self._practice = practice

    def practice(self, key: str, t: DemoTeam, cycle: InquiryCycle) -> None:
        """The team's rounds, meetings and log of ``cycle``, while it is open."""
        if self._practice is not None:
            self._practice(key, t, cycle)

    def on(self, script: dt.date) -> dt.date:
        """The real date of a date of the script."""
        return self.timeline.day(script)

    def term(self, script_semester: int) -> AcademicSession:
        """The semester in which the script's semester runs."""
        return self.terms[self.timeline.semester(script_semester)]

    # --- the roster -----------------------------------------------------------

    def classes(self, codes: Sequence[str], semester: int, team: DemoTeam) -> list[int]:
        """Classes of ``codes`` in the script's ``semester`` taught by the team; all of them
        if none is."""
        classes = SchoolClass.objects.filter(
            school=self.school, course__course_code__in=codes, terms=self.term(semester)
        )
        mine = classes.filter(
            enrollments__role=Enrollment.EnrollmentRole.TEACHER,
            enrollments__status=Status.ACTIVE,
            enrollments__staff__in=team.members,
        ).distinct()
        chosen = mine if mine.exists() else classes
        return list(chosen.order_by("sourced_id").values_list("pk", flat=True))

    def roster(self, students: frozenset[int], classes: list[int]) -> Roster:
        """Each student of the group with one of ``classes`` they are in: the one with
        the fewest students so far, so that every teacher's classes get evidence."""
        rows = (
            Enrollment.objects.filter(
                school_class_id__in=classes,
                student_id__in=students,
                role=Enrollment.EnrollmentRole.STUDENT,
                status=Status.ACTIVE,
            )
            .order_by("student__sourced_id", "school_class__sourced_id")
            .values_list("student_id", "school_class_id")
        )
        candidates: dict[int, list[int]] = {}
        for student_id, class_id in rows:
            candidates.setdefault(student_id, []).append(class_id)
        filed: dict[int, int] = dict.fromkeys(classes, 0)
        chosen = []
        for options in candidates.values():
            class_id = min(options, key=lambda c: filed[c])  # ties: the first option
            filed[class_id] += 1
            chosen.append(class_id)
        return Roster(students=list(candidates), classes=chosen)

    def groups(self, cycle: InquiryCycle, classes: list[int]) -> tuple[Roster, Roster]:
        population = cycle_population(cycle)
        return self.roster(population.focus, classes), self.roster(population.comparison, classes)

    # --- evidence -------------------------------------------------------------

    def latent(self, roster: Roster) -> np.ndarray:
        return self.rng.standard_normal(len(roster.students))

    def levels(self, latent: np.ndarray, shares: Sequence[float], low: int = 1) -> np.ndarray:
        """Rubric levels ``low``, ``low + 1``... in exactly these shares (largest remainder),
        given to students by rank of their latent ability plus the day's noise."""
        counts = _counts(shares, len(latent))
        noisy = latent + NOISE * self.rng.standard_normal(len(latent))
        values = np.empty(len(latent))
        values[np.argsort(noisy, kind="stable")] = np.repeat(
            np.arange(low, low + len(shares), dtype=float), counts
        )
        return values

    def spread(
        self, latent: np.ndarray, mean: float, sd: float, low: float, high: float
    ) -> np.ndarray:
        """Whole scores from ``low`` to ``high`` with exactly this mean and spread: the
        quantiles of a normal distribution (rounded), given to students by rank of their
        latent ability plus the smaller noise of a task the team marks together."""
        n = len(latent)
        normal = NormalDist(mean, sd)
        quantiles = np.array([normal.inv_cdf((i + 0.5) / n) for i in range(n)])
        noisy = latent + MODERATED_NOISE * self.rng.standard_normal(n)
        values = np.empty(n)
        values[np.argsort(noisy, kind="stable")] = np.clip(np.rint(quantiles), low, high)
        return values

    def points(
        self, latent: np.ndarray, mean: float, sd: float, low: float, high: float
    ) -> np.ndarray:
        noisy = (latent + NOISE * self.rng.standard_normal(len(latent))) / np.hypot(1, NOISE)
        return np.clip(np.rint(mean + sd * noisy), low, high)

    def absent(self, roster: Roster, occasion: Occasion) -> np.ndarray:
        """Who missed the occasion: nobody at baseline or final."""
        if occasion.kind != Occasion.Kind.CHECKPOINT:
            return np.zeros(len(roster.students), dtype=bool)
        return self.rng.random(len(roster.students)) < ABSENT_AT_CHECKPOINT

    def scores(
        self,
        team: DemoTeam,
        measure: Measure,
        occasion: Occasion,
        roster: Roster,
        values: np.ndarray,
    ) -> None:
        """Write one occasion's scores of a group in bulk (NaN: absent, no score)."""
        teachers = dict(
            Enrollment.objects.filter(
                school_class_id__in=set(roster.classes),
                role=Enrollment.EnrollmentRole.TEACHER,
                status=Status.ACTIVE,
            )
            .order_by("primary", "pk")  # the last pair written wins: the primary teacher
            .values_list("school_class_id", "staff_id")
        )
        on_team = {u.pk for u in team.members}
        Score.objects.bulk_create(
            Score(
                measure=measure,
                occasion=occasion,
                student_id=student_id,
                school_class_id=class_id,
                value=float(value),
                entered_by_id=(
                    teachers[class_id] if teachers.get(class_id) in on_team else team.lead.pk
                ),
            )
            for student_id, class_id, value in zip(
                roster.students, roster.classes, values, strict=True
            )
            if not np.isnan(value)
        )

    def occasion_scores(
        self,
        team: DemoTeam,
        measure: Measure,
        occasion: Occasion,
        roster: Roster,
        values: np.ndarray,
    ) -> np.ndarray:
        values = np.where(self.absent(roster, occasion), np.nan, values)
        self.scores(team, measure, occasion, roster, values)
        return values

    def evidence(
        self,
        team: DemoTeam,
        measure: Measure,
        occasions: Sequence[Occasion],
        rosters: dict[str, Roster],
        params: dict[str, Sequence[Any]],
        draw: Callable[[np.ndarray, Any], np.ndarray],
    ) -> dict[str, list[np.ndarray]]:
        """Each group's scores at each occasion, ``draw(latent, param)`` with the group's
        ``params`` in occasion order (absent students: NaN); written, and returned by group."""
        results = {}
        for name, roster in rosters.items():
            latent = self.latent(roster)
            results[name] = [
                self.occasion_scores(team, measure, occasion, roster, draw(latent, param))
                for occasion, param in zip(occasions, params[name], strict=True)
            ]
        return results

    # --- the cycles -----------------------------------------------------------

    def english(self, t: DemoTeam) -> InquiryCycle:
        lead = t.lead
        focus_classes = self.classes(["ENG1P"], 1, t)
        comparison_classes = self.classes(["ENG1D"], 1, t)
        cycle, measure, occasions = self.plan(
            t,
            title="Inference in grade 9 applied English",
            problem_of_practice=(
                "Our grade 9 applied students can retell what they read, but they struggle to "
                "infer: to read between the lines and back an idea up with evidence from the "
                "text. On last June's exam their inference questions scored well below the "
                "academic classes', and the same students told us reading 'is just finding "
                "answers'."
            ),
            focus={"grades": ["9"], "pathways": ["applied"], "classes": focus_classes},
            comparison={"grades": ["9"], "pathways": ["academic"], "classes": comparison_classes},
            mastery_goal=(
                "Grade 9 applied students make inferences about characters, themes and an "
                "author's purpose, and justify each inference with evidence from the text."
            ),
            specific_focus=(
                "Justified inference: a student states an inference and supports it with two "
                "pieces of evidence from the text, in a short written response to a "
                "high-interest text."
            ),
            plan=(
                "Week 1: co-construct success criteria for a strong inference with each class, "
                "from anonymous samples. Every lesson: ask “What makes you think that?” until "
                "students justify out loud. Twice a week: a chunked high-interest text with a "
                "pause for an inference at each chunk. Each checkpoint: one peer observation "
                "per teacher and a moderation meeting on ten scripts."
            ),
            monitoring=(
                "A common inference task in every grade 9 English class, applied and academic, "
                "at a baseline, two checkpoints and a final: a short high-interest text and "
                "four questions, each marked out of 5 with the four-level inference rubric "
                "(out of 20). We moderate ten scripts together each time so a mark means the "
                "same in every class."
            ),
            prediction=(
                "If every one of us teaches with co-constructed success criteria and asks "
                "“What makes you think that?” every day, at least 70% of our applied students "
                "will score 12 or more out of 20 on the final task (a justified inference on "
                "most questions), and the gap to the academic classes will narrow, because "
                "students will know what a justified inference looks like and practise it daily."
            ),
            start_date=dt.date(2026, 9, 14),
            end_date=dt.date(2027, 1, 22),
            measure={"name": "Inference task", "min_score": 0, "max_score": 20},
            occasions=[
                ("Baseline", "baseline", dt.date(2026, 9, 18)),
                ("Checkpoint 1", "checkpoint", dt.date(2026, 10, 23)),
                ("Checkpoint 2", "checkpoint", dt.date(2026, 12, 4)),
                ("Final", "final", dt.date(2027, 1, 15)),
            ],
            goal=(12, 70),
            strategies=[CRITERIA, THINK, CHUNKING, WONDER],
            shared=[CRITERIA, THINK],
            milestones=[
                ("Co-construct inference success criteria with every class", 0, (2026, 9, 25)),
                ("Moderate ten baseline scripts together", 1, (2026, 9, 30)),
                ("Peer observation round: “What makes you think that?”", 2, (2026, 11, 6)),
                ("Moderate the second checkpoint", 1, (2026, 12, 11)),
                ("Present the cycle story at the staff meeting", 0, (2027, 1, 29)),
            ],
            done=5,
        )
        cycle_start(user=lead, cycle=cycle)

        focus, comparison = self.groups(cycle, focus_classes + comparison_classes)
        # Mean and spread of the task (out of 20) at each occasion. Applied students
        # start 3.2 points (about 1.75 SD) below academic ones and end 2.5 below: the gap
        # narrows by a fifth. Both groups spread out as the stronger readers take off,
        # so students keep their order and applied students outgrow academic students
        # who started at the same score (the ANCOVA-adjusted effect is about +0.4).
        params = {
            "focus": [(9.0, 1.8), (10.3, 2.0), (11.8, 2.3), (13.0, 2.5)],
            "comparison": [(12.2, 1.8), (13.0, 2.0), (14.4, 2.3), (15.55, 2.5)],
        }
        results = self.evidence(
            t,
            measure,
            occasions,
            {"focus": focus, "comparison": comparison},
            params,
            lambda latent, param: self.spread(latent, param[0], param[1], 0, 20),
        )
        self.practice("grade-9-english", t, cycle)

        f_base, f_final = results["focus"][0], results["focus"][-1]
        c_base, c_final = results["comparison"][0], results["comparison"][-1]
        gap_base = np.nanmean(c_base) - np.nanmean(f_base)
        gap_final = np.nanmean(c_final) - np.nanmean(f_final)
        numbers = {
            "base12": _percent_at_least(f_base, 12),
            "final12": _percent_at_least(f_final, 12),
            "base_month": _month(occasions[0]),
            "final_month": _month(occasions[-1]),
            "gap_base": gap_base,
            "gap_final": gap_final,
            "narrowed": 100 * (gap_base - gap_final) / gap_base,
            "f_gain": np.nanmean(f_final) - np.nanmean(f_base),
            "c_gain": np.nanmean(c_final) - np.nanmean(c_base),
        }
        self.reflect(
            t,
            cycle,
            strategy_impact=(
                "Co-constructed success criteria gave every class the same picture of a "
                "justified inference; students quoted them in peer feedback by the first "
                "checkpoint. "
                "Asking “What makes you think that?” did the most: we heard students justify "
                "without being asked by the second checkpoint, and the observation notes show "
                "it in every "
                "room. Chunking a high-interest text helped the weakest readers start; the "
                "know/wonder chart took lesson time and we saw no link to inference."
            ),
            understanding=(
                "{base12:.0f}% of our applied students scored 12 or more out of 20 at the "
                "baseline, in {base_month}, and {final12:.0f}% at the final, in {final_month}. "
                "Their written justifications now "
                "cite the text instead of retelling it. Students still below 12 infer well out "
                "loud but lose the evidence when they write."
            ).format(**numbers),
            continue_change_stop=(
                "Continue the success criteria and the daily question in every grade 9 class. "
                "Change the chunked texts: longer chunks for stronger readers. Stop the "
                "know/wonder chart in this unit. Next cycle: the written step from a spoken "
                "justification to a written one."
            ),
            years_growth=(
                "Both groups grew, so we read the comparison rather than the 0.40 hinge: "
                "applied students gained {f_gain:.1f} points and academic students "
                "{c_gain:.1f}. The gap narrowed from {gap_base:.1f} to {gap_final:.1f} points, "
                "about {narrowed:.0f}% narrower, and applied students grew more than academic "
                "students who started at the same score. The academic classes grew too, so "
                "not all of the growth is our strategies."
            ).format(**numbers),
            strategy_notes={
                CRITERIA: "Students quoted the criteria in peer feedback.",
                THINK: "Heard in every observed lesson by the second checkpoint.",
                CHUNKING: "Good entry point for the weakest readers.",
                WONDER: "No visible link to inference; lesson time lost.",
            },
            decisions={
                CRITERIA: ("adopt", "Every grade 9 English class, from the first week."),
                THINK: ("adopt", "Daily, and shared with the science team."),
                CHUNKING: ("adapt", "Longer chunks for stronger readers."),
                WONDER: ("abandon", "Keep it for research units, not for inference."),
            },
        )
        moment = cycle_close(user=lead, cycle=cycle)
        if moment is not None:  # the goal is met by construction; the test says so
            mastery_moment_publish(user=lead, moment=moment)
        self.backdate(
            cycle,
            {
                CycleStatus.PLANNING: dt.date(2026, 9, 2),
                CycleStatus.IMPLEMENTING: dt.date(2026, 9, 14),
                CycleStatus.REVIEWING: dt.date(2027, 1, 18),
                CycleStatus.CLOSED: dt.date(2027, 1, 27),
            },
        )
        return cycle

    def mathematics(self, t: DemoTeam) -> InquiryCycle:
        lead = t.lead
        focus_classes = self.classes(["MFM1P"], 1, t)
        comparison_classes = self.classes(["MPM1D"], 1, t)
        cycle, measure, occasions = self.plan(
            t,
            title="Proportional reasoning in grade 9 applied mathematics",
            problem_of_practice=(
                "Grade 9 applied students apply procedures for rates and ratios, but cannot "
                "tell when a situation is proportional, so unfamiliar problems defeat them."
            ),
            focus={"grades": ["9"], "pathways": ["applied"], "classes": focus_classes},
            comparison={"grades": ["9"], "pathways": ["academic"], "classes": comparison_classes},
            mastery_goal=(
                "Grade 9 applied students recognise proportional situations and solve them "
                "with a strategy they can explain (ratio table, unit rate or scale factor)."
            ),
            specific_focus=(
                "Deciding whether a situation is proportional, and explaining the choice, in "
                "problems set in contexts students have not practised."
            ),
            plan=(
                "Descriptive feedback on one proportional-reasoning task a week; a "
                "know/wonder chart to open each problem; small-group support for students "
                "below level on the baseline. A peer observation round after the checkpoint."
            ),
            monitoring=(
                "A common 20-point proportional-reasoning task in every grade 9 mathematics "
                "class, applied and academic, at a baseline, a checkpoint and a final."
            ),
            prediction=(
                "With weekly feedback and targeted support, 65% of our applied students will "
                "score 12 or more out of 20 on the final task."
            ),
            start_date=dt.date(2026, 9, 21),
            end_date=dt.date(2027, 1, 22),
            measure={"name": "Proportional reasoning task", "max_score": 20},
            occasions=[
                ("Baseline", "baseline", dt.date(2026, 9, 25)),
                ("Checkpoint", "checkpoint", dt.date(2026, 11, 13)),
                ("Final", "final", dt.date(2027, 1, 14)),
            ],
            goal=(12, 65),
            strategies=[FEEDBACK, WONDER, SUPPORT],
            shared=[FEEDBACK],
            milestones=[
                ("Write the common task and its marking scheme", 0, (2026, 9, 18)),
                ("Form support groups from the baseline", 1, (2026, 10, 2)),
                ("Peer observation round: feedback in the lesson", 2, (2026, 11, 20)),
                ("Mark the final task together", 0, (2027, 1, 19)),
            ],
            done=4,
        )
        cycle_start(user=lead, cycle=cycle)

        focus, comparison = self.groups(cycle, focus_classes + comparison_classes)
        # Mean and spread of the 20-point task per occasion: both groups grow alike (the
        # gap narrows by less than a tenth), so neither the goal nor the comparison-
        # adjusted effect (about 0, its interval well across it) credits the strategies.
        params = {
            "focus": [(8.5, 3.4), (9.6, 3.5), (10.7, 3.6)],
            "comparison": [(12.0, 3.4), (13.0, 3.5), (14.0, 3.6)],
        }
        results = self.evidence(
            t,
            measure,
            occasions,
            {"focus": focus, "comparison": comparison},
            params,
            lambda latent, param: self.spread(latent, param[0], param[1], 0, 20),
        )
        self.practice("grade-9-mathematics", t, cycle)

        f_base, f_final = results["focus"][0], results["focus"][-1]
        c_base, c_final = results["comparison"][0], results["comparison"][-1]
        numbers = {
            "final12": _percent_at_least(f_final, 12),
            "f_base": np.nanmean(f_base),
            "f_final": np.nanmean(f_final),
            "gap_base": np.nanmean(c_base) - np.nanmean(f_base),
            "gap_final": np.nanmean(c_final) - np.nanmean(f_final),
        }
        self.reflect(
            t,
            cycle,
            strategy_impact=(
                "Feedback helped when students could act on it in the same lesson, but most "
                "of ours came back a week later on marked tasks, too late to change anything. "
                "The know/wonder chart produced lists of facts, not proportional thinking. "
                "Small-group support helped the students who came to it."
            ),
            understanding=(
                "We did not meet our goal: {final12:.0f}% of our applied students scored 12 or "
                "more on the final task, against a target of 65%. Their mean rose from "
                "{f_base:.1f} to {f_final:.1f} out of 20, and they now solve recipe and scale "
                "problems, but they still reach for a procedure before asking whether the "
                "situation is proportional. The academic classes grew about as much: the gap went from "
                "{gap_base:.1f} to {gap_final:.1f} points."
            ).format(**numbers),
            continue_change_stop=(
                "Continue the small-group support. Change feedback: give it during the lesson, "
                "on the spot, with time to use it. Stop the know/wonder chart for this goal. "
                "Set the next target after the baseline, not before: 65% was a guess."
            ),
            years_growth=(
                "Not for these students, judged against the academic classes: they grew, but "
                "no faster than students who were not in the cycle, so we cannot claim our "
                "strategies made the difference. That is what we take into the next cycle."
            ),
            strategy_notes={
                FEEDBACK: "Came too late to act on.",
                WONDER: "Lists of facts, no reasoning.",
            },
            decisions={
                FEEDBACK: ("adapt", "Feedback in the lesson, with time to use it."),
                WONDER: ("abandon", "It did not lead to proportional thinking."),
                SUPPORT: ("adopt", "Keep the groups, re-formed after each checkpoint."),
            },
        )
        cycle_close(user=lead, cycle=cycle)
        # The goal was missed, and the team shares what it learned with the school.
        story = learning_story_create(user=lead, cycle=cycle)
        mastery_moment_publish(user=lead, moment=story)
        self.backdate(
            cycle,
            {
                CycleStatus.PLANNING: dt.date(2026, 9, 8),
                CycleStatus.IMPLEMENTING: dt.date(2026, 9, 21),
                CycleStatus.REVIEWING: dt.date(2027, 1, 15),
                CycleStatus.CLOSED: dt.date(2027, 1, 28),
            },
        )
        return cycle

    def science(self, t: DemoTeam) -> InquiryCycle:
        lead = t.lead
        focus_classes = self.classes(["SNC1P", "SNC1D", "SNC2P", "SNC2D"], 2, t)
        cycle, measure, occasions = self.plan(
            t,
            title="Claim, evidence, reasoning in grade 9 and 10 science",
            problem_of_practice=(
                "Students describe what happened in an investigation but rarely explain why: "
                "their lab conclusions state a result without evidence or a scientific idea."
            ),
            focus={"grades": ["9", "10"], "classes": focus_classes},
            mastery_goal=(
                "Grade 9 and 10 students write scientific explanations that make a claim, "
                "support it with evidence from their data and connect the two with a "
                "scientific idea."
            ),
            specific_focus=(
                "The reasoning step: connecting evidence to the claim with a scientific idea."
            ),
            plan=(
                "Teach claim–evidence–reasoning explicitly with co-constructed success "
                "criteria; model a written explanation each week using the literacy team's "
                "reading and writing routines; descriptive feedback on one conclusion a week."
            ),
            monitoring=(
                "A common explanation rubric (four levels) on a short written conclusion at a "
                "baseline, two checkpoints and a final."
            ),
            prediction=(
                "If students see the reasoning step modelled every week and get feedback on "
                "it, most will reach level 3 by the final, because the missing step is taught, not "
                "assumed."
            ),
            start_date=dt.date(2027, 2, 8),
            end_date=dt.date(2027, 6, 4),
            measure={
                "name": "Scientific explanation rubric",
                "kind": "rubric",
                "min_score": 1,
                "max_score": 4,
            },
            occasions=[
                ("Baseline", "baseline", dt.date(2027, 2, 19)),
                ("Checkpoint 1", "checkpoint", dt.date(2027, 3, 26)),
                ("Checkpoint 2", "checkpoint", dt.date(2027, 4, 30)),
                ("Final", "final", dt.date(2027, 5, 28)),
            ],
            strategies=[CRITERIA, LITERACY, FEEDBACK],
            shared=[CRITERIA, LITERACY],
            milestones=[
                ("Agree on the explanation rubric and anchor samples", 0, (2027, 2, 12)),
                ("Moderate the baseline conclusions", 1, (2027, 2, 26)),
                ("Peer observation round: modelling the reasoning step", 2, (2027, 4, 16)),
                ("Moderate the second checkpoint", 3, (2027, 5, 7)),
            ],
            done=3,
        )
        cycle_start(user=lead, cycle=cycle)
        focus, _comparison = self.groups(cycle, focus_classes)
        # Only the baseline and the first checkpoint are in so far.
        shares = {"focus": [[0.30, 0.45, 0.20, 0.05], [0.20, 0.45, 0.28, 0.07]]}
        self.evidence(t, measure, occasions[:2], {"focus": focus}, shares, self.levels)
        self.practice("science", t, cycle)
        self.backdate(
            cycle,
            {
                CycleStatus.PLANNING: dt.date(2027, 2, 1),
                CycleStatus.IMPLEMENTING: dt.date(2027, 2, 8),
            },
        )
        return cycle

    def student_success(self, t: DemoTeam) -> InquiryCycle:
        lead = t.lead
        classes = self.classes_of_team(t, semester=2, course_types="PO")
        cycle, measure, occasions = self.plan(
            t,
            title="Getting work in: applied students with an IEP",
            problem_of_practice=(
                "Students with an IEP in applied courses fall behind on assignments by "
                "midterm and then stop handing work in; missing work, not failed work, costs "
                "them their credits."
            ),
            focus={"pathways": ["applied"], "attributes": {"iep": True}, "classes": classes},
            comparison={"pathways": ["applied"], "attributes": {"iep": False}, "classes": classes},
            mastery_goal=(
                "Applied students with an IEP plan their work in chunks, ask for help early "
                "and hand in their assignments."
            ),
            specific_focus=(
                "Breaking each assignment into checkpoints with the student, and checking in "
                "at the first missed checkpoint rather than at the deadline."
            ),
            plan=(
                "Every member co-plans assignment checkpoints with each focus student; "
                "guidance checks in within two days of a missed checkpoint; chunked texts and "
                "success criteria on every assignment sheet."
            ),
            monitoring=(
                "The share of assignments each student handed in on time, from each "
                "member's markbook, at a baseline, a checkpoint and a final."
            ),
            prediction=(
                "Half of the focus students will hand in at least 80% of their work on time by "
                "the final count, because the first missed checkpoint will trigger help "
                "instead of a zero."
            ),
            start_date=dt.date(2027, 2, 8),
            end_date=dt.date(2027, 4, 30),
            measure={"name": "Work handed in on time (%)", "max_score": 100},
            occasions=[
                ("Baseline", "baseline", dt.date(2027, 2, 12)),
                ("Checkpoint", "checkpoint", dt.date(2027, 3, 12)),
                ("Final", "final", dt.date(2027, 4, 23)),
            ],
            goal=(80, 50),
            strategies=[SUPPORT, CHUNKING, CRITERIA],
            shared=[SUPPORT],
            milestones=[
                ("Meet each focus student to plan checkpoints", 0, (2027, 2, 19)),
                ("Check-in routine for a missed checkpoint agreed", 1, (2027, 2, 26)),
                ("Review the checkpoint numbers together", 2, (2027, 3, 19)),
                ("Share what worked with the applied-course teachers", 0, (2027, 5, 14)),
            ],
            done=3,
        )
        cycle_start(user=lead, cycle=cycle)
        focus, comparison = self.groups(cycle, classes)
        means = {"focus": (56, 66, 74), "comparison": (78, 80, 81)}
        self.evidence(
            t,
            measure,
            occasions,
            {"focus": focus, "comparison": comparison},
            means,
            lambda latent, mean: self.points(latent, mean, 16, 0, 100),
        )
        self.practice("student-success", t, cycle)
        self.reflect(
            t,
            cycle,
            strategy_impact=(
                "Co-planned checkpoints made missing work visible weeks before a deadline; "
                "the two-day check-in is what students mention when we ask what helped."
            ),
            understanding=(
                "More focus students hand work in, but some hand in incomplete work to meet "
                "a checkpoint. We still need to look at the quality of what comes in."
            ),
        )
        self.backdate(
            cycle,
            {
                CycleStatus.PLANNING: dt.date(2027, 2, 1),
                CycleStatus.IMPLEMENTING: dt.date(2027, 2, 8),
                CycleStatus.REVIEWING: dt.date(2027, 4, 26),
            },
        )
        return cycle

    def literacy(self, t: DemoTeam) -> InquiryCycle:
        classes = self.classes_of_team(t, semester=2, course_types="COM")
        cycle, _measure, _occasions = self.plan(
            t,
            title="Reading informational texts in every subject",
            problem_of_practice=(
                "College-pathway students skip the reading in subjects other than English: "
                "manuals, sources, instructions and case studies. They wait for the teacher "
                "to explain instead."
            ),
            focus={"pathways": ["college"], "classes": classes},
            mastery_goal=(
                "College-pathway students read an informational text in any subject and "
                "summarise its main idea with two supporting details."
            ),
            specific_focus=(
                "Finding the main idea of a text in one's subject: headings, topic sentences "
                "and the key vocabulary of the subject."
            ),
            plan=(
                "Each member teaches one reading routine a week in their subject, from the "
                "cross-curricular literacy strategy; a know/wonder chart opens each new text."
            ),
            start_date=dt.date(2027, 5, 10),
            end_date=dt.date(2027, 6, 11),
            strategies=[LITERACY, WONDER],
            milestones=[
                ("Choose a common reading task for every subject", 0, (2027, 4, 30)),
                ("Borrow the science team's moderation routine", 1, (2027, 5, 7)),
            ],
            done=0,
        )
        self.backdate(cycle, {CycleStatus.PLANNING: dt.date(2027, 3, 22)})
        return cycle

    # --- helpers ----------------------------------------------------------------

    def plan(
        self,
        t: DemoTeam,
        *,
        measure: dict[str, Any] | None = None,
        occasions: Sequence[tuple[str, str, dt.date]] = (),
        goal: tuple[float, float] | None = None,
        strategies: Sequence[str],
        shared: Sequence[str] = (),
        milestones: list[tuple[str, int, tuple[int, int, int]]],
        done: int,
        **fields: Any,
    ) -> tuple[InquiryCycle, Measure | None, list[Occasion]]:
        """Plan a cycle as its lead does: the cycle (``fields``), its measure and occasions
        (each named by its label and the month it falls in), the performance goal
        (threshold and target percent of ``measure``), the strategies (slugs; ``shared``:
        those every member uses) and the milestones. Dates are the script's."""
        lead = t.lead
        for name in ("start_date", "end_date"):
            if name in fields:
                fields[name] = self.on(fields[name])
        cycle = cycle_create(user=lead, team=t.team, **fields)
        created = None if measure is None else measure_create(user=lead, cycle=cycle, **measure)
        dated = []
        for label, kind, script in occasions:
            date = self.on(script)
            name = f"{label} ({MONTHS[date.month]})"
            dated.append(occasion_create(user=lead, cycle=cycle, name=name, kind=kind, date=date))
        if goal is not None:
            threshold, target = goal
            cycle_update(
                user=lead,
                cycle=cycle,
                performance_measure=created,
                performance_threshold=threshold,
                performance_target_percent=target,
            )
        ids = _strategies(strategies)
        cycle_strategies_set(
            user=lead,
            cycle=cycle,
            strategy_ids=[ids[slug] for slug in strategies],
            shared_ids=[ids[slug] for slug in shared],
        )
        self.milestones(t, cycle, milestones, done=done)
        return cycle, created, dated

    def reflect(
        self,
        t: DemoTeam,
        cycle: InquiryCycle,
        *,
        strategy_notes: dict[str, str] | None = None,
        decisions: dict[str, tuple[str, str]] | None = None,
        **answers: str,
    ) -> None:
        """Move the cycle to reviewing and save the team's reflection; notes and
        decisions (decision, note) are keyed by strategy slug."""
        cycle_advance(user=t.lead, cycle=cycle)
        notes = None
        if strategy_notes is not None:
            ids = _strategies(list(strategy_notes))
            notes = {str(ids[slug]): note for slug, note in strategy_notes.items()}
        reflection_save(user=t.lead, cycle=cycle, strategy_notes=notes, **answers)
        if decisions is not None:
            self.decide(t, cycle, decisions)

    def classes_of_team(self, t: DemoTeam, *, semester: int, course_types: str) -> list[int]:
        """The classes the team's teaching members teach in the script's ``semester``, of courses of
        these types (the last letter of an Ontario course code: ``P`` applied, ``O`` open...)."""
        of_type = Q()
        for letter in course_types:
            of_type |= Q(course__course_code__endswith=letter)
        return list(
            SchoolClass.objects.filter(
                of_type,
                school=self.school,
                terms=self.term(semester),
                enrollments__role=Enrollment.EnrollmentRole.TEACHER,
                enrollments__status=Status.ACTIVE,
                enrollments__staff__in=t.members,
            )
            .distinct()
            .order_by("sourced_id")
            .values_list("pk", flat=True)
        )

    def milestones(
        self,
        t: DemoTeam,
        cycle: InquiryCycle,
        items: list[tuple[str, int, tuple[int, int, int]]],
        *,
        done: int,
    ) -> None:
        """Milestones (title, owner's index among the teaching members, the script's due
        date); the first ``done`` are done."""
        for index, (title, owner, due) in enumerate(items):
            milestone = milestone_create(
                user=t.lead,
                cycle=cycle,
                title=title,
                owner=t.member(owner),
                due_date=self.on(dt.date(*due)),
            )
            if index < done:
                milestone_set_done(user=t.member(owner), milestone=milestone, done=True)

    def decide(
        self, t: DemoTeam, cycle: InquiryCycle, decisions: dict[str, tuple[str, str]]
    ) -> None:
        """Adopt, adapt or abandon each strategy (``decisions`` by slug)."""
        strategies = CycleStrategy.objects.filter(cycle=cycle).select_related("cycle", "strategy")
        for cycle_strategy in strategies:
            decision, note = decisions[cycle_strategy.strategy.slug]
            cycle_strategy_decide(
                user=t.lead, cycle_strategy=cycle_strategy, decision=decision, note=note
            )

    def backdate(self, cycle: InquiryCycle, dates: dict[str, dt.date]) -> None:
        """Put the cycle's history on the story's dates (the script's, placed by the
        timeline), where the services stamped the moment of the build: status changes,
        the cycle and its measures, scores (entered on their occasion's day), the
        reflection and the story (dated, and its figures computed, on closing day)."""
        days = {status: self.on(day) for status, day in dates.items()}
        for status, day in days.items():
            StatusChange.objects.filter(cycle=cycle, to_status=status).update(changed_at=_at(day))
        first, last = _at(min(days.values())), _at(max(days.values()))
        InquiryCycle.objects.filter(pk=cycle.pk).update(created_at=first, updated_at=last)
        Measure.objects.filter(cycle=cycle).update(created_at=first)
        for occasion in Occasion.objects.filter(cycle=cycle, scores__isnull=False).distinct():
            if occasion.date is not None:  # every occasion of the story has its date
                occasion.scores.update(entered_at=_at(occasion.date, hour=16))
        Reflection.objects.filter(cycle=cycle).update(updated_at=last)
        for moment in MasteryMoment.objects.filter(cycle=cycle):
            moment.created_at = last
            moment.evidence_summary = {**moment.evidence_summary, "computed_at": last.isoformat()}
            moment.save(update_fields=["created_at", "evidence_summary"])


def _counts(shares: Sequence[float], n: int) -> np.ndarray:
    """``n`` split in ``shares`` by the largest-remainder method (ties: the first share)."""
    exact = np.asarray(shares, dtype=float) / sum(shares) * n
    counts = np.floor(exact).astype(int)
    remainders = exact - counts
    for index in np.argsort(-remainders, kind="stable")[: n - counts.sum()]:
        counts[index] += 1
    return counts


def _percent_at_least(values: np.ndarray, threshold: float) -> float:
    """Share of the scores (absent students left out) at ``threshold`` or above."""
    scored = values[~np.isnan(values)]
    return float(100 * (scored >= threshold).mean())

"""Last year at Trillium Heights: the cycles four of its teams closed the year before.

The school did not start inquiry this year: the English, mathematics, science and
student-success teams each ran and closed one cycle in the previous school year (the
literacy team is new this year). They give the school dashboard more than this year's
two closed cycles to pool, and its gap section finals in more than one term:

* **Grade 9 English** (semester 1): summarising, applied students against academic
  ones. Applied students grow well above the growth a semester usually brings, more
  than the academic classes, and the goal is met: a published mastery moment. This
  year's inference cycle builds on it.
* **Student success** (semester 1): attendance of grade 9 applied students. It does
  not move (the one effect below the expected growth), the goal is missed, and the
  reflection says what the team learned: students came, their work did not; this
  year's cycle is on work handed in.
* **Grade 9 Mathematics** (semester 2): integer operations, applied against academic;
  growth above the expected, the goal missed.
* **Science** (semester 2): reading graphs in grade 9 science, both pathways; growth
  near the expected, the goal missed.

Last year's students are this year's: the grade 9 classes of last year held the
students now in grade 10 (and so on), so last year's sessions and the classes the
cycles scored are written here, with the current students of the next grade enrolled
in them. Group definitions name those classes and the pathway but no grade, as
:mod:`efficacy.cycles.plan.groups` advises for an earlier term.

Cycles go through the services as in :mod:`efficacy.demo.cycles` (its builder and its
helpers, with the script placed in last year by
:func:`efficacy.demo.timeline.last_year_timeline`), with no practice recorded (Efficacy
was not used for it then). Scores have an exact mean and spread per occasion, so the
effects hold for any seed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
from django.utils import timezone

from efficacy.cycles.models import CycleStatus, InquiryCycle, Measure, Occasion
from efficacy.cycles.plan.services import cycle_start
from efficacy.cycles.stories.services import cycle_close, mastery_moment_publish
from efficacy.demo.catalogue import COURSES
from efficacy.demo.cycles import (
    CHUNKING,
    CRITERIA,
    FEEDBACK,
    SCHOOL,
    SUPPORT,
    THINK,
    WONDER,
    DemoTeam,
    Roster,
    _Builder,
    _month,
    _percent_at_least,
    _teams,
)
from efficacy.demo.district import PREFIX, plan_sessions
from efficacy.demo.timeline import SchoolYear, Timeline, last_year_timeline
from efficacy.roster.models import (
    AcademicSession,
    Course,
    Enrollment,
    School,
    SchoolClass,
    Student,
    Team,
)
from efficacy.roster.models import Status as RosterStatus

SECTION_SIZE = 25


def demo_last_year(*, seed: int, timeline: Timeline) -> list[InquiryCycle]:
    """Last year's sessions, the classes its cycles scored and its closed cycles (after
    this year's roster and teams exist); the teams that ran them formed last year."""
    past = last_year_timeline(timeline)
    school = School.objects.get(sourced_id=SCHOOL)
    terms = _save_sessions(school, past.year)
    teams = _teams(school)
    builder = _LastYear(
        school=school, terms=terms, rng=np.random.default_rng([seed, 12]), timeline=past
    )
    stories = {
        "grade-9-english": builder.english,
        "student-success": builder.student_success,
        "grade-9-mathematics": builder.mathematics,
        "science": builder.science,
    }
    cycles = [build(teams[key]) for key, build in stories.items() if key in teams]
    formed = timezone.make_aware(dt.datetime.combine(past.year.start, dt.time(8, 0)))
    Team.objects.filter(pk__in=[c.team_id for c in cycles]).update(created_at=formed)
    return cycles


def _save_sessions(school: School, year: SchoolYear) -> dict[int, AcademicSession]:
    whole, semesters = plan_sessions(school.district, year)
    whole.save()
    AcademicSession.objects.bulk_create(semesters)
    return dict(enumerate(semesters, start=1))


class _LastYear(_Builder):
    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self.enrolled = 0  # enrollments written so far, numbering their sourced ids

    # --- last year's classes ------------------------------------------------------

    def sections(self, code: str, semester: int, t: DemoTeam) -> list[int]:
        """Last year's classes of course ``code`` in ``semester``: this year's students of
        the next grade on the course's pathway, in sections of about 25, taught by the
        team's members."""
        info = COURSES[code]
        students = list(
            Student.objects.filter(
                school=self.school,
                status=RosterStatus.ACTIVE,
                grade=str(int(info.grade) + 1),
                pathway=info.pathway,
            )
            .order_by("sourced_id")
            .values_list("pk", flat=True)
        )
        course = Course.objects.get(school=self.school, course_code=code)
        term = self.term(semester)
        count = max(1, round(len(students) / SECTION_SIZE))
        key = self.timeline.year.key
        classes, enrollments = [], []
        for index in range(count):
            class_code = f"{code}-{index + 1:02d}"
            classes.append(
                SchoolClass(
                    school=self.school,
                    course=course,
                    title=f"{info.title} ({class_code}, {self.timeline.year.title})",
                    class_code=class_code,
                    grades=[info.grade],
                    subjects=[info.department],
                    periods=[str(index % 4 + 1)],
                    sourced_id=f"{PREFIX}th-class-{key}-{class_code}",
                )
            )
        SchoolClass.objects.bulk_create(classes)
        SchoolClass.terms.through.objects.bulk_create(
            SchoolClass.terms.through(schoolclass_id=c.pk, academicsession_id=term.pk)
            for c in classes
        )

        def enroll(school_class: SchoolClass, **who: Any) -> None:
            self.enrolled += 1
            enrollments.append(
                Enrollment(
                    school_class=school_class,
                    school=self.school,
                    begin_date=term.start_date,
                    end_date=term.end_date,
                    sourced_id=f"{PREFIX}th-enrollment-{key}-{self.enrolled:05d}",
                    **who,
                )
            )

        for index, school_class in enumerate(classes):
            enroll(
                school_class,
                role=Enrollment.EnrollmentRole.TEACHER,
                staff=t.member(index),
                primary=True,
            )
            for student_id in students[index::count]:
                enroll(school_class, role=Enrollment.EnrollmentRole.STUDENT, student_id=student_id)
        Enrollment.objects.bulk_create(enrollments)
        return [c.pk for c in classes]

    def task(
        self,
        t: DemoTeam,
        measure: Measure | None,
        occasions: list[Occasion],
        rosters: dict[str, Roster],
        params: dict[str, Sequence[Any]],
    ) -> dict[str, list[np.ndarray]]:
        """A 20-point common task: each group's exact mean and spread per occasion."""
        assert measure is not None  # every cycle of last year planned its measure
        return self.evidence(
            t,
            measure,
            occasions,
            rosters,
            params,
            lambda latent, param: self.spread(latent, param[0], param[1], 0, 20),
        )

    def close(self, t: DemoTeam, cycle: InquiryCycle, dates: dict[str, dt.date]) -> None:
        """Close the cycle (publishing its mastery moment when the goal was met) and put
        its history on the script's dates."""
        moment = cycle_close(user=t.lead, cycle=cycle)
        if moment is not None:
            mastery_moment_publish(user=t.lead, moment=moment)
        self.backdate(cycle, dates)

    # --- the cycles -----------------------------------------------------------------

    def english(self, t: DemoTeam) -> InquiryCycle:
        focus_classes = self.sections("ENG1P", 1, t)
        comparison_classes = self.sections("ENG1D", 1, t)
        cycle, measure, occasions = self.plan(
            t,
            title="Summarising in grade 9 applied English",
            problem_of_practice=(
                "Our grade 9 applied students copy sentences from a text when asked to "
                "summarise it: they cannot yet tell the main idea from the details."
            ),
            focus={"pathways": ["applied"], "classes": focus_classes},
            comparison={"pathways": ["academic"], "classes": comparison_classes},
            mastery_goal=(
                "Grade 9 applied students summarise a short text in their own words: its main "
                "idea and the two details that matter most."
            ),
            specific_focus="Telling the main idea from the details in a short text.",
            plan=(
                "Co-construct success criteria for a summary with each class; chunk each text "
                "and ask for the main idea of each chunk; model one summary a week."
            ),
            monitoring=(
                "A common summary task in every grade 9 English class, applied and academic, "
                "marked out of 20 with a shared rubric, at a baseline, a checkpoint and a final."
            ),
            prediction=(
                "If students see what a good summary looks like and practise on short chunks, "
                "at least 45% of our applied students will score 10 or more out of 20 on the "
                "final task."
            ),
            start_date=dt.date(2026, 9, 14),
            end_date=dt.date(2027, 1, 22),
            measure={"name": "Summary task", "min_score": 0, "max_score": 20},
            occasions=[
                ("Baseline", "baseline", dt.date(2026, 9, 25)),
                ("Checkpoint", "checkpoint", dt.date(2026, 11, 13)),
                ("Final", "final", dt.date(2027, 1, 15)),
            ],
            goal=(10, 45),
            strategies=[CRITERIA, CHUNKING],
            shared=[CRITERIA, CHUNKING],
            milestones=[
                ("Write the common summary task and its rubric", 0, (2026, 9, 18)),
                ("Moderate the final task together", 1, (2027, 1, 19)),
            ],
            done=2,
        )
        _start(t, cycle)
        focus, comparison = self.groups(cycle, focus_classes + comparison_classes)
        # Applied students grow about 0.65 SD, academic ones about 0.2: the gap narrows.
        params: dict[str, Sequence[Any]] = {
            "focus": [(8.0, 2.4), (8.9, 2.4), (9.6, 2.5)],
            "comparison": [(11.5, 2.4), (11.8, 2.4), (12.0, 2.5)],
        }
        results = self.task(
            t, measure, occasions, {"focus": focus, "comparison": comparison}, params
        )
        numbers: dict[str, Any] = {
            "base": _percent_at_least(results["focus"][0], 10),
            "final": _percent_at_least(results["focus"][-1], 10),
            "final_month": _month(occasions[-1]),
        }
        self.reflect(
            t,
            cycle,
            strategy_impact=(
                "Success criteria for a summary gave students a checklist they used on their "
                "own; chunking let them find one main idea at a time."
            ),
            understanding=(
                "{base:.0f}% of our applied students scored 10 or more at the baseline and "
                "{final:.0f}% at the final, in {final_month}. They now write summaries in "
                "their own words, but inferring what a text does not say is still hard."
            ).format(**numbers),
            continue_change_stop=(
                "Continue the success criteria and the chunked texts. Next year: inference, "
                "the step beyond the summary."
            ),
            years_growth=(
                "Yes: applied students grew more than a semester usually brings, and more than "
                "the academic classes, who also took the task."
            ),
            decisions={
                CRITERIA: ("adopt", "In every grade 9 English class."),
                CHUNKING: ("adopt", "For every new text."),
            },
        )
        self.close(
            t,
            cycle,
            {
                CycleStatus.PLANNING: dt.date(2026, 9, 2),
                CycleStatus.IMPLEMENTING: dt.date(2026, 9, 14),
                CycleStatus.REVIEWING: dt.date(2027, 1, 18),
                CycleStatus.CLOSED: dt.date(2027, 1, 26),
            },
        )
        return cycle

    def student_success(self, t: DemoTeam) -> InquiryCycle:
        classes = self.sections("CGC1P", 1, t)
        cycle, measure, occasions = self.plan(
            t,
            title="Attendance of grade 9 applied students",
            problem_of_practice=(
                "Grade 9 applied students miss classes from October on, and the students who "
                "miss most fail their first-semester credits."
            ),
            focus={"pathways": ["applied"], "classes": classes},
            mastery_goal="Grade 9 applied students attend their classes through the semester.",
            specific_focus="A call home and a check-in on the second absence in a month.",
            plan=(
                "Each member checks in with a focus student after a second absence in a month; "
                "guidance calls home the same day."
            ),
            monitoring=(
                "Classes attended out of the last 20, from the attendance record, at a "
                "baseline, a checkpoint and a final."
            ),
            prediction=(
                "If every second absence brings a check-in, 60% of our focus students will "
                "attend 16 or more of 20 classes by the final count."
            ),
            start_date=dt.date(2026, 9, 21),
            end_date=dt.date(2027, 1, 22),
            measure={"name": "Classes attended (of the last 20)", "max_score": 20},
            occasions=[
                ("Baseline", "baseline", dt.date(2026, 10, 2)),
                ("Checkpoint", "checkpoint", dt.date(2026, 11, 20)),
                ("Final", "final", dt.date(2027, 1, 15)),
            ],
            goal=(16, 60),
            strategies=[SUPPORT],
            shared=[SUPPORT],
            milestones=[
                ("Agree the check-in after a second absence", 0, (2026, 9, 25)),
                ("Review the attendance numbers together", 1, (2026, 11, 27)),
            ],
            done=2,
        )
        _start(t, cycle)
        focus, _comparison = self.groups(cycle, classes)
        # Attendance does not move (a little down, as it does over the winter).
        params: dict[str, Sequence[Any]] = {"focus": [(15.0, 3.0), (14.9, 3.1), (14.7, 3.2)]}
        results = self.task(t, measure, occasions, {"focus": focus}, params)
        numbers = {"final": _percent_at_least(results["focus"][-1], 16)}
        self.reflect(
            t,
            cycle,
            strategy_impact=(
                "Students liked the check-ins, but the calls home reached few families."
            ),
            understanding=(
                "We missed our goal: {final:.0f}% of the focus students attended 16 or more "
                "of the last 20 classes, against 60%. Most of them came to class; what they "
                "did not do was hand their work in."
            ).format(**numbers),
            continue_change_stop=(
                "Keep the check-ins. Next year, look at work handed in rather than attendance."
            ),
            years_growth="No: attendance did not change over the semester.",
            decisions={SUPPORT: ("adapt", "Check in on missed work, not only on absences.")},
        )
        self.close(
            t,
            cycle,
            {
                CycleStatus.PLANNING: dt.date(2026, 9, 8),
                CycleStatus.IMPLEMENTING: dt.date(2026, 9, 21),
                CycleStatus.REVIEWING: dt.date(2027, 1, 18),
                CycleStatus.CLOSED: dt.date(2027, 1, 28),
            },
        )
        return cycle

    def mathematics(self, t: DemoTeam) -> InquiryCycle:
        focus_classes = self.sections("MFM1P", 2, t)
        comparison_classes = self.sections("MPM1D", 2, t)
        cycle, measure, occasions = self.plan(
            t,
            title="Integer operations in grade 9 applied mathematics",
            problem_of_practice=(
                "Grade 9 applied students lose marks in every unit to sign errors with "
                "negative numbers."
            ),
            focus={"pathways": ["applied"], "classes": focus_classes},
            comparison={"pathways": ["academic"], "classes": comparison_classes},
            mastery_goal=(
                "Grade 9 applied students add, subtract, multiply and divide integers and "
                "explain the sign of the result with a model."
            ),
            specific_focus="The sign of a result, explained with a number line or tiles.",
            plan=(
                "Descriptive feedback on one integer task a week; a number line on every "
                "desk; small-group support for students below level at the baseline."
            ),
            monitoring=(
                "A common 20-point integer task in every grade 9 mathematics class, applied "
                "and academic, at a baseline, a checkpoint and a final."
            ),
            prediction=(
                "With weekly feedback, 40% of our applied students will score 12 or more out "
                "of 20 on the final task."
            ),
            start_date=dt.date(2027, 2, 8),
            end_date=dt.date(2027, 4, 30),
            measure={"name": "Integer task", "max_score": 20},
            occasions=[
                ("Baseline", "baseline", dt.date(2027, 2, 12)),
                ("Checkpoint", "checkpoint", dt.date(2027, 3, 12)),
                ("Final", "final", dt.date(2027, 4, 23)),
            ],
            goal=(12, 40),
            strategies=[FEEDBACK, SUPPORT],
            shared=[FEEDBACK],
            milestones=[
                ("Write the common integer task", 0, (2027, 2, 10)),
                ("Form support groups from the baseline", 1, (2027, 2, 19)),
            ],
            done=2,
        )
        _start(t, cycle)
        focus, comparison = self.groups(cycle, focus_classes + comparison_classes)
        # Applied students grow about 0.35 SD, academic ones about 0.25.
        params: dict[str, Sequence[Any]] = {
            "focus": [(7.5, 3.0), (8.0, 3.0), (8.6, 3.1)],
            "comparison": [(11.5, 3.0), (11.9, 3.0), (12.3, 3.1)],
        }
        results = self.task(
            t, measure, occasions, {"focus": focus, "comparison": comparison}, params
        )
        numbers = {"final": _percent_at_least(results["focus"][-1], 12)}
        self.reflect(
            t,
            cycle,
            strategy_impact=(
                "The number line helped most; feedback a week after the task came too late."
            ),
            understanding=(
                "We missed our goal: {final:.0f}% of our applied students scored 12 or more "
                "on the final task, against 40%. Sign errors are rarer, but students still "
                "follow rules they cannot explain."
            ).format(**numbers),
            continue_change_stop=(
                "Continue the small groups. Change feedback: in the lesson, not a week later."
            ),
            years_growth=(
                "Partly: applied students grew more than a term usually brings, a little more "
                "than the academic classes."
            ),
            decisions={
                FEEDBACK: ("adapt", "In the lesson, with time to use it."),
                SUPPORT: ("adopt", "Groups re-formed after each checkpoint."),
            },
        )
        self.close(
            t,
            cycle,
            {
                CycleStatus.PLANNING: dt.date(2027, 2, 1),
                CycleStatus.IMPLEMENTING: dt.date(2027, 2, 8),
                CycleStatus.REVIEWING: dt.date(2027, 4, 26),
                CycleStatus.CLOSED: dt.date(2027, 4, 27),
            },
        )
        return cycle

    def science(self, t: DemoTeam) -> InquiryCycle:
        classes = self.sections("SNC1P", 2, t) + self.sections("SNC1D", 2, t)
        cycle, measure, occasions = self.plan(
            t,
            title="Reading graphs in grade 9 science",
            problem_of_practice=(
                "Grade 9 students plot their data but cannot say what a graph shows: a trend, "
                "a rate, or an odd point."
            ),
            focus={"classes": classes},
            mastery_goal=(
                "Grade 9 students describe the trend a graph of their data shows and back it "
                "with two readings from the graph."
            ),
            specific_focus="Describing a trend with readings from the graph.",
            plan=(
                "A graph talk to open each lab; students ask “What makes you think that?” of "
                "each other's descriptions; a know/wonder chart for each new graph."
            ),
            monitoring=(
                "A common 20-point graph-reading task in every grade 9 science class at a "
                "baseline, a checkpoint and a final."
            ),
            prediction=(
                "If every lab opens with a graph talk, 45% of our students will score 12 or "
                "more on the final task."
            ),
            start_date=dt.date(2027, 2, 8),
            end_date=dt.date(2027, 4, 30),
            measure={"name": "Graph-reading task", "max_score": 20},
            occasions=[
                ("Baseline", "baseline", dt.date(2027, 2, 19)),
                ("Checkpoint", "checkpoint", dt.date(2027, 3, 26)),
                ("Final", "final", dt.date(2027, 4, 23)),
            ],
            goal=(12, 45),
            strategies=[THINK, WONDER],
            shared=[THINK],
            milestones=[
                ("Choose the graphs of the common task", 0, (2027, 2, 12)),
                ("Moderate the final task", 1, (2027, 4, 26)),
            ],
            done=2,
        )
        _start(t, cycle)
        focus, _comparison = self.groups(cycle, classes)
        # Growth near what a term usually brings (about 0.15 SD).
        params: dict[str, Sequence[Any]] = {"focus": [(10.0, 3.2), (10.2, 3.2), (10.5, 3.3)]}
        results = self.task(t, measure, occasions, {"focus": focus}, params)
        numbers = {"final": _percent_at_least(results["focus"][-1], 12)}
        self.reflect(
            t,
            cycle,
            strategy_impact=(
                "Graph talks got students describing trends aloud; the know/wonder chart "
                "added little."
            ),
            understanding=(
                "We missed our goal: {final:.0f}% of our students scored 12 or more on the "
                "final task, against 45%. They describe a trend but rarely back it with "
                "readings: the written explanation is the weak step."
            ).format(**numbers),
            continue_change_stop=(
                "Continue the graph talks. Next year, work on written explanations: claim, "
                "evidence and reasoning."
            ),
            years_growth="About a term's usual growth, not more.",
            decisions={
                THINK: ("adopt", "In every lab debrief."),
                WONDER: ("abandon", "It did not lead to better descriptions."),
            },
        )
        self.close(
            t,
            cycle,
            {
                CycleStatus.PLANNING: dt.date(2027, 2, 1),
                CycleStatus.IMPLEMENTING: dt.date(2027, 2, 8),
                CycleStatus.REVIEWING: dt.date(2027, 4, 26),
                CycleStatus.CLOSED: dt.date(2027, 4, 27),
            },
        )
        return cycle


def _start(t: DemoTeam, cycle: InquiryCycle) -> None:
    cycle_start(user=t.lead, cycle=cycle)

"""What the demo school's teams did while their cycles were under way: instructional
rounds, team meetings and the implementation log.

For each cycle that has started (:mod:`efficacy.demo.cycles` calls :func:`demo_practice`'s
builder once the cycle's evidence is in and before the team reflects, because the
practice services write only to an open cycle):

* **rounds** on the story's dates: the host teaches a class of the cycle (each focus
  class first, its teachers in turn, then the comparison classes); two other teaching
  members observe, looking for the strategies every member uses. Each observer takes
  a few descriptive notes, ticks the look-fors they see and scans engagement; the team
  writes the debrief and each observer their own take-away. The host shares the first
  round of each cycle (and the showcase's last) with the school leader;
* **team meetings** every two or three weeks from the cycle's start: who came, the
  occasions whose scores had come in since the last meeting, decisions and actions
  (the past-due ones done, but one: an action of the demo teacher's, left open and
  overdue in a cycle still open, so their home page shows one);
* **the implementation log**: every week of the cycle up to the build day, each
  teaching member rates how fully they used each strategy in each of their classes of
  the cycle's semester. Use follows the story: high and rising in the English
  showcase, the abandoned know/wonder chart falling away; patchy in mathematics
  (weeks not logged, low and uneven ratings). Classes whose students gained more
  (final minus baseline on the cycle's measure) are given a fuller use, and the
  look-fors observers tick follow the same use, so that the impact panel's "Dose and
  impact" tells the story's cause and effect. That is the story, not a finding.

Everything goes through :mod:`efficacy.practice.services`, acting as the lead, the host,
the observers or the teacher; only the moments the services stamp with the time of the
build are put back on the story's days afterwards (``_backdate``). Dates are the
script's, placed by the timeline; nothing is dated on or after its present. Draws come
from a numpy Generator seeded by the demo's seed and the story's key.

The texts are data written in English, like the rest of the demo's story.
"""

from __future__ import annotations

import datetime as dt
import uuid
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.db.models import Avg
from django.utils import timezone

from efficacy.cycles.models import InquiryCycle, Occasion, Score, Strategy
from efficacy.demo.accounts import SIGN_INS
from efficacy.demo.cycles import (
    CHUNKING,
    CRITERIA,
    FEEDBACK,
    LITERACY,
    SUPPORT,
    THINK,
    WONDER,
    DemoTeam,
    Practice,
)
from efficacy.demo.timeline import SCRIPT_PRESENT, Timeline, school_day
from efficacy.practice.models import (
    Action,
    Debrief,
    EngagementLevel,
    EngagementTally,
    ImplementationEntry,
    LookForTally,
    Meeting,
    Note,
    Observation,
    ObserverDebrief,
)
from efficacy.practice.selectors import week_of
from efficacy.practice.services import (
    ActionDraft,
    action_set_done,
    debrief_save,
    implementation_log_save,
    meeting_record,
    note_add,
    observation_plan,
    observation_share,
    observer_debrief_save,
    tally_set,
)
from efficacy.roster.models import Enrollment, Role, SchoolClass, Status, TeamMembership, User

DAY = dt.timedelta(days=1)
# When each of the four periods starts (the timetable has no clock times).
PERIOD_STARTS = {1: dt.time(8, 45), 2: dt.time(10, 10), 3: dt.time(12, 15), 4: dt.time(13, 40)}
# Students an observer scans for engagement, a few times in a lesson.
SCANS = 24
# Spread of a week's rating around the teacher's usual use of a strategy.
WEEK_NOISE = 0.45


@dataclass(frozen=True)
class Use:
    """How fully (0 not used to 3 fully) a strategy is used at the cycle's start and end."""

    start: float
    end: float

    def at(self, progress: float) -> float:
        return self.start + (self.end - self.start) * progress


@dataclass(frozen=True)
class Story:
    """One cycle's practice. Dates are the script's (:mod:`efficacy.demo.cycles`)."""

    start: dt.date
    end: dt.date
    focus: tuple[str, ...]  # the strategies the rounds look for
    rounds: tuple[dt.date, ...]
    use: dict[str, Use]
    # Share of teacher-weeks nobody logged; spread of teachers' and classes' usual use.
    missed: float
    teacher_spread: float
    notes: tuple[tuple[str, str], ...]  # (kind, text): a pool each round draws from
    debriefs: tuple[tuple[str, str, str, str], ...]  # describe, analyse, predict, next level
    takeaways: tuple[tuple[str, str], ...]  # what I will try, for the host
    evidence: tuple[str, ...]  # what a meeting looked at when no new scores had come in
    decisions: tuple[str, ...]
    actions: tuple[str, ...]
    pre_brief: str = ""
    stays_open: bool = False  # still open when the demo is built
    shared: tuple[int, ...] = (0,)  # the rounds the host shares


SEEN, KNOW, WONDERING = Note.Kind.SEEN, Note.Kind.KNOW, Note.Kind.WONDER

STORIES: dict[str, Story] = {
    "grade-9-english": Story(
        start=dt.date(2026, 9, 14),
        end=dt.date(2027, 1, 22),
        focus=(CRITERIA, THINK),
        rounds=(
            dt.date(2026, 10, 7),
            dt.date(2026, 11, 4),
            dt.date(2026, 11, 6),
            dt.date(2026, 12, 9),
        ),
        use={
            CRITERIA: Use(2.2, 3.0),
            THINK: Use(1.8, 3.0),
            CHUNKING: Use(1.6, 2.4),
            WONDER: Use(1.6, 0.4),
        },
        missed=0.04,
        teacher_spread=0.25,
        shared=(0, 3),
        pre_brief=(
            "We are reading a short story in chunks. Watch what students do when they are "
            "asked for their reasons, and whether they use our success criteria."
        ),
        notes=(
            (
                SEEN,
                "Learning intention on the board: “I can make an inference and back it up "
                "with two pieces of evidence from the text.”",
            ),
            (
                SEEN,
                "Teacher asked “What makes you think that?” four times in the first ten "
                "minutes; each time the student went back to the text.",
            ),
            (
                SEEN,
                "A student in the back row: “She's scared, because it says her hands "
                "were shaking.” Partner answered: “And she keeps looking at the door.”",
            ),
            (
                SEEN,
                "Success criteria poster from last week, in students' words: “I say what "
                "I think. I show where. I explain how it shows that.”",
            ),
            (
                SEEN,
                "Students paused at the second marked chunk and wrote an inference on a "
                "sticky note before talking.",
            ),
            (
                SEEN,
                "About ten seconds of wait time after the question; six hands up, and the "
                "teacher called on two students who had not put a hand up.",
            ),
            (
                SEEN,
                "Two students used the criteria to give each other feedback: “You said "
                "what you think but you didn't show where.”",
            ),
            (
                SEEN,
                "Teacher stopped the reading to model her own inference aloud, pointing "
                "to two sentences on the projected text.",
            ),
            (
                KNOW,
                "Most students could say what they were learning when asked, using the "
                "words of the learning intention.",
            ),
            (
                KNOW,
                "Spoken justifications quoted the text; the written ones on the exit "
                "slips mostly retold the story.",
            ),
            (
                WONDERING,
                "What happens to the students who answer only when called on: do "
                "they justify as often in writing?",
            ),
            (
                WONDERING,
                "Would a shorter chunk help the three students who were still "
                "reading when the discussion started?",
            ),
        ),
        debriefs=(
            (
                "The learning intention and student-written success criteria were visible and "
                "were referred to twice. The teacher asked for reasons after most answers; "
                "students went back to the text to find them.",
                "Spoken inferences were justified more often than written ones. The criteria "
                "are being used for peer feedback without prompting.",
                "If students did what we saw all term, they would justify an inference out "
                "loud with evidence, but might still retell when they write.",
                "Build a bridge from the spoken to the written justification: a sentence "
                "stem on the exit slip that follows the criteria.",
            ),
            (
                "Students asked each other “What makes you think that?” in pairs. The "
                "chunked text had a question at each pause and most students wrote before "
                "they talked.",
                "The question has moved from the teacher to the students. The weakest readers "
                "joined the discussion at each chunk, not only at the end.",
                "Students would learn that an inference needs evidence, and that they can "
                "find it themselves.",
                "Longer chunks for the stronger readers; keep the pause for the others.",
            ),
            (
                "The teacher modelled an inference with two quotations, then students did "
                "the same in pairs using the criteria. Exit slips were collected.",
                "Students who justified well out loud still lost the evidence in writing "
                "about half of the time.",
                "Students would learn to infer in talk; writing it down is the next step.",
                "Moderate a set of exit slips together next week and agree what a "
                "level-4 written justification looks like.",
            ),
        ),
        takeaways=(
            (
                "Ask “What makes you think that?” after every answer for a week, not only "
                "after the wrong ones.",
                "Your wait time after the question brought in students who never raise a hand.",
            ),
            (
                "Put the student-written criteria on the wall, not my own version.",
                "Students used your criteria to give feedback without being asked: that was "
                "the strongest moment of the lesson.",
            ),
            (
                "Pause at each chunk and have students write before they talk.",
                "The written step after the pause gave every student something to say.",
            ),
            (
                "A sentence stem for a written justification on my exit slips.",
                "The modelling with two quotations was clear; the pairs copied its shape.",
            ),
        ),
        evidence=(
            "The implementation log for the last two weeks and the notes of the last round.",
            "Ten exit slips from each class, sorted by the inference criteria.",
            "Student work from the chunked-text lessons.",
        ),
        decisions=(
            "Everyone asks “What makes you think that?” daily; we keep the success criteria on "
            "the wall of every grade 9 class.",
            "Chunked texts twice a week, with longer chunks for stronger readers.",
            "Moderate ten scripts together after each checkpoint before entering marks.",
            "The know/wonder chart takes lesson time without a link to inference: we stop "
            "it in this unit.",
            "Next round looks at the written step from a spoken justification.",
        ),
        actions=(
            "Share the inference success criteria from each class in the team folder",
            "Bring ten marked scripts to moderate",
            "Find two high-interest texts for the next chunked-text lesson",
            "Write a sentence stem for written justifications",
            "Plan the next observation round with the coach",
            "Collect exit slips from every class for the next meeting",
        ),
    ),
    "grade-9-mathematics": Story(
        start=dt.date(2026, 9, 21),
        end=dt.date(2027, 1, 22),
        focus=(FEEDBACK, SUPPORT),
        rounds=(dt.date(2026, 11, 18), dt.date(2026, 11, 20), dt.date(2026, 12, 2)),
        use={FEEDBACK: Use(1.3, 1.6), WONDER: Use(1.5, 0.4), SUPPORT: Use(1.0, 1.8)},
        missed=0.3,
        teacher_spread=0.6,
        pre_brief=(
            "Rates in recipes and maps. Watch when the feedback comes and whether students "
            "can use it, and who the support group helps."
        ),
        notes=(
            (
                SEEN,
                "Marked tasks from last week handed back at the start; students looked at "
                "the mark and put them away.",
            ),
            (
                SEEN,
                "A small group at the side table worked through a ratio table with the "
                "teacher; the rest worked from the textbook.",
            ),
            (
                SEEN,
                "Know/wonder chart on the board for the recipe problem: the “know” column "
                "lists the ingredients, the “wonder” column is empty.",
            ),
            (SEEN, "Teacher to a student: “Good work!” No next step given."),
            (
                SEEN,
                "Mini whiteboards: “Is this proportional?” About half held up yes, half "
                "no; the teacher moved on to the next example.",
            ),
            (
                SEEN,
                "Student asked her partner: “Do I multiply or divide?” Partner: “Just do "
                "what we did yesterday.”",
            ),
            (
                SEEN,
                "Feedback on the task sheet: “Check your unit rate” next to the third "
                "question, with two minutes left in the lesson.",
            ),
            (
                KNOW,
                "Students in the support group could explain their ratio table; others "
                "used the procedure without saying why.",
            ),
            (
                KNOW,
                "Feedback in this lesson was mostly on last week's task, not on the work "
                "in front of the students.",
            ),
            (
                WONDERING,
                "What would change if students had ten minutes to act on the "
                "feedback before the end of the lesson?",
            ),
            (
                WONDERING,
                "How do students decide whether a situation is proportional before they calculate?",
            ),
        ),
        debriefs=(
            (
                "Feedback came back on a marked task from last week. The support group worked "
                "with ratio tables; the whiteboard check split the class in half.",
                "Feedback arrives too late to change the work it is about, and the check for "
                "understanding did not change what happened next.",
                "Students would learn procedures for rates, but not how to tell when to use them.",
                "Give feedback during the lesson, with time to use it; when the check splits "
                "the class, regroup on the spot.",
            ),
            (
                "The know/wonder chart listed facts from the problem. Students solved the "
                "problem with the procedure from yesterday.",
                "The chart does not lead to proportional thinking; students reach for a "
                "procedure before asking whether the situation is proportional.",
                "Students would learn to list what a problem says, not to reason about it.",
                "Open each problem with “Is it proportional? How do you know?” instead of "
                "the chart.",
            ),
        ),
        takeaways=(
            (
                "Hand back feedback at the start and give ten minutes to act on it.",
                "The small group with the ratio table was the most productive part of the lesson.",
            ),
            (
                "Use the whiteboard check to regroup students straight away.",
                "Half the class said “not proportional”: worth stopping for.",
            ),
            (
                "Ask “Is it proportional? How do you know?” before any calculation.",
                "The students in your support group explained their thinking better than "
                "anyone else in the room.",
            ),
        ),
        evidence=(
            "The implementation log for the last two weeks.",
            "Marked tasks from each class, sorted by strategy used.",
            "Who came to the support groups, and their last quiz.",
        ),
        decisions=(
            "Support groups re-formed from the latest task.",
            "Feedback on one task a week, handed back within two days.",
            "We keep trying the know/wonder chart to open problems until the checkpoint.",
            "Our logs have gaps: everyone logs on Friday, even a week with no strategy used.",
            "The next round looks at feedback in the lesson.",
        ),
        actions=(
            "Re-form the support groups from the latest task",
            "Write three proportional problems in unfamiliar contexts",
            "Log this week's implementation",
            "Try in-lesson feedback once and report back",
            "Mark the common task together",
        ),
    ),
    "science": Story(
        start=dt.date(2027, 2, 8),
        end=dt.date(2027, 6, 4),
        focus=(CRITERIA, LITERACY),
        rounds=(dt.date(2027, 3, 3), dt.date(2027, 4, 14), dt.date(2027, 4, 16)),
        use={CRITERIA: Use(1.8, 2.6), LITERACY: Use(1.1, 2.3), FEEDBACK: Use(1.2, 1.9)},
        missed=0.12,
        teacher_spread=0.35,
        stays_open=True,
        pre_brief=(
            "Students write the conclusion of yesterday's lab. Watch for the reasoning step: "
            "do they connect their evidence to the claim?"
        ),
        notes=(
            (
                SEEN,
                "Success criteria for a conclusion on the board: claim, evidence from our "
                "data, the scientific idea that connects them.",
            ),
            (
                SEEN,
                "Teacher read the model conclusion aloud and underlined the sentence that "
                "connects the evidence to the claim.",
            ),
            (
                SEEN,
                "Key words of the unit on the wall; three students used “rate of "
                "reaction” in their answers without being prompted.",
            ),
            (
                SEEN,
                "Students filled in the claim–evidence–reasoning organiser that the "
                "literacy team uses in history.",
            ),
            (
                SEEN,
                "A student wrote: “The temperature went up so it went faster.” Partner: "
                "“Why does heat make it faster though?”",
            ),
            (
                SEEN,
                "Teacher gave written feedback on one conclusion per group: one strength "
                "and one next step, against the criteria.",
            ),
            (
                KNOW,
                "Every group wrote a claim and cited their data; fewer than half wrote a "
                "reasoning sentence.",
            ),
            (KNOW, "Students who used the organiser wrote longer and more connected conclusions."),
            (
                WONDERING,
                "Do students know the scientific idea and not write it, or not know it yet?",
            ),
            (
                WONDERING,
                "Would a sentence starter for the reasoning step help, or would it "
                "do the thinking for them?",
            ),
        ),
        debriefs=(
            (
                "The teacher modelled a conclusion aloud; groups used the shared organiser "
                "and the criteria. Most conclusions had a claim and evidence.",
                "The reasoning step is the one students leave out, even with the organiser.",
                "Students would learn to state a result with evidence; the reasoning step "
                "still needs to be taught.",
                "Model the reasoning sentence on its own, and give feedback on that step "
                "only for two weeks.",
            ),
            (
                "Students used the vocabulary of the unit and the organiser; the teacher gave "
                "feedback on one conclusion per group.",
                "Where feedback named the missing reasoning step, the second draft had it.",
                "Students would learn that a conclusion needs a reason, when feedback asks "
                "for one.",
                "Keep the feedback on the reasoning step; try it with peer feedback and "
                "sentence stems.",
            ),
        ),
        takeaways=(
            (
                "Read a model conclusion aloud and think through it.",
                "Underlining the connecting sentence made the reasoning step visible.",
            ),
            (
                "Use the literacy team's organiser in my chemistry labs.",
                "Your students used the unit's vocabulary without prompting.",
            ),
            (
                "Feedback on one step only, for a couple of weeks.",
                "The second drafts after your feedback were clearly stronger.",
            ),
        ),
        evidence=(
            "Conclusions from each class, sorted by the explanation rubric.",
            "The implementation log for the last two weeks.",
            "Notes from the last round.",
        ),
        decisions=(
            "Everyone models one written explanation a week.",
            "We use the literacy team's claim–evidence–reasoning organiser in every lab.",
            "Feedback this month is on the reasoning step only.",
            "Moderate the next checkpoint together before entering levels.",
        ),
        actions=(
            "Bring five conclusions from each class",
            "Share the model conclusion in the team folder",
            "Ask the literacy team for their organiser",
            "Plan the next observation round",
            "Mark the checkpoint conclusions with the rubric",
        ),
    ),
    "student-success": Story(
        start=dt.date(2027, 2, 8),
        end=dt.date(2027, 4, 30),
        focus=(SUPPORT, CHUNKING),
        rounds=(dt.date(2027, 3, 3), dt.date(2027, 3, 31)),
        use={SUPPORT: Use(1.6, 2.6), CHUNKING: Use(1.2, 2.0), CRITERIA: Use(1.4, 2.0)},
        missed=0.15,
        teacher_spread=0.35,
        stays_open=True,
        pre_brief=(
            "A work period on the current assignment. Watch how students with an IEP plan "
            "their next checkpoint and when they ask for help."
        ),
        notes=(
            (
                SEEN,
                "Assignment sheet split into three checkpoints with dates; two students "
                "had theirs taped inside their binders.",
            ),
            (
                SEEN,
                "Teacher checked in with a student who missed Monday's checkpoint: “What "
                "got in the way? Let's plan the next ten minutes.”",
            ),
            (
                SEEN,
                "Students worked on the same task; some had a worked example, others "
                "started from the question.",
            ),
            (
                SEEN,
                "The reading was split into short sections, each with one question in the margin.",
            ),
            (
                SEEN,
                "Exit ticket: “What will you hand in at the next checkpoint?” Every student "
                "wrote something.",
            ),
            (KNOW, "Students with an IEP could say what their next checkpoint was and when."),
            (KNOW, "Two students handed in a checkpoint that was incomplete but on time."),
            (WONDERING, "How do we check the quality of what comes in, not only that it comes in?"),
            (WONDERING, "Which students never miss a checkpoint but still struggle?"),
        ),
        debriefs=(
            (
                "Every assignment had checkpoints; the teacher checked in with a student at "
                "the first missed one and planned the next step with them.",
                "Students with an IEP know their next checkpoint; the check-in is quick and "
                "does not single them out.",
                "Students would learn to plan their work in chunks and ask for help early.",
                "Look at the quality of what is handed in at each checkpoint, not only "
                "whether it came in.",
            ),
            (
                "Chunked reading with one question per section; worked examples for some "
                "students while others extended.",
                "The scaffolds let everyone start the same task; a few incomplete checkpoints "
                "were handed in to be on time.",
                "Students would learn that handing work in early gets help, not a mark.",
                "Add one success criterion to each checkpoint so students can check their "
                "own work before handing it in.",
            ),
        ),
        takeaways=(
            (
                "Checkpoints with dates on every assignment sheet.",
                "Your check-in was short and private: the student went straight back to work.",
            ),
            (
                "Worked examples for the students who need them, on the same task.",
                "Every student had something to hand in at the end of the lesson.",
            ),
        ),
        evidence=(
            "Each member's markbook: assignments handed in on time by focus students.",
            "The guidance check-in log.",
            "The implementation log for the last two weeks.",
        ),
        decisions=(
            "Guidance checks in within two days of a missed checkpoint.",
            "Every assignment sheet has checkpoints and success criteria.",
            "We look at the quality of checkpoint work at the next meeting.",
            "Share what worked with the applied-course teachers in May.",
        ),
        actions=(
            "Add checkpoints to the next assignment sheet",
            "Update the check-in log for the focus students",
            "Bring three checkpoint samples to look at their quality",
            "Draft the note to the applied-course teachers",
        ),
    ),
}


def demo_practice(*, seed: int, timeline: Timeline) -> Practice:
    """The builder :func:`efficacy.demo.cycles.demo_cycles_build` calls for each started
    cycle (module docstring)."""
    teacher = User.objects.get(username=dict(SIGN_INS)[Role.TEACHER])

    def build(key: str, team: DemoTeam, cycle: InquiryCycle) -> None:
        story = STORIES.get(key)
        if story is not None:
            rng = np.random.default_rng([seed, 11, zlib.crc32(key.encode())])
            _Practice(story, team, cycle, timeline, rng, teacher).build()

    return build


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


def _after_school(day: dt.date, minutes: int = 0) -> dt.datetime:
    return _at(day, dt.time(15, 30)) + dt.timedelta(minutes=minutes)


class _Practice:
    def __init__(
        self,
        story: Story,
        team: DemoTeam,
        cycle: InquiryCycle,
        timeline: Timeline,
        rng: np.random.Generator,
        teacher: User,
    ):
        self.story = story
        self.team = team
        self.lead = team.lead
        self.cycle = cycle
        self.timeline = timeline
        self.present = timeline.present
        self.rng = rng
        self.teacher = teacher
        self.strategies = {
            s.slug: s for s in Strategy.objects.filter(cycle_uses__cycle=cycle).distinct()
        }
        self.focus_classes = list((cycle.focus or {}).get("classes", []))
        self.comparison_classes = list((cycle.comparison or {}).get("classes", []))
        self.measure = cycle.performance_measure or cycle.measures.order_by("pk").first()
        self.teachers = self._teachers_of(self.focus_classes + self.comparison_classes)
        self.offsets = self._class_offsets()
        self.last_day = min(self.on(min(story.end, SCRIPT_PRESENT - DAY)), self.present - DAY)

    def on(self, script: dt.date) -> dt.date:
        return self.timeline.day(script)

    def build(self) -> None:
        self.rounds()
        self.meetings()
        self.log()

    # --- who teaches what -----------------------------------------------------------

    def _teachers_of(self, classes: Sequence[int]) -> dict[int, User]:
        """The team's teaching member who teaches each class (the primary one first)."""
        members = {u.pk: u for u in self.team.members}
        rows = (
            Enrollment.objects.filter(
                school_class_id__in=classes,
                role=Enrollment.EnrollmentRole.TEACHER,
                status=Status.ACTIVE,
                staff_id__in=members,
            )
            .order_by("primary", "pk")
            .values_list("school_class_id", "staff_id")
        )
        return {class_id: members[staff_id] for class_id, staff_id in rows}

    def _class_offsets(self) -> dict[int, float]:
        """How much fuller (or thinner) than the team's usual use each focus class got: by
        rank of its students' mean gain on the cycle's measure, where there is one."""
        means = (
            Score.objects.filter(
                measure=self.measure,
                school_class_id__in=self.focus_classes,
                occasion__kind__in=[Occasion.Kind.BASELINE, Occasion.Kind.FINAL],
            )
            .values_list("school_class_id", "occasion__kind")
            .annotate(mean=Avg("value"))
        )
        by_class: dict[int, dict[str, float]] = {}
        for class_id, kind, mean in means:
            by_class.setdefault(class_id, {})[kind] = mean
        gains = {
            c: m[Occasion.Kind.FINAL] - m[Occasion.Kind.BASELINE]
            for c, m in by_class.items()
            if len(m) == 2
        }
        classes = sorted(gains, key=lambda c: (gains[c], c))
        if len(classes) < 2:
            return {c: float(self.rng.normal(0, 0.2)) for c in self.focus_classes}
        return dict(zip(classes, np.linspace(-0.45, 0.25, len(classes)), strict=True))

    def use(self, slug: str, day: dt.date, class_id: int | None) -> float:
        """The team's use of a strategy on ``day`` in a class (0 to 3, before noise)."""
        span = max((self.last_day - self.cycle.start_date).days, 1)
        progress = min(max((day - self.cycle.start_date).days / span, 0.0), 1.0)
        return self.story.use[slug].at(progress) + self.offsets.get(class_id, 0.0)

    # --- rounds -----------------------------------------------------------------------

    def hosts(self) -> list[tuple[User, int]]:
        """(host, class) for each round: every focus class once, its teachers in turn, then
        the comparison classes the same way."""
        order: list[tuple[User, int]] = []
        for classes in (self.focus_classes, self.comparison_classes):
            by_teacher: dict[int, list[int]] = {}
            for class_id in classes:
                if class_id in self.teachers:
                    by_teacher.setdefault(self.teachers[class_id].pk, []).append(class_id)
            queues = list(by_teacher.values())
            while any(queues):
                for queue in queues:
                    if queue:
                        class_id = queue.pop(0)
                        order.append((self.teachers[class_id], class_id))
        return order

    def rounds(self) -> None:
        story, members = self.story, self.team.members
        hosts = self.hosts()
        dates = [self.on(d) for d in story.rounds]
        classes = SchoolClass.objects.in_bulk([c for _h, c in hosts])
        for index, (day, (host, class_id)) in enumerate(zip(dates, hosts, strict=False)):
            others = [m for m in members if m.pk != host.pk]
            start = index * 2 % len(others)
            observers = [others[start % len(others)], others[(start + 1) % len(others)]]
            school_class = classes[class_id]
            period = int((school_class.periods or ["2"])[0])
            observation = observation_plan(
                user=self.lead,
                cycle=self.cycle,
                host=host,
                observers=observers,
                date=day,
                period=f"Period {period}",
                strategies=[self.strategies[s] for s in story.focus],
                school_class=school_class,
                pre_brief=story.pre_brief,
            )
            lesson = _at(day, PERIOD_STARTS.get(period, dt.time(10, 10)))
            self.observe(observation, observers, lesson, index)
            describe, analyse, predict, next_level = story.debriefs[index % len(story.debriefs)]
            debrief_save(
                user=host, observation=observation, describe=describe, analyse=analyse,
                predict=predict, next_level=next_level,
            )  # fmt: skip
            for n, observer in enumerate(observers):
                will_try, for_host = story.takeaways[(2 * index + n) % len(story.takeaways)]
                observer_debrief_save(
                    user=observer, observation=observation, will_try=will_try, for_host=for_host
                )
            if index in story.shared:
                observation_share(user=host, observation=observation, shared=True)
            self._backdate_round(observation, day)

    def observe(
        self, observation: Observation, observers: list[User], lesson: dt.datetime, index: int
    ) -> None:
        """Each observer's notes, look-for ticks and engagement scans of one lesson."""
        story = self.story
        class_id = observation.school_class_id
        pool = self.rng.permutation(len(story.notes))
        noted, taken = [], 0
        for observer in observers:
            picks = pool[taken : taken + 3 + int(self.rng.integers(0, 2))]
            taken += len(picks)
            for k, pick in enumerate(sorted(picks)):
                kind, text = story.notes[pick]
                when = lesson + dt.timedelta(minutes=8 + 14 * k + int(self.rng.integers(0, 8)))
                note, _created = note_add(
                    user=observer,
                    observation=observation,
                    uuid=uuid.UUID(int=int(self.rng.integers(0, 2**63)) << 64 | index, version=4),
                    text=text,
                    kind=kind,
                    noted_at=when,
                )
                noted.append((note.pk, when))
        day = lesson.date()
        for look_for in observation.look_fors().order_by("strategy_id", "order", "pk"):
            level = self.use(look_for.strategy.slug, day, class_id)
            seen = self.rng.random() < np.clip(level / 3, 0.05, 0.95)
            for observer in observers:
                missed = self.rng.random() < 0.1
                count = 1 + int(self.rng.poisson(max(level, 0.1))) if seen and not missed else 0
                tally_set(
                    user=observer, observation=observation, count=count, version=1,
                    look_for=look_for,
                )  # fmt: skip
        focus_use = np.mean([self.use(s, day, class_id) for s in story.focus])
        engaged = float(np.clip(0.45 + 0.15 * focus_use, 0.3, 0.92))
        shares = [engaged, (1 - engaged) * 0.7, (1 - engaged) * 0.3]
        levels = [EngagementLevel.ENGAGED, EngagementLevel.PASSIVE, EngagementLevel.OFF_TASK]
        for observer in observers:
            counts = self.rng.multinomial(SCANS, shares)
            for level_code, count in zip(levels, counts, strict=True):
                tally_set(
                    user=observer, observation=observation, count=int(count), version=1,
                    level=level_code,
                )  # fmt: skip
        for pk, when in noted:
            Note.objects.filter(pk=pk).update(noted_at=when, received_at=when)

    def _backdate_round(self, observation: Observation, day: dt.date) -> None:
        planned = max(day - 7 * DAY, self.cycle.start_date)
        Observation.objects.filter(pk=observation.pk).update(
            created_at=_after_school(planned),
            shared_at=None if not observation.shared else _after_school(day, 45),
        )
        LookForTally.objects.filter(observation=observation).update(
            updated_at=_at(day, dt.time(14, 55))
        )
        EngagementTally.objects.filter(observation=observation).update(
            updated_at=_at(day, dt.time(14, 55))
        )
        Debrief.objects.filter(observation=observation).update(updated_at=_after_school(day, 30))
        ObserverDebrief.objects.filter(observation=observation).update(
            updated_at=_after_school(day, 40)
        )

    # --- meetings ---------------------------------------------------------------------

    def meeting_days(self) -> list[dt.date]:
        """Every two or three weeks (14, 21, 14... days) from a week into the cycle, on
        school days before the build day."""
        days, day, gap = [], self.cycle.start_date + 7 * DAY, 14
        while True:
            while not school_day(day):
                day += DAY
            if day > self.last_day:
                return days
            days.append(day)
            day += gap * DAY
            gap = 35 - gap

    def meetings(self) -> None:
        story, members = self.story, self.team.members
        days = self.meeting_days()
        scored = list(
            self.cycle.occasions.filter(scores__isnull=False, date__isnull=False)
            .distinct()
            .order_by("date")
        )
        measure = self.measure
        coach = (
            self.cycle.team.memberships.filter(role=TeamMembership.TeamRole.COACH)
            .select_related("user")
            .first()
        )
        # The demo teacher's overdue action: at the last meeting a week before the build day.
        overdue_at = None
        if story.stays_open and any(m.pk == self.teacher.pk for m in members):
            earlier = [i for i, d in enumerate(days) if d + 7 * DAY < self.present]
            overdue_at = earlier[-1] if earlier else None
        previous = self.cycle.start_date
        for index, day in enumerate(days):
            new = [o for o in scored if previous < o.date <= day]
            previous = day
            absent = members[int(self.rng.integers(0, len(members)))] if index % 3 == 1 else None
            attendees = [m for m in members if m is not absent]
            if coach is not None and index % 2 == 0:
                attendees.append(coach.user)
            if new:
                what = measure.name if measure is not None else "scores"
                evidence = (
                    "; ".join(f"{o.name}: every class's {what}" for o in new)
                    + ". "
                    + story.evidence[index % len(story.evidence)]
                )
            else:
                evidence = story.evidence[index % len(story.evidence)]
            decisions = story.decisions[index % len(story.decisions)]
            drafts = []
            for k in range(2):
                owner = members[(index * 2 + k) % len(members)]
                due = day + (7 + 3 * k) * DAY
                if k == 0 and index == overdue_at:
                    owner, due = self.teacher, day + 7 * DAY
                text = story.actions[(index * 2 + k) % len(story.actions)]
                drafts.append(ActionDraft(text=text, owner=owner, due_date=due))
            meeting = meeting_record(
                user=self.lead,
                cycle=self.cycle,
                date=day,
                attendees=attendees,
                evidence=evidence,
                measures=[measure] if new and measure is not None else [],
                occasions=new,
                decisions=decisions,
                actions=drafts,
            )
            Meeting.objects.filter(pk=meeting.pk).update(created_at=_after_school(day, 60))
            for k, action in enumerate(meeting.actions.order_by("pk")):
                if index == overdue_at and k == 0:
                    continue
                if action.due_date is not None and action.due_date < self.present:
                    action_set_done(user=action.owner, action=action, done=True)
                    done_on = max(action.due_date - int(self.rng.integers(0, 3)) * DAY, day)
                    Action.objects.filter(pk=action.pk).update(done_at=_after_school(done_on))

    # --- the implementation log -------------------------------------------------------

    def log(self) -> None:
        """Each teaching member's week, every complete week of the cycle before the build
        day, for their classes of the cycle's semester."""
        term_classes = set(
            SchoolClass.objects.filter(
                terms__in=SchoolClass.terms.through.objects.filter(
                    schoolclass_id__in=self.focus_classes
                ).values("academicsession_id")
            ).values_list("pk", flat=True)
        )
        taught: dict[int, list[int]] = {}
        for staff_id, class_id in (
            Enrollment.objects.filter(
                staff__in=self.team.members,
                school_class_id__in=term_classes,
                role=Enrollment.EnrollmentRole.TEACHER,
                status=Status.ACTIVE,
            )
            .order_by("school_class__sourced_id")
            .values_list("staff_id", "school_class_id")
        ):
            taught.setdefault(staff_id, []).append(class_id)
        # The lead models the strategies; the others use them more or less than the team.
        teacher_bias = {
            m.pk: 0.0 if m == self.lead else float(self.rng.normal(0, self.story.teacher_spread))
            for m in self.team.members
        }
        slugs = [s for s in self.story.use if s in self.strategies]
        week = week_of(self.cycle.start_date)
        # The last week whose Friday is before the build day.
        last = min(week_of(self.cycle.end_date), week_of(self.present - 5 * DAY))
        weeks = []
        while week <= last:
            weeks.append(week)
            week += 7 * DAY
        for member in self.team.members:
            classes = taught.get(member.pk, [])
            for week in weeks:
                if not classes or self.rng.random() < self.story.missed:
                    continue
                friday = week + 4 * DAY
                ratings = {}
                for class_id in classes:
                    for slug in slugs:
                        mean = self.use(slug, friday, class_id) + teacher_bias[member.pk]
                        rating = np.rint(mean + WEEK_NOISE * self.rng.standard_normal())
                        ratings[(class_id, self.strategies[slug].pk)] = int(np.clip(rating, 0, 3))
                implementation_log_save(
                    user=member, cycle=self.cycle, week=week, ratings=ratings, today=self.present
                )
        for week in weeks:
            ImplementationEntry.objects.filter(cycle=self.cycle, week=week).update(
                updated_at=_after_school(week + 4 * DAY, 60)
            )

"""The demo school's voice: its staff's collective efficacy over the year, its students'
exit tickets, and the trust-building tools its principal uses.

* **Three survey windows** of Efficacy's collective-efficacy instrument, for the whole
  school (autumn, winter, spring), closed; and a pulse on the enabling conditions,
  open on the demo's present, which the demo teacher has not answered yet (so they
  can). About four in five staff answer; every teaching member of the English,
  mathematics and science teams does, and one of the literacy team's five does not
  in winter, so that team's results are hidden that window (and, so that it cannot
  be worked out by subtraction, one more group with it). Collective efficacy rises
  in the English team after its cycle met its goal, stays flat in mathematics, whose
  goal was not met, and rises a little in science as its cycle gets under way.
  That is the story of the research, not a finding.
* **Exit tickets** in the classes of the English and science cycles: what students
  understood, where they were stuck (three misconceptions planted in the science
  answers, so the themes have something to find), and their confidence.
* **Wins** over the year, five of them celebrated by the principal (one linked to the
  English team's mastery moment); **check-ins** with a follow-up (one overdue);
  **office hours** (one booked by the demo teacher); **commitments** with their
  receipts (one done, one answered no, one open, asked by the demo teacher); a
  **suggestion box** with suggestions and "you said, we did" replies.

Answers are written in bulk, straight to the tables (the services refuse a window that
is closed, and the demo's windows closed months before it is built); like the rest of
the demo, texts are data written in English, and draws come from a numpy Generator
seeded by the demo's seed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
from django.db.models import Count
from django.utils import timezone

from efficacy.cycles.models import InquiryCycle, MasteryMoment, Score
from efficacy.cycles.plan.selectors import cycle_population
from efficacy.demo.accounts import SIGN_INS
from efficacy.demo.cycles import SCHOOL
from efficacy.demo.timeline import SCRIPT_PRESENT, Timeline
from efficacy.roster.models import Enrollment, Role, School, Team, TeamMembership, User
from efficacy.voice.models import (
    Booking,
    CheckIn,
    Commitment,
    ExitTicket,
    Instrument,
    OfficeHour,
    Receipt,
    Reply,
    Suggestion,
    SuggestionBox,
    SurveyInvitation,
    SurveyResponse,
    SurveyWindow,
    TicketAnswer,
    Win,
)

D = dt.date

#: (title, script opening, script closing, instrument key); the last is open on the present.
WINDOWS = (
    ("Collective efficacy, autumn", D(2026, 9, 28), D(2026, 10, 9), "efficacy-collective-efficacy"),
    ("Collective efficacy, winter", D(2027, 1, 25), D(2027, 2, 5), "efficacy-collective-efficacy"),
    ("Collective efficacy, spring", D(2027, 4, 12), D(2027, 4, 23), "efficacy-collective-efficacy"),
    ("Enabling conditions pulse", D(2027, 4, 26), D(2027, 5, 7), "efficacy-enabling-conditions"),
)
LITERACY = "Literacy across the curriculum"
#: Each team's mean on the six-point scale in the three collective-efficacy windows.
TEAM_MEANS = {
    "Grade 9 English": (3.6, 4.4, 4.6),
    "Grade 9 Mathematics": (3.7, 3.7, 3.8),
    "Science": (3.5, 3.6, 3.9),
    "Student success": (3.8, 3.9, 3.9),
    LITERACY: (3.6, 3.7, 3.8),
    None: (3.4, 3.5, 3.6),  # staff in no team
}
PERSON_SD = 0.45
ITEM_SD = 0.6
ANSWER_RATE = 0.78


def demo_voice(*, seed: int, timeline: Timeline) -> None:
    """Build the demo school's voice (after its cycles exist): the module's docstring."""
    school = School.objects.get(sourced_id=SCHOOL)
    rng = np.random.default_rng([seed, 13])
    people = {role: User.objects.get(username=name) for role, name in SIGN_INS}
    _Voice(school, timeline, rng, people).build()


def _at(day: dt.date, hour: int = 15, minute: int = 30) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


class _Voice:
    def __init__(
        self, school: School, timeline: Timeline, rng: np.random.Generator, people: dict
    ) -> None:
        self.school = school
        self.timeline = timeline
        self.rng = rng
        self.principal = people[Role.SCHOOL_LEADER]
        self.teacher = people[Role.TEACHER]
        self.day = timeline.day
        self.teams = {t.name: t for t in Team.objects.filter(school=school)}
        self.staff = list(
            User.objects.filter(
                school=school, role__in=[Role.TEACHER, Role.TEAM_LEAD, Role.COACH]
            ).order_by("pk")
        )
        memberships = TeamMembership.objects.filter(team__school=school).exclude(
            role=TeamMembership.TeamRole.COACH
        )
        self.team_of = {m.user_id: m.team for m in memberships}

    def build(self) -> None:
        self.surveys()
        self.exit_tickets()
        self.wins()
        self.check_ins_and_office_hours()
        self.suggestions_and_commitments()

    # --- surveys -------------------------------------------------------------------

    def surveys(self) -> None:
        from efficacy.voice.services.instruments import shipped_instrument

        person = {u.pk: self.rng.normal(0, PERSON_SD) for u in self.staff}
        for index, (title, opens, closes, key) in enumerate(WINDOWS):
            instrument = shipped_instrument(key)
            window = SurveyWindow.objects.create(
                school=self.school,
                instrument=instrument,
                title=title,
                opens_on=self.day(opens),
                closes_on=self.day(closes),
                created_by=self.principal,
            )
            SurveyWindow.objects.filter(pk=window.pk).update(created_at=_at(self.day(opens), 8))
            SurveyInvitation.objects.bulk_create(
                SurveyInvitation(window=window, user=u) for u in self.staff
            )
            if closes >= SCRIPT_PRESENT:
                self._answers(window, instrument, person, mean_index=2, few=True)
                continue
            self._answers(window, instrument, person, mean_index=index)

    def _answers(
        self, window: SurveyWindow, instrument: Instrument, person: dict, *, mean_index: int,
        few: bool = False,
    ) -> None:  # fmt: skip
        definition = instrument.definition
        low = min(s["min"] for s in definition["scales"].values())
        high = max(s["max"] for s in definition["scales"].values())
        items = definition["items"]
        answering = []
        for user in self.staff:
            if user.pk == self.teacher.pk and few:
                continue  # the demo teacher has this one left to answer
            in_team = user.pk in self.team_of
            rate = 0.35 if few else (1.0 if in_team else ANSWER_RATE)
            if self.rng.random() < rate:
                answering.append(user)
        if mean_index == 1 and not few:
            # One literacy member does not answer in winter: that team is hidden.
            literacy = [u for u in answering if _name(self.team_of.get(u.pk)) == LITERACY]
            answering = [u for u in answering if u not in literacy[4:]]
        responses = []
        for user in answering:
            team = self.team_of.get(user.pk)
            mean = TEAM_MEANS.get(_name(team), TEAM_MEANS[None])[mean_index] + person[user.pk]
            answers = {}
            for item in items:
                value = int(np.clip(round(mean + self.rng.normal(0, ITEM_SD)), low, high))
                answers[item["key"]] = low + high - value if item.get("reverse") else value
            responses.append(SurveyResponse(window=window, team=team, answers=answers))
        self.rng.shuffle(responses)
        SurveyResponse.objects.bulk_create(responses)
        SurveyInvitation.objects.filter(window=window, user__in=[u.pk for u in answering]).update(
            answered=True
        )

    # --- exit tickets --------------------------------------------------------------

    def exit_tickets(self) -> None:
        from efficacy.voice.services.tickets import code_new

        for team, lessons, understood, stuck in (ENGLISH_TICKETS, SCIENCE_TICKETS):
            cycle = InquiryCycle.objects.filter(team__school=self.school, team__name=team).first()
            if cycle is None or cycle.start_date is None:
                continue
            focus = cycle_population(cycle).focus
            classes = list(
                Score.objects.filter(
                    occasion__cycle=cycle, school_class__isnull=False, student_id__in=focus
                )
                .values("school_class")
                .annotate(n=Count("id"))
                .order_by("-n")
                .values_list("school_class", flat=True)[:2]
            )
            lead = cycle.team.memberships.get(role=TeamMembership.TeamRole.LEAD).user
            last = min(
                cycle.end_date or self.timeline.present,
                self.timeline.present - dt.timedelta(days=1),
            )
            span = max((last - cycle.start_date).days, len(lessons))
            for n, lesson in enumerate(lessons):
                day = cycle.start_date + dt.timedelta(days=span * (n + 1) // (len(lessons) + 1))
                for class_id in classes:
                    ticket = ExitTicket.objects.create(
                        school_class_id=class_id,
                        cycle=cycle,
                        lesson=lesson,
                        code=code_new(),
                        opened_by=_teacher_of(class_id) or lead,
                        opened_on=day,
                        closes_at=_at(day, 23, 59),
                        closed_at=_at(day, 15, 0),
                    )
                    count = int(self.rng.integers(18, 27))
                    TicketAnswer.objects.bulk_create(
                        TicketAnswer(
                            ticket=ticket,
                            understood=str(self.rng.choice(understood)),
                            stuck=_stuck(self.rng, stuck),
                            confidence=int(
                                np.clip(round(self.rng.normal(2.6 + 0.5 * n, 0.9)), 1, 5)
                            ),
                        )
                        for _ in range(count)
                    )

    # --- wins ----------------------------------------------------------------------

    def wins(self) -> None:
        english = InquiryCycle.objects.filter(
            team__school=self.school, team__name=ENGLISH_TICKETS[0]
        ).first()
        moment = MasteryMoment.objects.filter(cycle=english).first() if english else None
        authors = [self.teacher, *self.rng.choice(self.staff, size=len(WINS), replace=True)]
        for n, (script_day, text, celebration) in enumerate(WINS):
            day = self.day(script_day)
            author = authors[n]
            win = Win.objects.create(
                school=self.school,
                author=author,
                team=self.team_of.get(author.pk),
                week=day - dt.timedelta(days=day.weekday()),
                text=text,
            )
            changes: dict = {"created_at": _at(day, 16)}
            if celebration:
                changes |= {
                    "celebrated_by": self.principal,
                    "celebrated_at": _at(day + dt.timedelta(days=1), 8),
                    "celebration": celebration,
                }
                if "inference" in text and english is not None:
                    changes |= {"cycle": english, "mastery_moment": moment}
            Win.objects.filter(pk=win.pk).update(**changes)

    # --- check-ins and office hours ------------------------------------------------

    def check_ins_and_office_hours(self) -> None:
        for script_day, index, note, follow_up, due_days, done in CHECK_INS:
            day = self.day(script_day)
            check_in = CheckIn.objects.create(
                school=self.school,
                leader=self.principal,
                staff=self.teacher if index == 0 else self.staff[index],
                held_on=day,
                note=note,
                follow_up=follow_up,
                follow_up_due=day + dt.timedelta(days=due_days) if follow_up else None,
                follow_up_done_on=day + dt.timedelta(days=due_days - 2) if done else None,
            )
            CheckIn.objects.filter(pk=check_in.pk).update(created_at=_at(day, 16))
        for days_ahead, hour, place, booked in OFFICE_HOURS:
            day = self.timeline.present + dt.timedelta(days=days_ahead)
            while day.weekday() >= 5:
                day += dt.timedelta(days=1)
            slot = OfficeHour.objects.create(
                school=self.school,
                leader=self.principal,
                starts_at=_at(day, hour, 0),
                ends_at=_at(day, hour, 20),
                place=place,
            )
            if booked:
                Booking.objects.create(office_hour=slot, booked_by=self.teacher, topic=booked)

    # --- the suggestion box and commitments ----------------------------------------

    def suggestions_and_commitments(self) -> None:
        box = SuggestionBox.objects.create(
            school=self.school,
            title="Make our time together count",
            prompt="What would make team time, meetings or PD more useful to you? "
            "Anything goes; nobody can see who wrote what.",
            opened_by=self.principal,
            opened_on=self.day(D(2026, 10, 13)),
        )
        for script_day, text, reply in SUGGESTIONS:
            day = self.day(script_day)
            suggestion = Suggestion.objects.create(box=box, text=text, received_on=day)
            if reply is None:
                continue
            you_said, we_did, promise = reply
            answered = day + dt.timedelta(days=9)
            if answered >= self.timeline.present:
                Suggestion.objects.filter(pk=suggestion.pk).update(
                    status=Suggestion.Status.CONSIDERING
                )
                continue
            Reply.objects.create(
                suggestion=suggestion,
                you_said=you_said,
                we_did=we_did,
                replied_by=self.principal,
                published_on=answered,
            )
            Suggestion.objects.filter(pk=suggestion.pk).update(status=Suggestion.Status.ANSWERED)
            if promise:
                self._commitment(promise, day, suggestion=suggestion)
        for promise in COMMITMENTS:
            self._commitment(promise, self.day(promise[0]), asked_by=self.teacher)

    def _commitment(self, promise: tuple, day: dt.date, **who) -> None:
        _script, what, due_days, outcome, receipt = promise
        due = day + dt.timedelta(days=due_days)
        status = Commitment.Status.OPEN
        if outcome and due < self.timeline.present:
            status = Commitment.Status(outcome)
        commitment = Commitment.objects.create(
            school=self.school, made_by=self.principal, what=what, due_on=due, status=status, **who
        )
        Commitment.objects.filter(pk=commitment.pk).update(created_at=_at(day, 16))
        if status != Commitment.Status.OPEN:
            made = Receipt.objects.create(
                commitment=commitment, recorded_by=self.principal, text=receipt
            )
            Receipt.objects.filter(pk=made.pk).update(
                recorded_at=_at(due - dt.timedelta(days=1), 15)
            )


def _teacher_of(class_id: int) -> User | None:
    enrollment = (
        Enrollment.objects.filter(school_class_id=class_id, role=Enrollment.EnrollmentRole.TEACHER)
        .select_related("staff")
        .first()
    )
    return enrollment.staff if enrollment is not None else None


def _name(team: Team | None) -> str | None:
    return team.name if team is not None else None


def _stuck(rng: np.random.Generator, themes: Sequence[Sequence[str]]) -> str:
    if rng.random() < 0.15:
        return ""
    theme = themes[int(rng.integers(len(themes)))]
    return str(rng.choice(theme))


ENGLISH_TICKETS = (
    "Grade 9 English",
    ("Reading between the lines: what a character wants", "Think-aloud: what makes you think that?",
     "Inferring a theme from clues"),
    (
        "An inference is a guess you can back up with clues from the text.",
        "You use what the text says and what you already know.",
        "The clue is the quote, the inference is what it tells you.",
        "Asking what makes you think that helps me find proof.",
        "A character's actions show what they want even if they do not say it.",
    ),
    (
        ("I don't know which quote is the best clue.", "Picking the right quote for my inference.",
         "When there are many clues I don't know which one to use."),
        ("My inference is just what the text says, not an inference.",
         "I keep repeating the text instead of inferring.", "How is an inference different from a summary?"),
        ("Explaining how the clue proves my idea.", "Writing the because part after the quote.",
         "I find the clue but I can't explain why it shows that."),
    ),
)  # fmt: skip
SCIENCE_TICKETS = (
    "Science",
    ("Writing a claim from the pendulum lab", "Choosing evidence from data tables",
     "Reasoning with the science idea"),
    (
        "A claim answers the question of the lab in one sentence.",
        "Evidence is the data we measured, with numbers.",
        "Reasoning explains why the evidence supports the claim.",
        "The claim has to match the data, not what I expected.",
        "Use the data table to find evidence for the claim.",
    ),
    (
        ("What is the difference between evidence and reasoning?", "I mix up evidence and reasoning.",
         "Is reasoning just the evidence again in other words?",
         "I don't get reasoning versus evidence."),
        ("How many data points are enough?", "Do I need every number from the data table?",
         "How much data should I copy from the table?", "How many measurements from the table do I need?"),
        ("Which science concept explains the pendulum?", "I don't know which science idea explains the swing.",
         "How do I connect gravity and energy to the pendulum?", "What science concept goes with gravity?"),
    ),
)  # fmt: skip

#: (script day, text, the principal's celebration or "").
WINS = (
    (D(2026, 10, 2), "Two of my applied students made an inference from the novel and backed it with a quote, unprompted.",
     "This is what the English team's cycle is about: inference with proof. Thank you for sharing it!"),
    (D(2026, 9, 25), "Our team agreed on one common inference task for all grade 9 classes.", ""),
    (D(2026, 10, 23), "The think-aloud routine worked in period 2: every group explained their thinking.",
     "Great to see a strategy from the team's plan working in a real lesson."),
    (D(2026, 11, 6), "Observed a colleague's lesson on proportional reasoning and borrowed her exit question.", ""),
    (D(2026, 11, 27), "A student who never speaks in class presented her lab findings to the group.",
     "Moments like this are why we do this work. Well done."),
    (D(2027, 1, 22), "Grade 9 English met its inference goal: 70% of applied students at 12 or more.",
     "A mastery moment for the whole school: the team set a narrow goal, used the strategies, "
     "watched the evidence, and it worked."),
    (D(2027, 2, 12), "Science team ran its first round of peer observation; the debrief was the best PD I have had.", ""),
    (D(2027, 3, 5), "My applied class wrote claims that matched their data for the first time.",
     "The science cycle's first checkpoint shows it too. Keep going."),
    (D(2027, 3, 26), "Co-planned a lesson with the literacy team and used the same success criteria in both classes.", ""),
    (D(2027, 4, 16), "Half my class used evidence from the data table without being told to.", ""),
)  # fmt: skip
#: (script day, staff index (0: the demo teacher), note, follow-up, due in days, done).
CHECK_INS = (
    (D(2026, 9, 17), 0, "Settling in with the grade 9 applied class; keen to try the inference work.",
     "Send the two articles on think-alouds.", 5, True),
    (D(2026, 10, 20), 5, "Feels stretched with three preps; wants help with marking load.",
     "Ask the coach about moderated marking sessions.", 14, True),
    (D(2027, 2, 10), 12, "New to the science team, unsure about being observed.",
     "Pair with an experienced observer for the first round.", 10, True),
    (D(2027, 4, 14), 20, "Wants to lead a literacy session at the May PD day.",
     "Confirm the PD agenda slot with the district.", 10, False),
)  # fmt: skip
#: (days after the present, hour, place, the demo teacher's topic if they booked it).
OFFICE_HOURS = (
    (2, 8, "Main office", "Planning time for next year's grade 9 team"),
    (2, 15, "Main office", ""),
    (7, 8, "Library seminar room", ""),
    (7, 15, "Library seminar room", ""),
)
#: (script day, what, due in days, "done" / "declined" / "" (open), receipt).
COMMITMENTS = (
    (D(2026, 10, 5), "Look into a common planning period for the Grade 9 English team.", 21, "done",
     "The timetable gives Grade 9 English a shared period 4 on day 2 from November; confirmed with the "
     "vice-principal and posted in the staff timetable."),
    (D(2026, 11, 16), "Look into buying a second class set of the grade 9 novel.", 14, "declined",
     "We looked into it: the book budget is spent for this year, so the answer is no for now. The "
     "library will lend its 15 copies and the request is first on next year's list."),
    (D(2027, 4, 21), "Find cover so the science team can observe each other again in May.", 14, "", ""),
)  # fmt: skip
#: (script day, suggestion, (you said, we did, commitment or None) or None).
SUGGESTIONS = (
    (D(2026, 10, 15), "Could staff meetings start with one thing that went well, instead of announcements by email?",
     ("Start staff meetings with something that went well.",
      "Since November every staff meeting opens with two wins from the wins feed; announcements go by email.",
      None)),
    (D(2026, 10, 20), "We need time to look at student work together, not just data printouts.",
     ("Time to look at student work together.",
      "Team meetings now start with 15 minutes of looking at student work, using the team's protocol.",
      (D(2026, 10, 29), "Give every team 15 minutes of each meeting for student work.", 14, "done",
       "Added to the meeting template; every team's meeting notes show it since."))),
    (D(2026, 11, 3), "Please stop scheduling PD on the day report cards are due.",
     ("Avoid PD on report card days.",
      "The PD calendar for semester 2 was set with the report card dates: none falls on one.",
      None)),
    (D(2027, 1, 12), "More chances to see other teachers teach, even outside our own department.", None),
    (D(2027, 3, 2), "Let teams choose their own focus for the spring PD day.", None),
    (D(2027, 4, 20), "A quieter space to plan would help: the workroom is always busy.",
     ("A quiet space to plan.", "The library seminar room is reserved for staff planning after 3:15.", None)),
)  # fmt: skip


def demo_voice_delete(prefix: str) -> None:
    """Delete the voice of the demo's schools (before its cycles, classes, teams and
    staff, which these rows protect)."""
    in_demo = {"school__sourced_id__startswith": prefix}
    SurveyWindow.objects.filter(**in_demo).delete()
    ExitTicket.objects.filter(school_class__sourced_id__startswith=prefix).delete()
    for model in (Commitment, SuggestionBox, Win, CheckIn, OfficeHour):
        model.objects.filter(**in_demo).delete()

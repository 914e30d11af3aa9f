"""Instructional rounds (a planned observation, what its observers saw, its debrief),
team meetings, and the implementation log (how fully each teacher used each strategy,
by class and week).

::

    InquiryCycle ─< Observation ─< Note            (one row per client UUID)
                        │       ─< LookForTally    (observer × look-for, versioned count)
                        │       ─< EngagementTally (observer × level, versioned count)
                        │       ─< Photo           (one row per client UUID)
                        │       ─< ObserverDebrief (observer: what I will try, feedback)
                        └── Debrief                (the protocol, one per observation)
    InquiryCycle ─< Meeting ─< Action              (a next step: owner, due date, done)
    InquiryCycle ─< ImplementationEntry            (teacher × class × week × strategy: 0–3)

Notes and photos carry the UUID the observer's browser gave them, unique, so a
note sent twice (a retry after the network dropped) is stored once. A tally is
an absolute count with the version the browser reached: a stale or repeated
version changes nothing.

A meeting is a short record that takes minutes to write: only its date and who
came are required; what evidence was looked at, what was decided and the next
actions are there when the team has them.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from efficacy.cycles.models import InquiryCycle, LookFor, Measure, Occasion, Strategy
from efficacy.roster.models import SchoolClass


class Observation(models.Model):
    """A scheduled visit to a host's lesson, focused on some of the cycle's strategies."""

    cycle = models.ForeignKey(InquiryCycle, on_delete=models.CASCADE, related_name="observations")
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="hosted_observations"
    )
    school_class = models.ForeignKey(
        SchoolClass,
        verbose_name=_("class"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="observations",
    )
    observers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="observations_made", verbose_name=_("observers")
    )
    date = models.DateField(_("date"))
    period = models.CharField(_("period"), max_length=40, blank=True)
    strategies = models.ManyToManyField(
        Strategy, related_name="observations", verbose_name=_("focus")
    )
    pre_brief = models.TextField(_("pre-brief from the host"), blank=True)
    shared = models.BooleanField(_("shared with the school leader"), default=False)
    shared_at = models.DateTimeField(null=True, blank=True)
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.host} {self.date}"

    def look_fors(self) -> models.QuerySet[LookFor]:
        return LookFor.objects.filter(strategy__in=self.strategies.all()).select_related("strategy")

    def is_observer(self, user_id: int | None) -> bool:
        return self.observers.filter(pk=user_id).exists()

    def is_ahead(self, today: dt.date) -> bool:
        """Not yet happened (today included): its plan may still change or be cancelled."""
        return self.date >= today

    def has_records(self) -> bool:
        """Whether anyone wrote in it: a note, a photo, a tally, a debrief."""
        return (
            self.notes.exists()
            or self.photos.exists()
            or self.look_for_tallies.filter(count__gt=0).exists()
            or self.engagement_tallies.filter(count__gt=0).exists()
            or Debrief.objects.filter(observation=self).exists()
            or self.observer_debriefs.exists()
        )


class Note(models.Model):
    class Kind(models.TextChoices):
        SEEN = "seen", _("Seen and heard")
        KNOW = "know", _("What do we know?")
        WONDER = "wonder", _("What do we wonder?")

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uuid = models.UUIDField(unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SEEN)
    text = models.TextField(_("note"))
    #: When the observer typed it (the browser's clock), shown as the note's time.
    noted_at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["noted_at", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class _Tally(models.Model):
    count = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class LookForTally(_Tally):
    observation = models.ForeignKey(
        Observation, on_delete=models.CASCADE, related_name="look_for_tallies"
    )
    observer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    look_for = models.ForeignKey(LookFor, on_delete=models.CASCADE, related_name="tallies")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["observation", "observer", "look_for"], name="look_for_tally_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.look_for_id}: {self.count}"


class EngagementLevel(models.TextChoices):
    ENGAGED = "engaged", _("Engaged in the task")
    PASSIVE = "passive", _("Going along")
    OFF_TASK = "off_task", _("Off task")


class EngagementTally(_Tally):
    observation = models.ForeignKey(
        Observation, on_delete=models.CASCADE, related_name="engagement_tallies"
    )
    observer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(max_length=10, choices=EngagementLevel.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["observation", "observer", "level"], name="engagement_tally_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.level}: {self.count}"


def photo_path(photo: Photo, filename: str) -> str:
    return f"practice/{photo.observation_id}/{photo.uuid}{photo.extension}"


class Photo(models.Model):
    """A photo (or PDF) of student work: type checked by its bytes, metadata stripped."""

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="photos")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uuid = models.UUIDField(unique=True)
    file = models.FileField(upload_to=photo_path)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.uuid)

    EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}

    @property
    def extension(self) -> str:
        return self.EXTENSIONS.get(self.content_type, "")

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class Debrief(models.Model):
    """The debrief protocol: describe, analyse, predict, the next level of work."""

    observation = models.OneToOneField(
        Observation, on_delete=models.CASCADE, related_name="debrief"
    )
    describe = models.TextField(_("Describe: what did we see and hear?"), blank=True)
    analyse = models.TextField(_("Analyse: what patterns do we notice?"), blank=True)
    predict = models.TextField(
        _("Predict: if students did what we saw, what would they learn?"), blank=True
    )
    next_level = models.TextField(
        _("Next level of work: what would move the practice?"), blank=True
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    PROMPTS = ("describe", "analyse", "predict", "next_level")

    def __str__(self) -> str:
        return f"debrief of {self.observation_id}"


class ObserverDebrief(models.Model):
    """One observer's own take-away: what they will try, and feedback meant for the host."""

    observation = models.ForeignKey(
        Observation, on_delete=models.CASCADE, related_name="observer_debriefs"
    )
    observer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    will_try = models.TextField(_("What I will try in my own classroom"), blank=True)
    for_host = models.TextField(_("Feedback for the host"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["observation", "observer"], name="observer_debrief_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.observer_id} on {self.observation_id}"


class Meeting(models.Model):
    """A team meeting of a cycle: who came, what evidence was looked at, what was decided."""

    cycle = models.ForeignKey(InquiryCycle, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField(_("date"))
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="meetings_attended", verbose_name=_("who came")
    )
    evidence = models.TextField(_("evidence looked at"), blank=True)
    measures = models.ManyToManyField(
        Measure, blank=True, related_name="meetings", verbose_name=_("measures looked at")
    )
    occasions = models.ManyToManyField(
        Occasion, blank=True, related_name="meetings", verbose_name=_("occasions looked at")
    )
    decisions = models.TextField(_("decisions"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.cycle_id} {self.date}"


class Action(models.Model):
    """A next action decided at a meeting: what, who, by when, and whether it is done."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    text = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meeting_actions",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = [models.F("due_date").asc(nulls_last=True), "id"]

    def __str__(self) -> str:
        return self.text[:40]

    def is_overdue(self, today: dt.date) -> bool:
        return not self.done and self.due_date is not None and self.due_date < today


class ImplementationEntry(models.Model):
    """How fully a teacher used one of the cycle's strategies in one class, one week.

    ``week`` is the Monday of the ISO week. A teacher logs only for classes they
    teach (:func:`efficacy.access.practice.can_log_implementation`); one entry per
    cycle, teacher, class, week and strategy, changed in place when logged again.
    """

    class Rating(models.IntegerChoices):
        NOT_USED = 0, _("Not used")
        A_LITTLE = 1, _("A little")
        MOSTLY = 2, _("Mostly")
        FULLY = 3, _("Fully")

    cycle = models.ForeignKey(
        InquiryCycle, on_delete=models.CASCADE, related_name="implementation_entries"
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="implementation_entries"
    )
    school_class = models.ForeignKey(
        SchoolClass,
        verbose_name=_("class"),
        on_delete=models.PROTECT,
        related_name="implementation_entries",
    )
    week = models.DateField(_("week (Monday)"))
    strategy = models.ForeignKey(
        Strategy, on_delete=models.PROTECT, related_name="implementation_entries"
    )
    rating = models.PositiveSmallIntegerField(_("how fully"), choices=Rating.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["week", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "teacher", "school_class", "week", "strategy"],
                name="implementation_entry_once",
            ),
            models.CheckConstraint(
                condition=models.Q(rating__gte=0, rating__lte=3),
                name="implementation_rating_0_to_3",
            ),
        ]
        indexes = [models.Index(fields=["cycle", "week"], name="implementation_cycle_week")]

    def __str__(self) -> str:
        return f"{self.teacher_id} {self.school_class_id} {self.week}: {self.rating}"


class RoundSchedule(models.Model):
    """A coverage schedule the school leader asked for, kept so it can be edited,
    accepted and exported across requests (:mod:`efficacy.practice.scheduling`).

    ``request`` is the scheduler's request exactly as ``efficacy schedule-rounds``
    reads it (teachers by username); ``result`` is what the solver said, as codes and
    data: ``{"status": "feasible" | "infeasible" | "unknown", "visits": [...],
    "reasons": [{"code", "text", "params"}], "seconds": S, "edited": bool}``.
    ``timetable`` is the CSV as uploaded, offered again next time.
    """

    class ScheduleStatus(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        ACCEPTED = "accepted", _("accepted")

    school = models.ForeignKey(
        "roster.School", on_delete=models.CASCADE, related_name="round_schedules"
    )
    start_date = models.DateField(_("first Monday"))
    timetable = models.TextField(blank=True)
    timetable_name = models.CharField(max_length=255, blank=True)
    request = models.JSONField()
    result = models.JSONField()
    status = models.CharField(
        max_length=10, choices=ScheduleStatus.choices, default=ScheduleStatus.PROPOSED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.school_id} from {self.start_date} ({self.status})"

    @property
    def is_proposed(self) -> bool:
        """Only a proposed schedule is edited or accepted; an accepted one is its rounds."""
        return self.status == self.ScheduleStatus.PROPOSED

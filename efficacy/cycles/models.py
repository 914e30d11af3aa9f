"""Inquiry cycles: the team's goal, strategies, plan, evidence and what it learned.

Writes go through the ``services`` of each sub-domain; reads through
its ``selectors``. Models hold data and the small rules that
belong to the data (status order, a score's range).

    Team ─< InquiryCycle ─< CycleStrategy >─ Strategy ─< LookFor
                 │ ├─< Milestone        ├─< Measure ─┐
                 │ ├─< Occasion ────────────────────┼─< Score >─ Student, SchoolClass
                 │ ├─< Reflection (one)  ├─< StatusChange
                 │ └─< MasteryMoment     └─< EvidenceDeletion
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from efficacy import privacy
from efficacy.cycles.plan.strategy_library import shipped_text
from efficacy.progress import BackgroundRun
from efficacy.roster.models import School, SchoolClass, Student, Team


class Strategy(models.Model):
    """An evidence-based practice. ``school`` empty: ships with the product."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200)
    description = models.TextField(_("description"))
    references = models.JSONField(
        _("research references"), default=list, blank=True, help_text=_("Plain citations.")
    )
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.CASCADE, related_name="strategies"
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("strategies")
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                condition=models.Q(school__isnull=True),
                name="strategy_slug_unique_in_library",
            ),
            models.UniqueConstraint(
                fields=["school", "slug"], name="strategy_slug_unique_in_school"
            ),
        ]

    def __str__(self) -> str:
        return self.shown_name

    # A shipped strategy (no school) reads in the reader's language, found by its slug;
    # a school's own strategy is shown as the school typed it.
    @property
    def shown_name(self) -> str:
        if self.school_id is not None:
            return self.name
        return shipped_text(self.slug, "name", self.name)

    @property
    def shown_description(self) -> str:
        if self.school_id is not None:
            return self.description
        return shipped_text(self.slug, "description", self.description)


class LookFor(models.Model):
    """What an observer can see when a strategy is in use; ordered."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="look_fors")
    text = models.CharField(_("look-for"), max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["strategy", "order", "id"]

    def __str__(self) -> str:
        return self.shown_text

    @property
    def shown_text(self) -> str:
        """In the reader's language for a shipped strategy (by its slug and this order)."""
        strategy = self.strategy
        if strategy.school_id is not None:
            return self.text
        return shipped_text(strategy.slug, "look_fors", self.text, index=self.order)


class CycleStatus(models.TextChoices):
    PLANNING = "planning", _("Planning")
    IMPLEMENTING = "implementing", _("Implementing")
    REVIEWING = "reviewing", _("Reviewing")
    CLOSED = "closed", _("Closed")


#: The order a cycle moves through; moving back needs a reason.
STATUS_ORDER: list[str] = [
    CycleStatus.PLANNING,
    CycleStatus.IMPLEMENTING,
    CycleStatus.REVIEWING,
    CycleStatus.CLOSED,
]


class InquiryCycle(models.Model):
    """One round of a team's work on a problem of practice.

    ``focus`` and ``comparison`` are group *definitions* (see
    :mod:`efficacy.cycles.plan.groups`), not lists of students, so the population is
    re-evaluated as the roster changes.
    """

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="cycles")
    title = models.CharField(_("title"), max_length=200)
    problem_of_practice = models.TextField(_("problem of practice"), blank=True)
    focus = models.JSONField(_("focus group"), default=dict, blank=True)
    comparison = models.JSONField(_("comparison group"), default=dict, blank=True)
    focus_chosen_for_low_scores = models.BooleanField(
        _("focus group chosen for low scores"),
        default=False,
        help_text=_(
            "Tick if students were picked because they scored low: some of their gain is then "
            "regression to the mean, and the impact panel says so."
        ),
    )
    mastery_goal = models.TextField(_("mastery goal"), blank=True)
    performance_measure = models.ForeignKey(
        "Measure",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("performance goal measure"),
    )
    performance_threshold = models.FloatField(
        _("performance goal threshold"),
        null=True,
        blank=True,
        help_text=_("The level or score a student must reach, e.g. 3 for level 3 or above."),
    )
    performance_target_percent = models.PositiveSmallIntegerField(
        _("performance goal target (% of students)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    specific_focus = models.TextField(_("specific focus"), blank=True)
    plan = models.TextField(_("plan"), blank=True)
    monitoring = models.TextField(_("means of monitoring progress"), blank=True)
    prediction = models.TextField(_("prediction"), blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=CycleStatus.choices, default=CycleStatus.PLANNING
    )
    #: The goal as it stood when the cycle first started (:meth:`freeze_goal`):
    #: ``{"measure_id", "measure", "threshold", "target_percent", "prediction"}``.
    #: The verdict is judged against it, whatever changes later (each change is a
    #: :class:`GoalChange`). None until the cycle starts.
    goal_at_start = models.JSONField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    #: What is frozen when the cycle starts: the performance goal, its measure, the prediction.
    FROZEN_FIELDS = (
        "performance_measure",
        "performance_threshold",
        "performance_target_percent",
        "prediction",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("inquiry cycle")
        indexes = [models.Index(fields=["team", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="cycle_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def has_performance_goal(self) -> bool:
        return (
            self.performance_measure_id is not None
            and self.performance_threshold is not None
            and self.performance_target_percent is not None
        )

    @property
    def goal_frozen(self) -> bool:
        """Started once: the goal is fixed, and changing it needs a recorded reason."""
        return self.goal_at_start is not None

    def goal_now(self) -> dict:
        """The goal as it stands, in the shape of :attr:`goal_at_start`."""
        complete = self.has_performance_goal
        measure = self.performance_measure if complete else None
        return {
            "measure_id": measure.pk if measure else None,
            "measure": measure.name if measure else None,
            "threshold": self.performance_threshold if complete else None,
            "target_percent": self.performance_target_percent if complete else None,
            "prediction": self.prediction,
        }

    def freeze_goal(self) -> None:
        """Record the goal as it stands now as the goal the cycle is judged on (once)."""
        if self.goal_at_start is None:
            self.goal_at_start = self.goal_now()

    def judged_goal(self) -> tuple[int | None, float | None, int | None]:
        """``(measure id, threshold, target %)`` of the performance goal the verdict judges:
        as it stood at the start once the cycle has started, else as it stands (all None
        without a complete goal). Reads no other row."""
        if self.goal_at_start is not None:
            goal = self.goal_at_start
            return goal.get("measure_id"), goal.get("threshold"), goal.get("target_percent")
        if not self.has_performance_goal:
            return None, None, None
        return (
            self.performance_measure_id,
            self.performance_threshold,
            self.performance_target_percent,
        )

    @property
    def has_judged_goal(self) -> bool:
        return self.judged_goal()[0] is not None

    def goal_changed(self) -> bool:
        """Whether the performance goal now differs from the one the cycle started with."""
        if self.goal_at_start is None:
            return False
        now = (
            (
                self.performance_measure_id,
                self.performance_threshold,
                self.performance_target_percent,
            )
            if self.has_performance_goal
            else (None, None, None)
        )
        return now != self.judged_goal()

    @property
    def is_open(self) -> bool:
        """A closed cycle is its record: nothing of it changes until it is reopened."""
        return self.status != CycleStatus.CLOSED

    def require_open(self) -> None:
        """Refuse any change to a closed cycle; reopening (a step back) and publishing its
        story are the only actions a closed cycle takes, and they do not call this."""
        if not self.is_open:
            raise ValidationError(
                _("This cycle is closed. Reopen it (with a reason) to change it.")
            )

    @property
    def weeks(self) -> float | None:
        if self.start_date and self.end_date:
            return max((self.end_date - self.start_date).days / 7, 1 / 7)
        return None


class _Change(models.Model):
    """Who made a recorded change to a cycle, and when (a status, a goal)."""

    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["changed_at", "id"]


class GoalChange(_Change):
    """A change to a frozen part of the goal (see :attr:`InquiryCycle.FROZEN_FIELDS`) after
    the cycle started: who, when, the old and the new value, and why. The verdict still
    judges the goal as it stood at the start; the cycle page and the story show these."""

    cycle = models.ForeignKey(InquiryCycle, on_delete=models.CASCADE, related_name="goal_changes")
    field = models.CharField(max_length=40)
    old_value = models.JSONField(null=True, blank=True)
    new_value = models.JSONField(null=True, blank=True)
    reason = models.TextField()

    class Meta(_Change.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.cycle}: {self.field} {self.old_value!r} → {self.new_value!r}"


class StatusChange(_Change):
    """A cycle's status history; moving back records why."""

    cycle = models.ForeignKey(InquiryCycle, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=CycleStatus.choices)
    to_status = models.CharField(max_length=20, choices=CycleStatus.choices)
    reason = models.TextField(blank=True)

    class Meta(_Change.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.cycle}: {self.from_status} → {self.to_status}"


class CycleStrategy(models.Model):
    class Decision(models.TextChoices):
        ADOPT = "adopt", _("Adopt")
        ADAPT = "adapt", _("Adapt")
        ABANDON = "abandon", _("Abandon")

    cycle = models.ForeignKey(
        InquiryCycle, on_delete=models.CASCADE, related_name="cycle_strategies"
    )
    strategy = models.ForeignKey(Strategy, on_delete=models.PROTECT, related_name="cycle_uses")
    used_by_every_member = models.BooleanField(_("used by every member"), default=False)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "strategy"], name="strategy_once_per_cycle")
        ]

    def __str__(self) -> str:
        return f"{self.strategy} in {self.cycle}"


class Milestone(models.Model):
    cycle = models.ForeignKey(InquiryCycle, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="milestones",
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)

    class Meta:
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return self.title


class Measure(models.Model):
    class Kind(models.TextChoices):
        POINTS = "points", _("Points")
        RUBRIC = "rubric", _("Rubric levels")

    cycle = models.ForeignKey(InquiryCycle, on_delete=models.CASCADE, related_name="measures")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.POINTS)
    min_score = models.FloatField(_("lowest score"), default=0)
    max_score = models.FloatField(_("highest score"))
    common = models.BooleanField(
        _("common to all members"),
        default=True,
        help_text=_("Every member uses it in their classes: shared work the team can compare."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "name"], name="measure_name_unique_in_cycle"),
            models.CheckConstraint(
                condition=models.Q(max_score__gt=models.F("min_score")),
                name="measure_max_above_min",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def in_range(self, value: float) -> bool:
        return self.min_score <= value <= self.max_score


class Occasion(models.Model):
    class Kind(models.TextChoices):
        BASELINE = "baseline", _("Baseline")
        CHECKPOINT = "checkpoint", _("Checkpoint")
        FINAL = "final", _("Final")

    cycle = models.ForeignKey(InquiryCycle, on_delete=models.CASCADE, related_name="occasions")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    date = models.DateField(_("date"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "name"], name="occasion_name_unique_in_cycle"),
            # Pre/post reads one baseline and one final per cycle.
            models.UniqueConstraint(
                fields=["cycle", "kind"],
                condition=models.Q(kind__in=["baseline", "final"]),
                name="one_baseline_and_one_final_per_cycle",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class GradebookLink(models.Model):
    """A OneRoster gradebook lineItem whose results are a measure at an occasion."""

    line_item_sourced_id = models.CharField(max_length=255)
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="gradebook_links")
    occasion = models.ForeignKey(Occasion, on_delete=models.CASCADE, related_name="gradebook_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "line_item_sourced_id"], name="line_item_once_per_measure"
            )
        ]

    def __str__(self) -> str:
        return f"{self.line_item_sourced_id} → {self.measure} at {self.occasion}"


class Score(models.Model):
    """A student's score on a measure at an occasion: one cell of the evidence grid."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="scores")
    occasion = models.ForeignKey(Occasion, on_delete=models.CASCADE, related_name="scores")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="scores")
    school_class = models.ForeignKey(
        SchoolClass, null=True, blank=True, on_delete=models.PROTECT, related_name="scores"
    )
    value = models.FloatField(_("score"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "occasion", "student"], name="one_score_per_cell"
            )
        ]
        # The unique index serves reads by measure (a cycle's evidence); this one
        # the grid's read of one occasion. Foreign keys index student and class.
        indexes = [models.Index(fields=["occasion", "measure"])]

    def __str__(self) -> str:
        return f"{self.student_id} {self.measure_id}@{self.occasion_id} = {self.value:g}"


class EvidenceDeletion(models.Model):
    """An audit row for evidence that was deleted: who, when, what, how many, and why.

    ``how`` says which way it went: confirmed on the delete page (with the reason the
    person typed), or a cell emptied in the score grid, which is a deletion too and
    is recorded as one, with that code as its reason.
    """

    class How(models.TextChoices):
        CONFIRMED = "confirmed", _("deleted on the delete page")
        CLEARED_IN_GRID = "cleared-in-grid", _("cleared in the score grid")

    cycle = models.ForeignKey(InquiryCycle, on_delete=models.CASCADE, related_name="deletions")
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    deleted_at = models.DateTimeField(auto_now_add=True)
    what = models.CharField(max_length=300)
    count = models.PositiveIntegerField()
    reason = models.TextField(blank=True)
    how = models.CharField(max_length=20, choices=How.choices, default=How.CONFIRMED)

    class Meta:
        ordering = ["-deleted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.count} × {self.what}"


class EvidenceBatch(models.Model):
    """A batch of scores sent through the API, kept so that sending it again writes nothing.

    ``external_id`` is the sender's name for the batch (its body field, or the
    ``Idempotency-Key`` header); ``digest`` is the SHA-256 of the batch's scores, so
    that the same id with other scores is refused rather than half-applied. The counts
    are the first answer, given again to a repeat.
    """

    cycle = models.ForeignKey(InquiryCycle, on_delete=models.CASCADE, related_name="batches")
    external_id = models.CharField(max_length=200)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    digest = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    blank = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "external_id"], name="evidence_batch_once_per_cycle"
            )
        ]

    def __str__(self) -> str:
        return self.external_id

    def is_same_body(self, digest: str) -> bool:
        return self.digest == digest


class EvidenceUpload(BackgroundRun):
    """A scores file (CSV/XLSX) or a gradebook export uploaded on a page, applied by the worker.

    The request only checks the file's size and type and keeps it in the storage
    (``stored_names``); a background task validates the whole file and writes every
    score or none, and records the outcome here: the summary (created, updated,
    unchanged, blank), or every problem. The files go once the run has finished: a
    person who fixes a problem uploads again.
    """

    class Kind(models.TextChoices):
        SCORES = "scores", _("scores file")
        GRADEBOOK = "gradebook", _("gradebook export")

    class Failure(models.TextChoices):
        INVALID = "invalid", _("the file has problems")
        ERROR = "error", _("an unexpected error")
        INTERRUPTED = "interrupted", _("the worker stopped")

    cycle = models.ForeignKey(InquiryCycle, on_delete=models.CASCADE, related_name="uploads")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The files in the storage ("evidence/<uuid>.csv"; a gradebook's lineItems and results).
    stored_names = models.JSONField(default=list, blank=True)
    failure = models.CharField(max_length=20, choices=Failure.choices, blank=True)
    # A gradebook export's columns, shown beside its problems to help link the right one.
    line_items = models.JSONField(default=list, blank=True)

    class Meta(BackgroundRun.Meta):
        pass

    @property
    def progress_key(self) -> str:
        """This run's progress and heartbeat in :mod:`efficacy.progress`."""
        return f"evidence-upload-{self.pk}"


class Reflection(models.Model):
    """The team's answers to the cause-and-effect prompts, written while reviewing."""

    cycle = models.OneToOneField(InquiryCycle, on_delete=models.CASCADE, related_name="reflection")
    strategy_impact = models.TextField(_("What was the impact of each strategy?"), blank=True)
    understanding = models.TextField(
        _("What do we see that suggests students understand, or do not?"), blank=True
    )
    continue_change_stop = models.TextField(
        _("What should we continue, change or stop?"), blank=True
    )
    years_growth = models.TextField(
        _("Are we getting a year's growth for a year's input?"), blank=True
    )
    # {strategy_id (as a string): note}
    strategy_notes = models.JSONField(default=dict, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    PROMPTS = ("strategy_impact", "understanding", "continue_change_stop", "years_growth")

    def __str__(self) -> str:
        return f"Reflection on {self.cycle}"


class MasteryMoment(models.Model):
    """A cycle whose evidence met its goal, with the team's reflection on why."""

    cycle = models.ForeignKey(
        InquiryCycle, on_delete=models.CASCADE, related_name="mastery_moments"
    )
    #: The reflection as it was at closing: ``{prompt: answer}``, prompts being
    #: :attr:`Reflection.PROMPTS` (labels are translated when shown, never stored).
    reflection = models.JSONField(_("reflection"), default=dict, blank=True)
    evidence_summary = models.JSONField(default=dict)
    rule = models.CharField(max_length=40)
    #: How strong the evidence is that the team's work made the difference: one of
    #: :data:`efficacy.analysis.verdict.GRADES`, stored as judged at closing.
    evidence_grade = models.CharField(max_length=30, blank=True)
    #: A mastery moment (the goal was met), or a learning story (it was not, and the
    #: team shares what it learned: the story says so plainly).
    goal_met = models.BooleanField(default=True)
    published = models.BooleanField(_("published as a cycle story"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Mastery moment: {self.cycle}"


class ImpactSummary(models.Model):
    """A cycle's headline impact as last recomputed, so dashboards read it without recomputing.

    Written only by :func:`efficacy.cycles.impact.recompute.impact_recompute` (one row per
    cycle, updated in place). The pre/post figures are the focus group's d_av on the
    impact measure, baseline to final, beside the growth expected over the cycle's
    weeks (``expected_growth``); the comparison figures are the ANCOVA-adjusted
    and difference-in-differences g when the cycle has comparison-group scores. An
    empty figure comes with its ``reason``, a code with its parameters (one of
    :attr:`NOTES`, or a :class:`efficacy.privacy.SuppressionReason`), translated by
    :meth:`reason_text` when shown. A group below the reporting threshold has no
    stored size (``n`` or ``n_comparison`` is NULL).
    """

    NO_MEASURE = "no_measure"
    NO_FOCUS_SCORES = "no_focus_scores"
    NO_COMPARISON = "no_comparison"
    NO_COMPARISON_PAIRS = "no_comparison_pairs"
    #: Why a figure could not be computed (not a privacy matter: a missing occasion, such
    #: as a final not yet entered, is one of these, never a suppression).
    NOTES = {
        NO_MEASURE: _("The cycle has no measure yet."),
        NO_FOCUS_SCORES: _(
            "No focus-group student has both a baseline and a final score on this measure yet."
        ),
        NO_COMPARISON: _("No comparison group scores: only the pre/post effect can be shown."),
        NO_COMPARISON_PAIRS: _(
            "No comparison-group student has both a baseline and a final score on this measure yet."
        ),
    }

    cycle = models.OneToOneField(
        InquiryCycle, on_delete=models.CASCADE, related_name="impact_summary"
    )
    measure = models.ForeignKey(
        Measure, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    measure_name = models.CharField(_("measure"), max_length=200, blank=True)
    n = models.PositiveIntegerField(
        _("focus students with both scores"), null=True, blank=True, default=0
    )
    effect = models.FloatField(_("pre/post effect (d_av)"), null=True, blank=True)
    ci_low = models.FloatField(null=True, blank=True)
    ci_high = models.FloatField(null=True, blank=True)
    #: 0.40 a school year prorated to the cycle's weeks: the reference to read ``effect``
    #: against (their ratio would read as "years", which it is not: a pace).
    expected_growth = models.FloatField(_("growth expected over the cycle"), null=True, blank=True)
    reason = models.JSONField(_("why the pre/post effect is not shown"), default=dict, blank=True)
    n_comparison = models.PositiveIntegerField(
        _("comparison students with both scores"), null=True, blank=True, default=0
    )
    ancova_g = models.FloatField(_("ANCOVA-adjusted g"), null=True, blank=True)
    ancova_ci_low = models.FloatField(null=True, blank=True)
    ancova_ci_high = models.FloatField(null=True, blank=True)
    did_g = models.FloatField(_("difference-in-differences g"), null=True, blank=True)
    did_ci_low = models.FloatField(null=True, blank=True)
    did_ci_high = models.FloatField(null=True, blank=True)
    baseline_g = models.FloatField(_("baseline g"), null=True, blank=True)
    baseline_equivalence = models.CharField(max_length=20, blank=True)
    comparison_reason = models.JSONField(
        _("why the comparison is not shown"), default=dict, blank=True
    )
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("impact summary")
        verbose_name_plural = _("impact summaries")

    def __str__(self) -> str:
        return f"Impact of {self.cycle_id}: {self.effect}"

    @property
    def reason_text(self) -> str:
        return self.reason_message(self.reason)

    @property
    def comparison_reason_text(self) -> str:
        return self.reason_message(self.comparison_reason)

    @classmethod
    def reason_message(cls, stored: dict | None) -> str:
        """A stored reason in the active language ("" when there is none)."""
        code = (stored or {}).get("code", "")
        if not code:
            return ""
        if code in cls.NOTES:
            return str(cls.NOTES[code])
        return privacy.SuppressionReason.from_dict(stored).message()

"""The school roster: districts, schools, terms, staff, students, classes, teams.

Records that come from a OneRoster export carry its ``sourced_id`` so that a
re-import upserts instead of duplicating, and a ``status``: records that leave
the export are *retired*, never destroyed, because cycles and evidence point
at them.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from efficacy.progress import BackgroundRun
from efficacy.roster import time


class Status(models.TextChoices):
    ACTIVE = "active", _("active")
    RETIRED = "retired", _("retired")


class Sourced(models.Model):
    """A record that may come from a OneRoster export."""

    sourced_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    date_last_modified = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_active(self) -> bool:  # pragma: no cover - trivial
        return self.status == Status.ACTIVE


class ActiveQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Status.ACTIVE)


class Zoned(Sourced):
    """A district or a school: a place with a time zone (efficacy/roster/time.py)."""

    #: An IANA name; empty, the district keeps the site's ``TIME_ZONE`` and the school its
    #: district's. A default in the database too: the OneRoster import inserts rows by
    #: plain SQL, and OneRoster carries no time zone (an imported school starts with its
    #: district's).
    time_zone = models.CharField(
        _("time zone"),
        max_length=time.MAX_LENGTH,
        blank=True,
        default="",
        db_default="",
        validators=[time.validate_time_zone],
    )

    class Meta:
        abstract = True

    @property
    def time_zone_name(self) -> str:  # pragma: no cover - each place says
        raise NotImplementedError

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return time.zone(self.time_zone_name)

    def today(self, now: dt.datetime | None = None) -> dt.date:
        """The date it is (or was at ``now``) there: what a cycle, a meeting or a survey
        window started now is dated, whoever or whatever starts it."""
        return time.today_in(self.time_zone_name, now)


class District(Zoned):
    name = models.CharField(_("name"), max_length=255)
    identifier = models.CharField(max_length=255, blank=True)

    objects = ActiveQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def time_zone_name(self) -> str:
        """The time zone the district keeps: its own, else the site's."""
        return self.time_zone or time.default_time_zone()


class School(Zoned):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="schools")
    name = models.CharField(_("name"), max_length=255)
    identifier = models.CharField(max_length=255, blank=True)

    objects = ActiveQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def time_zone_name(self) -> str:
        """The time zone the school keeps: its own, else its district's."""
        return self.time_zone or self.district.time_zone_name


class AcademicSession(Sourced):
    """A school year, semester, term or grading period (OneRoster academicSessions)."""

    class Kind(models.TextChoices):
        SCHOOL_YEAR = "schoolYear", _("school year")
        SEMESTER = "semester", _("semester")
        TERM = "term", _("term")
        GRADING_PERIOD = "gradingPeriod", _("grading period")

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="sessions")
    title = models.CharField(_("title"), max_length=255)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    start_date = models.DateField()
    end_date = models.DateField()
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    school_year = models.PositiveSmallIntegerField(help_text=_("The year the school year ends."))

    objects = ActiveQuerySet.as_manager()

    class Meta:
        ordering = ["start_date", "title"]

    def __str__(self) -> str:
        return self.title


class Role(models.TextChoices):
    TEACHER = "teacher", _("Teacher")
    TEAM_LEAD = "team_lead", _("Team lead")
    COACH = "coach", _("Coach")
    SCHOOL_LEADER = "school_leader", _("School leader")
    DISTRICT_ANALYST = "district_analyst", _("District analyst")
    ADMINISTRATOR = "administrator", _("Administrator")


#: The username of an erased staff account is this and its id (:mod:`efficacy.rights`).
ERASED_USERNAME_PREFIX = "former-staff-"


class User(AbstractUser):
    """A staff member who signs in. Students never have accounts.

    ``school`` is empty for district-wide staff (analysts, district administrators).
    """

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.TEACHER)
    district = models.ForeignKey(
        District, null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    sourced_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    date_last_modified = models.DateTimeField(null=True, blank=True)
    #: The language the person chose (the selector at the foot of every page): their pages
    #: and e-mails are written in it. Empty: their browser's (e-mails: the site's).
    #: A code of ``settings.LANGUAGES`` (checked by the forms that set it, so adding a
    #: language needs no migration).
    language = models.CharField(_("language"), max_length=10, blank=True, default="")

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        if self.is_erased:
            return str(_("a former staff member"))
        return self.get_full_name() or self.username

    @property
    def is_erased(self) -> bool:
        """The account of a former staff member whose data was erased (its records stay)."""
        return self.username.startswith(ERASED_USERNAME_PREFIX)

    @property
    def has_password(self) -> bool:
        """The account has a password of its own (imported staff start without one)."""
        return bool(self.password) and self.has_usable_password()


#: The same rule as :attr:`User.has_password`, as a filter.
HAS_PASSWORD = ~models.Q(password="") & ~models.Q(password__startswith=UNUSABLE_PASSWORD_PREFIX)


class Course(Sourced):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="courses")
    title = models.CharField(_("title"), max_length=255)
    course_code = models.CharField(max_length=100, blank=True)
    grades = models.JSONField(default=list, blank=True)
    subjects = models.JSONField(default=list, blank=True)

    objects = ActiveQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class SchoolClass(Sourced):
    """A class section (OneRoster ``classes``). Named so to avoid Python's ``class``."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="classes")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="classes")
    title = models.CharField(_("title"), max_length=255)
    class_code = models.CharField(max_length=100, blank=True)
    class_type = models.CharField(max_length=20, default="scheduled")
    location = models.CharField(max_length=255, blank=True)
    grades = models.JSONField(default=list, blank=True)
    subjects = models.JSONField(default=list, blank=True)
    periods = models.JSONField(default=list, blank=True)
    terms = models.ManyToManyField(AcademicSession, related_name="classes", blank=True)

    objects = ActiveQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("class")
        verbose_name_plural = _("classes")

    def __str__(self) -> str:
        return self.title

    @property
    def label(self) -> str:
        """The title, with the class code when the title does not already say it
        ("English (ENG1P-01)" stays as it is; never "English (ENG1P-01) (ENG1P-01)")."""
        if self.class_code and self.class_code not in self.title:
            return f"{self.title} ({self.class_code})"
        return self.title


class Student(Sourced):
    """A student. The attributes teams use to define focus groups live here:
    ``grade``, ``pathway`` (e.g. applied / academic) and ``attributes`` (OneRoster
    demographics flags, ``metadata.*`` columns, school-defined attributes)."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="students")
    given_name = models.CharField(_("given name"), max_length=255)
    family_name = models.CharField(_("family name"), max_length=255)
    identifier = models.CharField(_("student number"), max_length=255, blank=True)
    grade = models.CharField(_("grade"), max_length=10, blank=True)
    pathway = models.CharField(_("pathway"), max_length=50, blank=True)
    attributes = models.JSONField(default=dict, blank=True)

    objects = ActiveQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name"]
        indexes = [models.Index(fields=["school", "grade", "pathway"])]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"


class Enrollment(Sourced):
    """A student in a class, or a teacher teaching it (OneRoster ``enrollments``).

    Exactly one of ``student`` and ``staff`` is set, matching ``role``.
    """

    class EnrollmentRole(models.TextChoices):
        STUDENT = "student", _("student")
        TEACHER = "teacher", _("teacher")
        AIDE = "aide", _("aide")
        ADMINISTRATOR = "administrator", _("administrator")

    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.PROTECT, related_name="enrollments"
    )
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="enrollments")
    role = models.CharField(max_length=20, choices=EnrollmentRole.choices)
    student = models.ForeignKey(
        Student, null=True, blank=True, on_delete=models.PROTECT, related_name="enrollments"
    )
    staff = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="enrollments"
    )
    primary = models.BooleanField(default=False)
    begin_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)

    objects = ActiveQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(student__isnull=False, staff__isnull=True)
                    | models.Q(student__isnull=True, staff__isnull=False)
                ),
                name="enrollment_student_xor_staff",
            )
        ]
        indexes = [
            models.Index(fields=["school_class", "role", "status"]),
            models.Index(fields=["staff", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.student or self.staff} in {self.school_class_id} ({self.role})"


class Team(models.Model):
    """A professional learning community inside a school (grade level or department)."""

    class Kind(models.TextChoices):
        GRADE = "grade", _("grade-level team")
        DEPARTMENT = "department", _("department team")
        OTHER = "other", _("other team")

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    description = models.TextField(_("description"), blank=True)
    members = models.ManyToManyField(User, through="TeamMembership", related_name="teams")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="team_name_unique_in_school")
        ]

    def __str__(self) -> str:
        return self.name


class TeamMembership(models.Model):
    class TeamRole(models.TextChoices):
        MEMBER = "member", _("member")
        LEAD = "lead", _("lead")
        COACH = "coach", _("coach")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="team_memberships")
    role = models.CharField(max_length=10, choices=TeamRole.choices, default=TeamRole.MEMBER)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="one_membership_per_team")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team} ({self.role})"


class ImportRun(BackgroundRun):
    """One roster upload from the web page, imported by a background task.

    The upload is kept in the storage (``stored_name``); the task records its outcome
    here, and its progress as it goes through :mod:`efficacy.progress`.
    """

    class Failure(models.TextChoices):
        """Why a failed run failed: only an export with problems must be fixed first."""

        INVALID = "invalid", _("the export has problems")
        ERROR = "error", _("an unexpected error")
        INTERRUPTED = "interrupted", _("the worker stopped")

    created_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="import_runs"
    )
    failure = models.CharField(max_length=20, choices=Failure.choices, blank=True)
    # The upload's name in the storage ("imports/<uuid>.zip"); "" once the retention purged it.
    stored_name = models.CharField(max_length=1000)
    stage = models.CharField(max_length=100, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)

    class Meta(BackgroundRun.Meta):
        pass

    @property
    def can_start_again(self) -> bool:
        """A run that failed on something other than its export may simply be run again."""
        return self.status == self.RunStatus.FAILED and self.failure != self.Failure.INVALID

    @property
    def progress_key(self) -> str:
        """This run's progress and heartbeat in :mod:`efficacy.progress` (its own, never
        its upload's: a run started again shares the upload)."""
        return f"roster-import-{self.pk}"


class AccountEvent(models.Model):
    """What an administrator (or the person) did to an account: who, when, what.

    The action is stored as a code and ``detail`` as data (e.g. the roles before
    and after), translated only when shown.
    """

    class Action(models.TextChoices):
        INVITED = "invited", _("invitation sent")
        INVITATION_ACCEPTED = "invitation_accepted", _("first password set from the invitation")
        RESET_SENT = "reset_sent", _("password reset link sent")
        PASSWORD_RESET = "password_reset", _("password reset from a link")
        PASSWORD_CHANGED = "password_changed", _("password changed")
        ROLE_CHANGED = "role_changed", _("role changed")
        DEACTIVATED = "deactivated", _("deactivated")
        REACTIVATED = "reactivated", _("reactivated")

    account = models.ForeignKey(User, on_delete=models.CASCADE, related_name="account_events")
    by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=30, choices=Action.choices)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["account", "action", "at"])]

    def __str__(self) -> str:
        return f"{self.account_id} {self.action} at {self.at:%Y-%m-%d %H:%M}"

    def _role_label(self, key: str) -> str:
        code = self.detail.get(key, "")
        return Role(code).label if code in Role.values else code

    @property
    def role_from(self) -> str:
        return self._role_label("from")

    @property
    def role_to(self) -> str:
        return self._role_label("to")

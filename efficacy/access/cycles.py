"""Who may read and change inquiry cycles and mastery moments.

Built only from :mod:`efficacy.access.roster`, so the role rules stay in that
one package.

Reading: a cycle is visible to whoever may see its team (members, the school
leader, the district's analysts); a *published* mastery moment is visible to
every active staff member of the team's school, because spreading the practice
to the whole faculty is what publishing is for. Anything else is a 404.
Student-level evidence (the grid, the export) needs more than reading:
``can_contribute_to_team`` (members and editors), never an analyst.

Writing: views fetch the cycle with ``access_cycle`` and then call a service,
which re-checks the *write* rule here, because seeing a team does not mean
changing it. Two levels, as the roster rules define them:

* **edit** (``can_edit_team``: the team's lead or coach, the school leader):
  the cycle itself: goals, groups, plan, strategies, measures, occasions,
  status, closing;
* **contribute** (``can_contribute_to_team``: any member too): evidence,
  reflection, ticking off milestones. A contributor who is not an editor
  enters scores only for students in classes they teach.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from efficacy.access import roster as access
from efficacy.access.roster import (
    ObjectId,
    Person,
    can_contribute_to_team,
    can_edit_team,
    is_active_account,
    is_administrator,
)
from efficacy.cycles.models import EvidenceUpload, InquiryCycle, MasteryMoment
from efficacy.roster.models import Enrollment, Role, School, Status, Student, Team

#: Who may add a strategy to their school's own library.
STRATEGY_AUTHORS = {Role.SCHOOL_LEADER, Role.COACH, Role.TEAM_LEAD}


# --- reading ------------------------------------------------------------------


def cycles_for(user: Person) -> QuerySet[InquiryCycle]:
    return InquiryCycle.objects.filter(team__in=access.teams_for(user))


def access_cycle(user: Person, cycle_id: ObjectId) -> InquiryCycle:
    return access.get_or_404(cycles_for(user).select_related("team", "team__school"), cycle_id)


def district_schools_for(user: Person) -> QuerySet[School]:
    """The active schools whose aggregates a person reads on the district dashboard: their
    district's, for those who see the district overview (analysts, district administrators)."""
    if not access.can_see_district_overview(user):
        return School.objects.none()
    return access.schools_for(user).filter(status=Status.ACTIVE)


def district_cycles_for(user: Person) -> QuerySet[InquiryCycle]:
    """Cycles whose aggregates (stage, stored impact summary) feed the district dashboard and
    its exports: every cycle of :func:`district_schools_for`. Never a student's row: the
    evidence export keeps groups at or above the reporting threshold under a pseudonym."""
    return InquiryCycle.objects.filter(team__school__in=district_schools_for(user))


def moments_for(user: Person) -> QuerySet[MasteryMoment]:
    if not is_active_account(user):
        return MasteryMoment.objects.none()
    visible = Q(cycle__team__in=access.teams_for(user))
    if user.school_id is not None:
        visible |= Q(published=True, cycle__team__school_id=user.school_id)
    return MasteryMoment.objects.filter(visible).distinct()


def access_moment(user: Person, moment_id: ObjectId) -> MasteryMoment:
    moments = moments_for(user).select_related("cycle", "cycle__team", "cycle__team__school")
    return access.get_or_404(moments, moment_id)


def access_library_school(user: Person, school_id: ObjectId) -> School:
    """The school whose strategy library a person may browse: their own school's (any
    active staff member), or one the roster rules let them open (404 otherwise)."""
    if is_active_account(user) and user.school_id is not None and user.school_id == school_id:
        return access.get_or_404(School.objects.filter(pk=user.school_id), school_id)
    return access.access_school(user, school_id)


def access_feed_school(user: Person, school_id: ObjectId) -> School:
    """The school whose feed of mastery moments a person reads: their own school, and
    only it (404 otherwise), since publishing shares a story with one school's staff."""
    if not is_active_account(user) or user.school_id is None:
        raise Http404
    own = School.objects.filter(pk=user.school_id, status=Status.ACTIVE)
    return access.get_or_404(own, school_id)


def can_see_story_names(user: Person, school: School) -> bool:
    """A cycle story names the team's members to staff of the team's school; anyone
    else (a district analyst, say) reads their roles only."""
    return is_active_account(user) and user.school_id == school.pk


def can_see_student_evidence(user: Person, cycle: InquiryCycle) -> bool:
    """The grid and the student-level export: team members and editors only."""
    return can_contribute_to_team(user, cycle.team)


def access_evidence_upload(user: Person, cycle_id: ObjectId, upload_id: ObjectId) -> EvidenceUpload:
    """An evidence upload's run and outcome (its problems quote the file's rows): for
    whoever may see the cycle's student-level evidence, and for its uploader while they
    still see the cycle. Anyone else gets a 404."""
    cycle = access_cycle(user, cycle_id)
    upload = access.get_or_404(cycle.uploads.select_related("created_by"), upload_id)
    if can_see_student_evidence(user, cycle):
        return upload
    if is_active_account(user) and upload.created_by_id == user.pk:
        return upload
    raise Http404


def evidence_students_for(user: Person, cycle: InquiryCycle) -> QuerySet[Student]:
    """Students whose rows of the cycle's evidence the person sees (grid, export).

    Those who run the cycle (its lead and coach, the school leader) see every
    student of it; a plain member the students they teach, and team-level
    figures (the impact panel) for the rest; anyone else, nobody.
    """
    if can_edit_team(user, cycle.team):
        return Student.objects.filter(access.NOT_ERASED, school_id=cycle.team.school_id)
    if not can_contribute_to_team(user, cycle.team):
        return Student.objects.none()
    taught = Enrollment.objects.filter(
        role=Enrollment.EnrollmentRole.STUDENT,
        status=Status.ACTIVE,
        school_class_id__in=own_class_ids(user),
    ).values("student_id")
    return Student.objects.filter(access.NOT_ERASED, pk__in=taught)


def student_attributes_for(user: Person) -> QuerySet[Student]:
    """Students whose attributes (IEP, ELL, ...) the person may read, anywhere: exactly
    those whose roster page they may open. Evidence pages and exports never reach
    further than the roster does."""
    return access.students_for(user)


# --- writing ------------------------------------------------------------------
def require_editor(user: Person, team: Team) -> None:
    if not can_edit_team(user, team):
        raise PermissionDenied(
            _("Only the lead or coach of %(team)s (or the school leader) can change its cycles.")
            % {"team": team}
        )


def require_contributor(user: Person, team: Team) -> None:
    if not can_contribute_to_team(user, team):
        raise PermissionDenied(
            _("Only members of %(team)s can add to its cycles.") % {"team": team}
        )


def can_add_strategy(user: Person, school: School) -> bool:
    """School leaders, coaches and team leads extend their own school's strategy library."""
    return (
        is_active_account(user)
        and user.school_id == school.pk
        and (user.role in STRATEGY_AUTHORS or is_administrator(user))
    )


@dataclass(frozen=True)
class EvidenceRights:
    """What one person may do to one cycle's scores, read once per request.

    Editors (the lead, the coach, the school leader) enter, change and delete any
    of the cycle's scores. A member enters scores for students in classes they
    teach, files them under one of those classes, and changes or clears only a
    score filed under one of their classes: a colleague's score is not theirs to
    overwrite, nor to empty.
    """

    editor: bool
    own_classes: frozenset[int]

    def may_enter_for(self, student_classes: set[int]) -> bool:
        return self.editor or bool(student_classes & self.own_classes)

    def may_file_under(self, class_id: int | None) -> bool:
        return self.editor or class_id in self.own_classes

    def may_change(self, stored_class_id: int | None) -> bool:
        """A stored score: may this person overwrite or clear it?"""
        return self.editor or stored_class_id in self.own_classes


def evidence_rights_for(user: Person, cycle: InquiryCycle) -> EvidenceRights:
    return EvidenceRights(
        editor=can_edit_team(user, cycle.team), own_classes=frozenset(own_class_ids(user))
    )


def own_class_ids(user: Person) -> set[int]:
    """Classes the user teaches (an active teacher enrolment)."""
    if not is_active_account(user):
        return set()
    return set(
        Enrollment.objects.filter(
            staff=user, role=Enrollment.EnrollmentRole.TEACHER, status=Status.ACTIVE
        ).values_list("school_class_id", flat=True)
    )

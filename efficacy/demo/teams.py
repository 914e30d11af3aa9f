"""The demo school's teams (professional learning communities), each led by a teacher.

Teams are chosen from who teaches what, as a school would: the Grade 9 English
team is the English teachers who teach grade 9, and so on. The instructional
coach joins every team of their school as its coach.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from efficacy.demo import catalogue as c
from efficacy.demo.school import SchoolPlan, Teacher
from efficacy.roster.models import Role, Team, TeamMembership

# Lead included. Five or more teachers keep a team above the staff anonymity
# threshold, so its collective-efficacy survey can be reported.
TEAM_SIZE = 6


@dataclass(frozen=True)
class TeamSpec:
    name: str
    kind: str
    description: str
    can_lead: Callable[[Teacher], bool]
    can_join: Callable[[Teacher], bool]
    # Who joins first; ``can_join`` fills the remaining places at random.
    core: Callable[[Teacher], bool] = lambda t: False
    one_per_department: bool = False


def _teaches(*codes: str) -> Callable[[Teacher], bool]:
    return lambda t: bool(t.courses & set(codes))


def _in(*departments: str) -> Callable[[Teacher], bool]:
    return lambda t: t.department in departments


def _teaches_applied(t: Teacher) -> bool:
    return any(c.COURSES[code].pathway == "applied" for code in t.courses)


TEAMS: dict[str, TeamSpec] = {
    "grade-9-english": TeamSpec(
        name="Grade 9 English",
        kind=Team.Kind.GRADE,
        description="Grade 9 English teachers. Problem of practice: our applied students "
        "struggle to make inferences from what they read.",
        can_lead=_teaches("ENG1P"),
        core=_teaches("ENG1P", "ENG1D"),
        can_join=_in(c.ENGLISH),
    ),
    "grade-9-mathematics": TeamSpec(
        name="Grade 9 Mathematics",
        kind=Team.Kind.GRADE,
        description="Grade 9 mathematics teachers working on proportional reasoning.",
        can_lead=_teaches("MFM1P"),
        core=_teaches("MFM1P", "MPM1D"),
        can_join=_in(c.MATHEMATICS),
    ),
    "science": TeamSpec(
        name="Science",
        kind=Team.Kind.DEPARTMENT,
        description="The science department, working on scientific explanations in writing.",
        can_lead=_in(c.SCIENCE),
        can_join=_in(c.SCIENCE),
    ),
    "literacy": TeamSpec(
        name="Literacy across the curriculum",
        kind=Team.Kind.OTHER,
        description="One teacher from each department, bringing cross-curricular literacy "
        "strategies into every subject.",
        can_lead=_in(c.CANADIAN_WORLD),
        can_join=_in(c.CANADIAN_WORLD, c.FRENCH, c.ARTS, c.HEALTH_PE, c.TECHNOLOGY),
        one_per_department=True,
    ),
    "student-success": TeamSpec(
        name="Student success",
        kind=Team.Kind.OTHER,
        description="Guidance, special education and teachers of applied courses, "
        "supporting students at risk of not earning their credits.",
        can_lead=_in(c.GUIDANCE),
        core=_in(c.GUIDANCE),
        can_join=_teaches_applied,
    ),
    "grade-9": TeamSpec(
        name="Grade 9",
        kind=Team.Kind.GRADE,
        description="Everyone who teaches grade 9, working on the move to secondary school.",
        can_lead=_teaches("MFM1P"),
        can_join=lambda t: any(c.COURSES[code].grade == "9" for code in t.courses),
    ),
}


@dataclass
class TeamPlan:
    key: str
    team: Team
    memberships: list[TeamMembership]


def plan_teams(plan: SchoolPlan, rng: random.Random) -> list[TeamPlan]:
    """Unsaved teams of one school; their leads get the team-lead role."""
    leads: list[Teacher] = []
    teams: list[TeamPlan] = []
    for key in plan.spec.teams:
        spec = TEAMS[key]
        lead = rng.choice([t for t in plan.teachers if spec.can_lead(t) and t not in leads])
        leads.append(lead)
        lead.user.role = Role.TEAM_LEAD
        members = _members(spec, plan.teachers, lead, rng)
        team = Team(
            school=plan.school, name=spec.name, kind=spec.kind, description=spec.description
        )
        memberships = [TeamMembership(team=team, user=lead.user, role=TeamMembership.TeamRole.LEAD)]
        memberships += [
            TeamMembership(team=team, user=t.user, role=TeamMembership.TeamRole.MEMBER)
            for t in members
        ]
        if plan.coach is not None:
            memberships.append(
                TeamMembership(team=team, user=plan.coach, role=TeamMembership.TeamRole.COACH)
            )
        teams.append(TeamPlan(key=key, team=team, memberships=memberships))
    return teams


def _members(
    spec: TeamSpec, teachers: list[Teacher], lead: Teacher, rng: random.Random
) -> list[Teacher]:
    places = TEAM_SIZE - 1
    others = [t for t in teachers if t is not lead]
    if spec.one_per_department:
        by_department: dict[str, list[Teacher]] = {}
        for teacher in others:
            if spec.can_join(teacher) and teacher.department != lead.department:
                by_department.setdefault(teacher.department, []).append(teacher)
        return [rng.choice(group) for group in by_department.values()][:places]
    core = [t for t in others if spec.core(t)]
    chosen = rng.sample(core, min(len(core), places))
    pool = [t for t in others if spec.can_join(t) and t not in chosen]
    chosen += rng.sample(pool, min(len(pool), places - len(chosen)))
    return sorted(chosen, key=lambda t: t.user.sourced_id)

"""A generated district for the dashboards' benchmark: 100 schools, 2,000 inquiry cycles,
2 million scores, about 114,000 students, their staff and teams, and three survey windows
of collective efficacy in every school.

``district_build()`` writes it into the configured database, deterministically from a
seed and a ``today`` (the same arguments give the same rows, ids aside), and returns a
:class:`DistrictWorld`: who to sign in as, what was made and how long each phase took.
``python -m bench.district_world [--schools N]`` builds one on a fresh temporary database
and prints the phases (``BENCH_DATABASE_URL`` selects PostgreSQL, as for every benchmark).

What it is made of, per school (defaults):

* the roster of ``bench/cycles.py`` (its helpers, reused): 1,144 students in four grades
  and two pathways, 40 English classes, one enrollment each; 32 staff: a school leader,
  a coach and five teams of six (a team lead and five teachers), each class taught by one
  of them; a school year and two semesters, this one and the one before;
* 20 inquiry cycles (``_cycle_plan`` of ``bench/cycles.py``: a grade's applied students
  against its academic ones, one in four without a comparison group), at mixed stages
  relative to ``today``: 14 closed over the last year and a half, 2 reviewing, 3
  implementing, 1 planning; a performance goal (the deciding measure, 60 points, 70 %),
  frozen once started; three milestones each (some overdue);
* scores at every occasion of closed and reviewing cycles and at the first two of
  implementing ones: 1,144 a finished cycle, 2,002,000 in all. Each cycle's lift is drawn
  so that its pre/post effect is about N(0.3, 0.2);
* every cycle's :class:`~efficacy.cycles.models.ImpactSummary` computed by the real
  :func:`~efficacy.cycles.impact.recompute.impact_recompute` (a few seconds for the
  district), not made up;
* for each closed cycle whose effect beat the growth expected, a mastery moment, and for
  every second other closed cycle a learning story. These are written in bulk with a
  simple rule (``rule="bench"``: the grade from the stored effect, interval and
  comparison), not by closing each cycle through its service;
* three closed survey windows of the shipped collective-efficacy instrument (a year
  apart to a month ago); about 85 % of the staff answer (95 % of team members), each
  team's mean rising a little from window to window, so trends by team have data and
  now and then a team falls below the staff threshold.

Not generated: practice (rounds, observations, implementation entries), exit tickets and
the trust tools; the dashboards show those sections empty for the generated schools.
Rows are written with ``bulk_create`` and ``executemany`` in large batches, the scores with
``COPY`` on PostgreSQL; on SQLite they are loaded without their secondary indexes, rebuilt
once (``_bulk_load``).
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from bench.cycles import (
    GRADES,
    PATHWAYS,
    _bulk_load,
    _cycle_plan,
    _ids_by_cycle,
    _insert_scores,
    _score_rows,
    _students_and_classes,
    _trajectories,
)

SCHOOLS, CYCLES_PER_SCHOOL, STUDENTS_PER_SCHOOL = 100, 20, 1_144
TEAMS_PER_SCHOOL, TEACHERS_PER_TEAM = 5, 6
TEAM_NAMES = (
    "Grade 9 English",
    "Grade 10 English",
    "Grade 11 English",
    "Grade 12 English",
    "Literacy",
)
#: Stage by the cycle's place among its school's cycles (fraction below which it applies).
STAGES = ((0.70, "closed"), (0.80, "reviewing"), (0.95, "implementing"), (1.0, "planning"))
#: Occasions scored, by stage: a finished cycle has all four, an implementing one two.
SCORED_OCCASIONS = {"closed": 4, "reviewing": 4, "implementing": 2, "planning": 0}
#: d_av is about lift / 11.7 with ``_trajectories`` (sd 12 before, 11.3 after).
EFFECT_MEAN, EFFECT_SD, POINTS_PER_SD = 0.3, 0.2, 11.7
INSTRUMENT = "efficacy-collective-efficacy"
#: (title, days before today it closes); each window is open for 12 days.
WINDOWS = (
    ("Collective efficacy, last autumn", 365),
    ("Collective efficacy, winter", 200),
    ("Collective efficacy, autumn", 30),
)
ANSWER_RATE, TEAM_ANSWER_RATE = 0.85, 0.95
SCORES_BATCH = 200_000


@dataclass
class DistrictWorld:
    """What :func:`district_build` made: ids to sign in as, counts and phase timings."""

    district_id: int
    school_ids: list[int]
    #: The school leader of the first school, a member (team lead) of its first team, a
    #: teacher of that team who teaches classes, and the district's analyst.
    leader_id: int
    team_id: int
    member_id: int
    teacher_id: int
    analyst_id: int
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def report(self) -> str:
        counts = ", ".join(f"{n:,} {what}" for what, n in self.counts.items())
        phases = ", ".join(f"{what} {s:.1f} s" for what, s in self.seconds.items())
        total = sum(self.seconds.values())
        return (
            f"generated district: {counts}\n  built in {total:.1f} s ({phases})\n"
            f"  {pooled_line(self.district_id)}"
        )


def pooled_line(district_id: int) -> str:
    """The random-effects pooled effect of the district's closed cycles, as the forest plots
    show it: a check that the stored summaries look like real cycles."""
    from efficacy.cycles.impact.pooled import pooled_impact
    from efficacy.cycles.models import ImpactSummary

    closed = ImpactSummary.objects.filter(
        cycle__team__school__district=district_id, cycle__status="closed"
    )
    pooled = pooled_impact(closed)
    if not pooled.shown:
        return f"closed cycles pooled: not shown ({pooled.note})"
    (low, high), pi = pooled.ci, pooled.prediction
    prediction = f", prediction [{pi[0]:.2f}, {pi[1]:.2f}]" if pi else ""
    return (
        f"{pooled.k:,} closed cycles pooled (random effects): d_av {pooled.estimate:.2f} "
        f"[{low:.2f}, {high:.2f}]{prediction}, tau^2 {pooled.tau2:.3f}, I^2 {pooled.i2:.0%}"
    )


def stage_of(c: int, per_school: int) -> str:
    """The stage of a school's ``c``-th cycle (of ``per_school``)."""
    place = c / per_school
    return next(stage for limit, stage in STAGES if place < limit)


def district_build(
    *,
    schools: int = SCHOOLS,
    cycles_per_school: int = CYCLES_PER_SCHOOL,
    students_per_school: int = STUDENTS_PER_SCHOOL,
    seed: int = 12,
    today: dt.date | None = None,
    tag: str = "bench",
) -> DistrictWorld:
    """Build the district (see the module's docstring). ``tag`` prefixes its usernames and
    names, so that two districts can live in one database."""
    from django.utils import timezone

    today = today or timezone.localdate()
    rng = np.random.default_rng(seed)
    seconds: dict[str, float] = {}
    counts: dict[str, int] = {}
    per_group = students_per_school // (len(GRADES) * len(PATHWAYS))

    with _phase(seconds, "roster"):
        roster = _roster(tag, schools, per_group, today)
    with _phase(seconds, "cycles"):
        plans = _cycles(roster, cycles_per_school, rng, today)
    with _phase(seconds, "scores"):
        counts["scores"] = _scores(plans, rng)
    with _phase(seconds, "impact recompute"):
        from efficacy.cycles.impact.recompute import cycles_in_scope, impact_recompute

        impact_recompute(cycles=cycles_in_scope(district=roster["district"]))
    with _phase(seconds, "mastery moments"):
        counts["mastery moments"] = _mastery_moments(plans)
    with _phase(seconds, "surveys"):
        counts["survey responses"] = _surveys(roster, rng, today)
    with _phase(seconds, "analyze"):
        _analyze()

    first = roster["schools"][0]
    team = roster["teams"][first.pk][0]
    members = roster["members"][team.pk]
    counts = {
        "schools": schools,
        "students": schools * per_group * len(GRADES) * len(PATHWAYS),
        "staff": sum(len(s) for s in roster["staff"].values()),
        "cycles": len(plans),
        **counts,
    }
    return DistrictWorld(
        district_id=roster["district"].pk,
        school_ids=[s.pk for s in roster["schools"]],
        leader_id=roster["leaders"][first.pk].pk,
        team_id=team.pk,
        member_id=members[0].pk,
        teacher_id=members[1].pk,
        analyst_id=roster["analyst"].pk,
        counts=counts,
        seconds=seconds,
    )


@contextmanager
def _phase(seconds: dict[str, float], name: str):
    start = time.perf_counter()
    yield
    seconds[name] = time.perf_counter() - start


def _analyze() -> None:
    """Planner statistics for the new rows, as autovacuum would gather them on a database
    in use: just after a bulk load PostgreSQL still plans for empty tables. (SQLite has
    none unless ``ANALYZE`` is run, which Efficacy does not do: left as it is.)"""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


# --- roster ---------------------------------------------------------------------------


def _roster(tag: str, schools: int, per_group: int, today: dt.date) -> dict:
    from efficacy.roster.models import (
        District,
        Enrollment,
        Role,
        School,
        SchoolClass,
        Team,
        TeamMembership,
        User,
    )

    district = District.objects.create(name=f"Generated district ({tag})")
    made = School.objects.bulk_create(
        School(district=district, name=f"School {i:03d}") for i in range(schools)
    )
    terms = _sessions(district, today)
    analyst = User.objects.create(
        username=f"{tag}-analyst", password="!", district=district, role=Role.DISTRICT_ANALYST
    )
    students, classes = {}, {}
    for school in made:
        students[school.pk], classes[school.pk] = _students_and_classes(
            school, per_group=per_group, grades=GRADES
        )
    # Staff: a leader, a coach, then the teams' members (the first of each is its lead).
    people = []
    for i, school in enumerate(made):
        common = {"password": "!", "school": school, "district": district}
        people.append(
            User(
                username=f"{tag}-s{i:03d}-leader",
                role=Role.SCHOOL_LEADER,
                first_name="Leader",
                last_name=f"{i:03d}",
                **common,
            )
        )
        people.append(
            User(
                username=f"{tag}-s{i:03d}-coach",
                role=Role.COACH,
                first_name="Coach",
                last_name=f"{i:03d}",
                **common,
            )
        )
        for k in range(TEAMS_PER_SCHOOL * TEACHERS_PER_TEAM):
            role = Role.TEAM_LEAD if k % TEACHERS_PER_TEAM == 0 else Role.TEACHER
            people.append(
                User(
                    username=f"{tag}-s{i:03d}-t{k:02d}",
                    role=role,
                    first_name="Teacher",
                    last_name=f"{i:03d}-{k:02d}",
                    **common,
                )
            )
    User.objects.bulk_create(people, batch_size=2_000)
    staff: dict[int, list] = {s.pk: [] for s in made}
    for user in User.objects.filter(school__in=made).order_by("pk"):
        staff[user.school_id].append(user)
    teams = {
        school.pk: Team.objects.bulk_create(
            Team(school=school, name=name, kind=Team.Kind.GRADE if k < 4 else Team.Kind.OTHER)
            for k, name in enumerate(TEAM_NAMES[:TEAMS_PER_SCHOOL])
        )
        for school in made
    }
    memberships, members, enrollments, leaders = [], {}, [], {}
    class_terms = []
    for school in made:
        leader, coach, *teachers = staff[school.pk]
        leaders[school.pk] = leader
        for t, team in enumerate(teams[school.pk]):
            mine = teachers[t * TEACHERS_PER_TEAM : (t + 1) * TEACHERS_PER_TEAM]
            members[team.pk] = mine
            memberships += [
                TeamMembership(team=team, user=u, role="lead" if j == 0 else "member")
                for j, u in enumerate(mine)
            ]
            memberships.append(TeamMembership(team=team, user=coach, role="coach"))
        class_ids = [pk for ids in classes[school.pk].values() for pk in ids]
        for k, class_id in enumerate(sorted(class_ids)):
            enrollments.append(
                Enrollment(
                    school_class_id=class_id,
                    school=school,
                    role="teacher",
                    staff=teachers[k % len(teachers)],
                    primary=True,
                )
            )
            class_terms += [(class_id, term.pk) for term in terms]
    TeamMembership.objects.bulk_create(memberships, batch_size=5_000)
    Enrollment.objects.bulk_create(enrollments, batch_size=5_000)
    through = SchoolClass.terms.through
    through.objects.bulk_create(
        (through(schoolclass_id=c, academicsession_id=t) for c, t in class_terms), batch_size=5_000
    )
    return {
        "district": district,
        "schools": made,
        "students": students,
        "classes": classes,
        "staff": staff,
        "teams": teams,
        "members": members,
        "leaders": leaders,
        "analyst": analyst,
    }


def _sessions(district, today: dt.date) -> list:
    """This school year and the one before, each with two semesters; returns the semesters."""
    from efficacy.roster.models import AcademicSession

    this_end = today.year + 1 if today.month >= 8 else today.year
    semesters = []
    for end in (this_end - 1, this_end):
        year = AcademicSession.objects.create(
            district=district,
            title=f"{end - 1}-{end}",
            kind="schoolYear",
            school_year=end,
            start_date=dt.date(end - 1, 9, 1),
            end_date=dt.date(end, 6, 30),
        )
        semesters += AcademicSession.objects.bulk_create(
            [
                AcademicSession(
                    district=district,
                    title=f"Semester 1, {end - 1}-{end}",
                    kind="semester",
                    school_year=end,
                    parent=year,
                    start_date=dt.date(end - 1, 9, 1),
                    end_date=dt.date(end, 1, 31),
                ),
                AcademicSession(
                    district=district,
                    title=f"Semester 2, {end - 1}-{end}",
                    kind="semester",
                    school_year=end,
                    parent=year,
                    start_date=dt.date(end, 2, 1),
                    end_date=dt.date(end, 6, 30),
                ),
            ]
        )
    return semesters


# --- cycles -----------------------------------------------------------------------------


def _dates(stage: str, k: int, today: dt.date) -> tuple[dt.date, dt.date]:
    """Start and end of the ``k``-th cycle of a stage in a school."""
    day = dt.timedelta(days=1)
    twelve_weeks = dt.timedelta(weeks=12)
    if stage == "closed":
        end = today - (21 + 35 * k) * day
        return end - twelve_weeks, end
    if stage == "reviewing":
        end = today - (5 + 5 * k) * day
        return end - twelve_weeks, end
    if stage == "implementing":
        start = today - (42 + 7 * k) * day
        return start, start + twelve_weeks
    start = today + (14 + 7 * k) * day
    return start, start + twelve_weeks


def _cycles(roster: dict, per_school: int, rng: np.random.Generator, today: dt.date) -> list:
    from efficacy.cycles.models import InquiryCycle, Measure, Milestone, Occasion

    plans = []
    for school in roster["schools"]:
        teams, seen = roster["teams"][school.pk], {}
        for c in range(per_school):
            team = teams[c % len(teams)]
            plan = _cycle_plan(c, team, roster["students"][school.pk], roster["classes"][school.pk])
            stage = stage_of(c, per_school)
            k = seen[stage] = seen.get(stage, -1) + 1
            cycle = plan["cycle"]
            cycle.start_date, cycle.end_date = _dates(stage, k, today)
            cycle.status = stage
            cycle.title = f"{team.name}: inference, cycle {c + 1}"
            cycle.created_by = roster["members"][team.pk][0]
            lift = rng.normal(EFFECT_MEAN, EFFECT_SD) * POINTS_PER_SD
            # _cycle_plan lifts the applied students (the focus) by 4 points or more.
            focus = plan["lift"] != 3.0
            plan.update(stage=stage, team=team, lift=np.where(focus, lift, 3.0))
            plans.append(plan)
    cycles = InquiryCycle.objects.bulk_create((p["cycle"] for p in plans), batch_size=1_000)
    measures, occasions, milestones = [], [], []
    for cycle, plan in zip(cycles, plans, strict=True):
        for m in range(plan["measures"]):
            # Cycles scored on two measures: the uncommon one first, the common one decides.
            measures.append(Measure(cycle=cycle, name=f"Measure {m}", max_score=100, common=m > 0))
        start, end = cycle.start_date, cycle.end_date
        for i, kind in enumerate(["baseline", "checkpoint", "checkpoint", "final"]):
            date = start + (end - start) * i / 3
            occasions.append(
                Occasion(cycle=cycle, name=f"Occasion {i}", kind=kind, order=i, date=date)
            )
        owner = roster["members"][plan["team"].pk]
        for i, title in enumerate(["Agree on the rubric", "Moderate samples", "Share results"]):
            due = start + (end - start) * (i + 1) / 3
            done = due < today and (plan["stage"] != "implementing" or i == 0)
            milestones.append(
                Milestone(cycle=cycle, title=title, owner=owner[i], due_date=due, done=done)
            )
    Measure.objects.bulk_create(measures, batch_size=2_000)
    Occasion.objects.bulk_create(occasions, batch_size=2_000)
    Milestone.objects.bulk_create(milestones, batch_size=2_000)
    measure_ids, occasion_ids = _ids_by_cycle(Measure), _ids_by_cycle(Occasion)
    for cycle, plan in zip(cycles, plans, strict=True):
        plan["cycle"] = cycle
        plan["measure_ids"], plan["occasion_ids"] = measure_ids[cycle.pk], occasion_ids[cycle.pk]
        cycle.performance_measure_id = plan["measure_ids"][-1]
        cycle.performance_threshold, cycle.performance_target_percent = 60, 70
        if plan["stage"] != "planning":
            cycle.goal_at_start = {
                "measure_id": cycle.performance_measure_id,
                "measure": f"Measure {len(plan['measure_ids']) - 1}",
                "threshold": 60,
                "target_percent": 70,
                "prediction": "",
            }
    InquiryCycle.objects.bulk_update(
        cycles,
        [
            "performance_measure",
            "performance_threshold",
            "performance_target_percent",
            "goal_at_start",
        ],
        batch_size=500,
    )
    return plans


def _scores(plans: list, rng: np.random.Generator) -> int:
    from efficacy.cycles.models import Score

    total, rows = 0, []
    bulk = sum(len(p["students"]) * 4 * p["measures"] for p in plans) >= SCORES_BATCH
    with _loading(Score) if bulk else _plain():
        for plan in plans:
            scored = SCORED_OCCASIONS[plan["stage"]]
            if not scored:
                continue
            ids, class_ids = plan["students"], plan["classes"]
            for measure_id in plan["measure_ids"]:
                values = _trajectories(rng, len(ids), 4, lift=plan["lift"])[:, :scored]
                rows += _score_rows(
                    measure_id, plan["occasion_ids"][:scored], ids, class_ids, values
                )
            if len(rows) >= SCORES_BATCH:
                total += _scores_insert(rows)
                rows = []
        total += _scores_insert(rows)
    return total


def _scores_insert(rows: list[tuple]) -> int:
    """Rows of ``_score_rows`` into the scores table: ``COPY`` on PostgreSQL (``executemany``
    there takes minutes for 2 million rows), else ``_insert_scores`` of ``bench/cycles.py``."""
    from django.db import connection, transaction

    from efficacy.cycles.models import Score

    if connection.vendor != "postgresql" or not rows:
        return _insert_scores(rows)
    quote = connection.ops.quote_name
    fields = ["measure", "occasion", "student", "school_class", "value", "entered_at"]
    columns = ", ".join(quote(Score._meta.get_field(f).column) for f in fields)
    sql = f"COPY {quote(Score._meta.db_table)} ({columns}) FROM STDIN"
    with transaction.atomic(), connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
    return len(rows)


@contextmanager
def _plain():
    yield


@contextmanager
def _loading(model):
    """Load ``model``'s table without its secondary indexes, then build them once:
    ``_bulk_load`` of ``bench/cycles.py`` on SQLite, the same with ``pg_indexes`` on
    PostgreSQL (the unique and primary-key indexes stay)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        with _bulk_load(model):
            yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
            "AND indexdef NOT LIKE 'CREATE UNIQUE%%'",
            [model._meta.db_table],
        )
        indexes = cursor.fetchall()
        for name, _sql in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for _name, sql in indexes:
                cursor.execute(sql)


# --- mastery moments --------------------------------------------------------------------


def _grade(summary) -> str:
    """A plausible evidence grade from a stored summary (the bench's rule, not the verdict's)."""
    from efficacy.analysis import verdict

    if summary.effect is None or summary.ci_low is None:
        return verdict.NOT_ENOUGH
    if summary.ci_high < 0:
        return verdict.CONTRADICTED
    if summary.ancova_g is not None:
        if summary.baseline_equivalence == "equivalent":
            return verdict.COMPARISON_EQUIVALENT
        return verdict.COMPARISON_ADJUSTED
    if summary.ci_low > (summary.expected_growth or 0):
        return verdict.GROWTH_BEYOND_EXPECTED
    return verdict.GROWTH_WITHIN_EXPECTED


def _mastery_moments(plans: list) -> int:
    from efficacy.cycles.models import ImpactSummary, MasteryMoment

    closed = [p["cycle"].pk for p in plans if p["stage"] == "closed"]
    summaries = ImpactSummary.objects.filter(cycle_id__in=closed).order_by("cycle_id")
    moments = []
    for n, summary in enumerate(summaries):
        met = summary.effect is not None and summary.effect > (summary.expected_growth or 0)
        if not met and n % 2:
            continue
        moments.append(
            MasteryMoment(
                cycle_id=summary.cycle_id,
                reflection={"strategy_impact": "Modelling inference with think-alouds helped."},
                evidence_summary={
                    "effect": summary.effect,
                    "ci_low": summary.ci_low,
                    "ci_high": summary.ci_high,
                    "n": summary.n,
                },
                rule="bench",
                evidence_grade=_grade(summary),
                goal_met=met,
                published=n % 3 != 0,
            )
        )
    MasteryMoment.objects.bulk_create(moments, batch_size=2_000)
    return len(moments)


# --- surveys ----------------------------------------------------------------------------


def _surveys(roster: dict, rng: np.random.Generator, today: dt.date) -> int:
    from efficacy.voice.models import SurveyInvitation, SurveyResponse, SurveyWindow
    from efficacy.voice.services.instruments import shipped_instrument

    instrument = shipped_instrument(INSTRUMENT)
    definition = instrument.definition
    low = min(s["min"] for s in definition["scales"].values())
    high = max(s["max"] for s in definition["scales"].values())
    items = definition["items"]
    team_of = {
        u.pk: team
        for team in (t for ts in roster["teams"].values() for t in ts)
        for u in roster["members"][team.pk]
    }
    windows = SurveyWindow.objects.bulk_create(
        SurveyWindow(
            school=school,
            instrument=instrument,
            title=title,
            opens_on=today - dt.timedelta(days=ago + 12),
            closes_on=today - dt.timedelta(days=ago),
            created_by=roster["leaders"][school.pk],
        )
        for school in roster["schools"]
        for title, ago in WINDOWS
    )
    invitations, responses = [], []
    for school_index, school in enumerate(roster["schools"]):
        staff = [u for u in roster["staff"][school.pk] if u.role != "school_leader"]
        start = {t.pk: rng.normal(3.8, 0.3) for t in roster["teams"][school.pk]}
        rise = {t.pk: rng.normal(0.15, 0.12) for t in roster["teams"][school.pk]}
        person = {u.pk: rng.normal(0, 0.45) for u in staff}
        for w in range(len(WINDOWS)):
            window = windows[school_index * len(WINDOWS) + w]
            answering = []
            for user in staff:
                team = team_of.get(user.pk)
                answered = rng.random() < (TEAM_ANSWER_RATE if team else ANSWER_RATE)
                invitations.append(SurveyInvitation(window=window, user=user, answered=answered))
                if answered:
                    answering.append(user)
            for user in answering:
                team = team_of.get(user.pk)
                mean = (start[team.pk] + rise[team.pk] * w if team else 3.6) + person[user.pk]
                values = np.clip(np.rint(mean + rng.normal(0, 0.6, len(items))), low, high)
                answers = {
                    item["key"]: int(low + high - v if item.get("reverse") else v)
                    for item, v in zip(items, values, strict=True)
                }
                responses.append(SurveyResponse(window=window, team=team, answers=answers))
    SurveyInvitation.objects.bulk_create(invitations, batch_size=5_000)
    SurveyResponse.objects.bulk_create(responses, batch_size=2_000)
    return len(responses)


def main(argv: list[str] | None = None) -> int:
    from bench.common import peak_memory_mib, setup_django_on_a_fresh_database

    argv = sys.argv[1:] if argv is None else argv
    schools = int(argv[argv.index("--schools") + 1]) if "--schools" in argv else SCHOOLS
    workdir = setup_django_on_a_fresh_database("district")
    try:
        world = district_build(schools=schools)
        print(world.report())
    finally:
        print(f"peak memory: {peak_memory_mib():.0f} MiB")
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

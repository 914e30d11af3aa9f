"""Every named URL, every role: who gets the page, who is refused, who learns nothing.

``ROWS`` has one row per named URL of the site: how to build its address from the
test world, how to call it (GET, or POST for the actions that take only POST) and
the answer each person gets. ``test_every_named_url_has_a_row`` walks the URL
resolver and fails on a URL without a row, so a new page cannot forget to decide.

The people are the world's (``tests/world.py``) plus the leader of another school
of the same district (``leader_b``) and an anonymous visitor. The answers:

* 200 (or 302 for an action that redirects when it is done): the page is theirs;
* 403: they see the object but lack the capability (a member on an editor's page,
  an analyst on student-level evidence);
* 404: the object is out of their scope, indistinguishable from a missing one;
* anonymous visitors are sent to sign in (302 to the sign-in page) everywhere but
  the public account pages.

No answer may be a 500. Every answer carries the security headers
(``tests/web/security_headers.py``: a strict Content-Security-Policy, no framing, a
referrer policy, nosniff, and no-store for a signed-in person or student-level data);
the anonymous pass asks as behind TLS, so HSTS and the HTTPS redirect are checked on
one request per URL. Pages with student-level data are never cached
(``tests/web/test_no_store.py``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from efficacy.cycles.models import EvidenceUpload, MasteryMoment, Milestone
from efficacy.cycles.plan.services import cycle_create, measure_create, occasion_create
from efficacy.practice.models import RoundSchedule
from efficacy.practice.services import ActionDraft, meeting_record, note_add, photo_add
from efficacy.roster.models import ImportRun, Role, User
from tests.api import matrix_api, matrix_tokens, matrix_writes
from tests.audit import matrix_audit
from tests.dashboards import matrix_district, matrix_home, matrix_reports, matrix_school
from tests.ops import matrix_ops
from tests.practice.fixtures import english_round, pdf_of_work
from tests.rights import matrix_rights
from tests.voice import (
    matrix_instruments,
    matrix_results,
    matrix_surveys,
    matrix_tickets,
    matrix_trust,
)
from tests.web import matrix_signin
from tests.web.matrix_base import (  # noqa: F401
    ACTIVE,
    ADMINS,
    ANONYMOUS,
    EDITORS,
    EVERYONE_SIGNED_IN,
    OBSERVING,
    PUBLIC_LINK,
    READERS,
    SCHOOL_A_STAFF,
    TEAM,
    Row,
    answers,
    school_a,
    the_cycle,
    the_meeting,
    the_moment,
    the_round,
    the_run,
    the_schedule,
)
from tests.web.security_headers import HTTPS_SETTINGS, header_problems, hsts_problems

pytestmark = pytest.mark.django_db

#: The voice app's rows and objects, one module per part.
VOICE_PARTS = (matrix_instruments, matrix_surveys, matrix_results, matrix_tickets, matrix_trust)
#: The dashboards' rows and objects, one module per part.
DASHBOARD_PARTS = (matrix_school, matrix_home, matrix_district, matrix_reports)
#: The data-rights pages (issue 13).
RIGHTS_PARTS = (matrix_rights,)
#: The shell's rows and objects (sign-in with a provider, the second factor).
FRONT_PARTS = (matrix_signin,)
#: The audit log's page and export.
AUDIT_PARTS = (matrix_audit,)
#: The API's rows and objects (the Tokens page, the endpoints), one module per part.
API_PARTS = (matrix_tokens, matrix_api, matrix_writes)
#: Operations: the health probe.
OPS_PARTS = (matrix_ops,)
#: Every part, each in its own module.
PARTS = (
    *VOICE_PARTS,
    *DASHBOARD_PARTS,
    *RIGHTS_PARTS,
    *FRONT_PARTS,
    *AUDIT_PARTS,
    *API_PARTS,
    *OPS_PARTS,
)

ROWS: dict[str, Row] = {
    # --- the shell and accounts -------------------------------------------------
    # Each role lands where it works: leaders on their school, analysts on the district,
    # administrators on the roster import; everyone else on their classes and teams.
    "home": Row(answers={**answers(EVERYONE_SIGNED_IN),
                         **answers({"leader_a", "leader_b", "analyst", *ADMINS}, 302)}),
    "login": Row(answers=answers(EVERYONE_SIGNED_IN, 302), public=True),
    "logout": Row(method="post", answers=answers(EVERYONE_SIGNED_IN, 302), public=True),
    "account": Row(answers=answers(ACTIVE), otherwise=403),
    "password_reset": Row(answers=answers(EVERYONE_SIGNED_IN), public=True),
    "password_reset_done": Row(answers=answers(EVERYONE_SIGNED_IN), public=True),
    "password_reset_complete": Row(answers=answers(EVERYONE_SIGNED_IN), public=True),
    "password_reset_confirm": PUBLIC_LINK,
    "invitation_accept": PUBLIC_LINK,
    "accounts": Row(answers=answers(ADMINS), otherwise=403),
    "account_manage": Row(args=lambda w, t: [w.teacher_a.pk], answers=answers(ADMINS)),
    "set_language": Row(method="post", data=lambda w, t: {"language": "fr", "next": "/"},
                        answers=answers(EVERYONE_SIGNED_IN, 302), public=True),
    "front:school": Row(args=school_a, answers=answers({"leader_a", "analyst", *ADMINS})),
    "front:team": Row(args=lambda w, t: [w.team_english.pk], answers=answers(READERS)),
    # --- the roster -----------------------------------------------------------
    "roster:district": Row(answers=answers({"analyst", "district_admin"}), otherwise=403),
    "roster:time_zones": Row(answers=answers(ADMINS), otherwise=403),
    "roster:staff": Row(args=school_a, answers=answers({"leader_a", *ADMINS},
                                                       forbidden={"analyst"})),
    "roster:students": Row(args=school_a, answers=answers({"leader_a", *ADMINS},
                                                          forbidden={"analyst"})),
    "roster:team_new": Row(args=school_a, answers=answers(
        {"leader_a"}, forbidden={"analyst", *ADMINS})),
    "roster:team_members": Row(
        args=lambda w, t: [w.team_english.pk], method="post",
        data=lambda w, t: {"user": w.teacher_a.pk, "role": "member", "action": "set"},
        answers=answers({"leader_a"}, 302, forbidden=READERS - {"leader_a"})),
    "roster:class": Row(args=lambda w, t: [w.english_9_applied.pk],
                        answers=answers({"leader_a", "teacher_a", *ADMINS})),
    "roster:student": Row(args=lambda w, t: [w.ava.pk],
                          answers=answers({"leader_a", "teacher_a", *ADMINS})),
    "roster:staff_member": Row(args=lambda w, t: [w.teacher_a.pk], answers=answers(
        {"leader_a", "teacher_a", "lead_english", "coach_a", *ADMINS})),
    "roster:import": Row(answers=answers(ADMINS), otherwise=403),
    "roster:import_run": Row(args=the_run, answers=answers(ADMINS)),
    "roster:import_run_status": Row(args=the_run, answers=answers(ADMINS)),
    # Only a run whose worker died is started again; this one finished.
    "roster:import_run_start_again": Row(args=the_run, method="post",
                                         answers=answers(set(), forbidden=ADMINS)),
    # --- inquiry cycles -------------------------------------------------------
    "cycles:new": Row(args=lambda w, t: [w.team_english.pk],
                      answers=answers(EDITORS, forbidden={"teacher_a", "analyst"})),
    "cycles:detail": Row(args=the_cycle, answers=answers(READERS)),
    "cycles:edit": Row(args=the_cycle, answers=answers(EDITORS, forbidden={"teacher_a",
                                                                            "analyst"})),
    "cycles:strategies": Row(args=the_cycle, answers=answers(
        EDITORS, forbidden={"teacher_a", "analyst"})),
    "cycles:milestones": Row(args=the_cycle, method="post", answers=answers(
        EDITORS, forbidden={"teacher_a", "analyst"})),
    "cycles:milestone": Row(args=lambda w, t: [t["cycle"].pk, t["milestone"].pk],
                            answers=answers(EDITORS, forbidden={"teacher_a", "analyst"})),
    "cycles:measures": Row(args=the_cycle, method="post", answers=answers(
        EDITORS, forbidden={"teacher_a", "analyst"})),
    "cycles:occasions": Row(args=the_cycle, method="post", answers=answers(
        EDITORS, forbidden={"teacher_a", "analyst"})),
    "cycles:status": Row(args=the_cycle, method="post", answers=answers(
        EDITORS, 302, forbidden={"teacher_a", "analyst"})),
    "cycles:reflection": Row(args=the_cycle, answers=answers(READERS)),
    # The cycle is not closed: an editor is told so on the cycle page.
    "cycles:learning_story": Row(args=the_cycle, method="post", answers=answers(
        EDITORS, 302, forbidden={"teacher_a", "analyst"})),
    "cycles:strategy_library": Row(args=school_a, answers=answers(
        SCHOOL_A_STAFF | {"analyst", "district_admin"})),
    "cycles:strategy_new": Row(args=school_a, answers=answers(
        {"leader_a", "admin_a", "coach_a", "lead_english", "lead_math"},
        forbidden={"teacher_a", "teacher_a2", "analyst", "district_admin"})),
    "cycles:evidence": Row(args=the_cycle, answers=answers(TEAM, forbidden={"analyst"})),
    "cycles:grid": Row(args=the_cycle, answers=answers(TEAM, forbidden={"analyst"})),
    "cycles:score_cell": Row(
        args=the_cycle, method="post",
        data=lambda w, t: {"measure": t["measure"].pk, "occasion": t["occasion"].pk,
                           "student": w.ava.pk, "class": w.english_9_applied.pk},
        answers=answers(TEAM, forbidden={"analyst"})),
    "cycles:upload": Row(args=the_cycle, answers=answers(TEAM, forbidden={"analyst"})),
    "cycles:template": Row(args=lambda w, t: [t["cycle"].pk, "csv"],
                           query="?class={class}", answers=answers(TEAM, forbidden={"analyst"})),
    "cycles:export": Row(args=lambda w, t: [t["cycle"].pk, "csv"],
                         answers=answers(TEAM, forbidden={"analyst"})),
    "cycles:gradebook": Row(args=the_cycle, answers=answers(TEAM, forbidden={"analyst"})),
    # An upload's run quotes the file's rows: the team who see student evidence; the
    # analyst, who sees the cycle but not its students, is not told it exists.
    "cycles:upload_run": Row(args=lambda w, t: [t["cycle"].pk, t["evidence_upload"].pk],
                             answers=answers(TEAM)),
    "cycles:upload_run_status": Row(args=lambda w, t: [t["cycle"].pk, t["evidence_upload"].pk],
                                    answers=answers(TEAM)),
    "cycles:evidence_delete": Row(args=the_cycle, answers=answers(TEAM, forbidden={"analyst"})),
    "cycles:impact_panel": Row(args=the_cycle, answers=answers(READERS)),
    "cycles:feed": Row(args=school_a, answers=answers(SCHOOL_A_STAFF)),
    # The moment is not published: the cycle's readers only.
    "cycles:story": Row(args=the_moment, answers=answers(READERS)),
    "cycles:story_pdf": Row(args=the_moment, answers=answers(READERS)),
    "cycles:publish": Row(args=the_moment, method="post",
                          data=lambda w, t: {"action": "withdraw"},
                          answers=answers(EDITORS, 302, forbidden={"teacher_a", "analyst"})),
    # --- instructional rounds: walled off from evaluation ------------------------
    # teacher_a hosts, lead_english observes; coach_a is a teammate who does not observe.
    # The school leader sees the round (counts only: the host has not shared it) and
    # writes nothing in it; an analyst and other teams learn nothing (404).
    "practice:rounds": Row(args=the_cycle, answers=answers(TEAM)),
    "practice:plan": Row(args=the_cycle, answers=answers(EDITORS, forbidden={"teacher_a"})),
    "practice:observation": Row(args=the_round, answers=answers(TEAM)),
    # The round has taken place (it is dated in the past): its planners get the page,
    # which says so, and a cancel is refused with a message (302 back to the round).
    "practice:plan_change": Row(args=the_round, answers=answers(
        EDITORS, forbidden={"teacher_a"})),
    "practice:plan_cancel": Row(args=the_round, method="post", answers=answers(
        EDITORS, 302, forbidden={"teacher_a"})),
    "practice:note": Row(args=the_round, method="post", data=lambda w, t: {
        "uuid": str(uuid.uuid4()), "kind": "seen", "text": "Pairs talk."},
        answers=answers(OBSERVING, 302, forbidden={"coach_a", "leader_a"})),
    # teacher_a (the host) wrote the note: the author alone corrects or deletes it.
    "practice:note_edit": Row(args=lambda w, t: [t["round"].pk, t["note"].pk],
                              answers=answers({"teacher_a"}, forbidden=TEAM - {"teacher_a"})),
    "practice:note_delete": Row(args=lambda w, t: [t["round"].pk, t["note"].pk], method="post",
                                answers=answers({"teacher_a"}, 302,
                                                forbidden=TEAM - {"teacher_a"})),
    "practice:tally": Row(args=the_round, method="post",
                          data=lambda w, t: {"level": "engaged", "count": 3, "version": 1},
                          answers=answers(OBSERVING, 302, forbidden={"coach_a", "leader_a"})),
    # No file: the form comes back with its message (400) to the host and observer.
    "practice:photo_new": Row(args=the_round, method="post",
                              answers=answers(OBSERVING, 400, forbidden={"coach_a", "leader_a"})),
    "practice:photo": Row(args=lambda w, t: [t["round"].pk, t["photo"].pk],
                          answers=answers(TEAM - {"leader_a"}, forbidden={"leader_a"})),
    "practice:pre_brief": Row(args=the_round, method="post", data=lambda w, t: {"pre_brief": "x"},
                              answers=answers({"teacher_a"}, 302,
                                              forbidden=TEAM - {"teacher_a"})),
    "practice:debrief": Row(args=the_round, answers=answers(TEAM - {"leader_a"},
                                                            forbidden={"leader_a"})),
    "practice:share": Row(args=the_round, method="post", data=lambda w, t: {"shared": "0"},
                          answers=answers({"teacher_a"}, 302, forbidden=TEAM - {"teacher_a"})),
    # --- team meetings: the team's record; an analyst learns nothing ----------------
    # Any member records one; the action belongs to lead_english, whom the other editors
    # may tick for, and teacher_a (a plain member) may not.
    "practice:meetings": Row(args=the_cycle, answers=answers(TEAM)),
    "practice:meeting_new": Row(args=the_cycle, answers=answers(TEAM)),
    "practice:meeting": Row(args=the_meeting, answers=answers(TEAM)),
    "practice:action_done": Row(args=lambda w, t: [t["meeting"].pk, t["action"].pk],
                                method="post", data=lambda w, t: {"done": "1"},
                                answers=answers(EDITORS, 302, forbidden={"teacher_a"})),
    # --- the implementation log: the team logs its own classes; coverage for readers ---
    # teacher_a and lead_english teach a class; coach_a is a member who teaches none. The
    # school leader and the analyst read the team as a whole on the coverage page.
    "practice:log": Row(args=the_cycle, answers=answers(
        {"teacher_a", "lead_english"}, forbidden={"coach_a", "leader_a", "analyst"})),
    "practice:coverage": Row(args=the_cycle, answers=answers(READERS)),
    # --- the coverage scheduler: the school's leader alone ---------------------------
    # Those who see the school (its administrators, the district's) are refused (403).
    "practice:schedule_new": Row(args=school_a, answers=answers(
        {"leader_a"}, forbidden={"admin_a", "analyst", "district_admin"})),
    "practice:schedule": Row(args=the_schedule, answers=answers({"leader_a"})),
    "practice:schedule_visit": Row(args=lambda w, t: [t["schedule"].pk, 0], method="post",
                                   data=lambda w, t: {"action": "remove"},
                                   answers=answers({"leader_a"}, 302)),
    "practice:schedule_accept": Row(args=the_schedule, method="post",
                                    answers=answers({"leader_a"}, 302)),
    "practice:schedule_export": Row(args=lambda w, t: [t["schedule"].pk, "ics"],
                                    answers=answers({"leader_a"})),
}  # fmt: skip


for _part in PARTS:
    assert not set(_part.ROWS) & set(ROWS), f"{_part.__name__} repeats a row"
    ROWS.update(_part.ROWS)


def named_urls() -> set[str]:
    def walk(patterns, namespace: str | None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or namespace
                if pattern.namespace and namespace:
                    inner = f"{namespace}:{pattern.namespace}"
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return set(walk(get_resolver().url_patterns, None))


def test_every_named_url_has_a_row():
    assert named_urls() - set(ROWS) == set(), "decide who may open these URLs in ROWS"
    assert set(ROWS) - named_urls() == set(), "these rows name no URL any more"


@pytest.fixture
def things(world):
    """What the URLs point at: a cycle of the English team with a measure, an occasion,
    a milestone, a meeting with an action, an unpublished mastery moment, and a finished
    roster import."""
    leader_b = User.objects.create(
        username="leader_b", first_name="Lou", last_name="Berg", role=Role.SCHOOL_LEADER,
        school=world.school_b, district=world.district, sourced_id="u-leader_b",
    )  # fmt: skip
    cycle = cycle_create(
        user=world.lead_english,
        team=world.team_english,
        title="Inference in grade 9 applied English",
        focus={"grades": ["09"], "pathways": ["applied"]},
        comparison={"grades": ["09"], "pathways": ["academic"]},
        start_date=dt.date(2024, 9, 15),
        end_date=dt.date(2024, 12, 15),
    )
    measure = measure_create(user=world.lead_english, cycle=cycle, name="Rubric", kind="rubric",
                             min_score=1, max_score=4)  # fmt: skip
    occasion = occasion_create(user=world.lead_english, cycle=cycle, name="Baseline",
                               kind="baseline")  # fmt: skip
    observation = english_round(world, cycle)
    photo = photo_add(user=world.lead_english, observation=observation, uuid=uuid.uuid4(),
                      upload=SimpleUploadedFile("work.pdf", pdf_of_work()))[0]  # fmt: skip
    meeting = meeting_record(
        user=world.teacher_a, cycle=cycle, date=dt.date(2024, 10, 9),
        attendees=[world.teacher_a, world.lead_english],
        actions=[ActionDraft("Bring three samples", owner=world.lead_english)],
    )  # fmt: skip
    made = {
        "leader_b": leader_b,
        "cycle": cycle,
        "meeting": meeting,
        "action": meeting.actions.get(),
        "measure": measure,
        "occasion": occasion,
        "round": observation,
        "photo": photo,
        "note": note_add(
            user=world.teacher_a,
            observation=observation,
            uuid=uuid.uuid4(),
            text="Ava quotes line 4.",
        )[0],
        "milestone": Milestone.objects.create(cycle=cycle, title="Observe each other"),
        "evidence_upload": EvidenceUpload.objects.create(
            cycle=cycle,
            created_by=world.lead_english,
            kind=EvidenceUpload.Kind.SCORES,
            file_name="scores.csv",
            status=EvidenceUpload.RunStatus.SUCCEEDED,
            summary={"created": 2, "updated": 0, "unchanged": 0, "blank": 0},
        ),
        "moment": MasteryMoment.objects.create(cycle=cycle, reflection={}, rule="prepost_gain"),
        "schedule": RoundSchedule.objects.create(
            school=world.school_a,
            start_date=dt.date(2024, 10, 7),
            created_by=world.leader_a,
            request={
                "days": 5,
                "periods_per_day": 6,
                "weeks": 1,
                "substitutes_per_period": 1,
                "visits_each": 1,
                "teachers": [
                    {"id": "lead_english", "team": "Grade 9 English", "teaches": [[1, 1], [2, 1]]},
                    {"id": "teacher_a", "team": "Grade 9 English", "teaches": [[1, 1], [2, 1]]},
                ],
            },
            result={
                "status": "feasible",
                "visits": [
                    {
                        "week": 1,
                        "day": 1,
                        "period": 1,
                        "host": "teacher_a",
                        "observer": "lead_english",
                    },
                    {
                        "week": 1,
                        "day": 2,
                        "period": 1,
                        "host": "lead_english",
                        "observer": "teacher_a",
                    },
                ],
            },
        ),
        "run": ImportRun.objects.create(
            created_by=world.admin_a,
            file_name="oneroster.zip",
            stored_name="",
            status=ImportRun.RunStatus.SUCCEEDED,
        ),
    }
    for part in PARTS:
        made.update(part.things(world, made))
    return made


def _person(world, things, name: str):
    return things["leader_b"] if name == "leader_b" else getattr(world, name)


def _call(client, world, things, url_name: str, row: Row, *, secure: bool = False):
    url = reverse(url_name, args=row.args(world, things))
    url += row.query.format(**{"class": world.english_9_applied.pk})
    if row.content_type:
        body = json.dumps(row.data(world, things))
        return client.post(url, body, content_type=row.content_type, secure=secure)
    send = client.post if row.method == "post" else client.get
    return send(url, row.data(world, things), secure=secure)


PEOPLE = sorted(EVERYONE_SIGNED_IN)


@pytest.mark.parametrize("url_name", sorted(ROWS))
def test_each_person_gets_the_answer_decided_for_them(client, world, things, url_name):
    row = ROWS[url_name]
    got, headers = {}, {}
    for name in PEOPLE:
        client.logout()
        client.force_login(_person(world, things, name))
        response = _call(client, world, things, url_name, row)
        got[name] = response.status_code
        headers[name] = header_problems(response, url_name=url_name, signed_in=True)
    expected = {name: row.answers.get(name, row.otherwise) for name in PEOPLE}
    assert got == expected
    assert {name: p for name, p in headers.items() if p} == {}, "security headers"


@pytest.mark.parametrize("url_name", sorted(ROWS))
def test_anonymous_visitors_are_sent_to_sign_in_except_on_public_pages(
    client, world, things, url_name, settings
):
    """Asked as in production behind TLS (SECURE_HTTPS=on): plain HTTP is sent to HTTPS,
    and every answer over HTTPS carries its security headers and HSTS."""
    for setting, value in HTTPS_SETTINGS.items():
        setattr(settings, setting, value)
    row = ROWS[url_name]
    plain = _call(client, world, things, url_name, row)
    path = plain.request["PATH_INFO"].lstrip("/")
    if any(re.search(exempt, path) for exempt in settings.SECURE_REDIRECT_EXEMPT):
        assert plain.status_code == 200  # a probe from inside (/healthz) speaks plain HTTP
    else:
        assert plain.status_code == 301
        assert plain["Location"].startswith("https://")
    response = _call(client, world, things, url_name, row, secure=True)
    assert header_problems(response, url_name=url_name, signed_in=False) == []
    assert hsts_problems(response) == []
    if row.anonymous is not None:
        assert response.status_code == row.anonymous
    elif row.public:
        assert response.status_code in (200, 302)
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

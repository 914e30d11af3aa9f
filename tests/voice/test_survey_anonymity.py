"""Anonymity by construction, checked on the database itself (DESIGN.md, principle 3).

These tests read the tables as the database describes them (``connection.introspection``,
SQLite's ``PRAGMA table_info``, PostgreSQL's catalogue), not the models, so a
migration that added a respondent column, a timestamp or an arrival-ordered key
would fail them.
"""

from __future__ import annotations

import re
import threading

import pytest
from django.contrib.auth.hashers import make_password
from django.db import close_old_connections, connection
from django.db.models import DateField, DateTimeField, TimeField

from efficacy.roster.models import Role, User
from efficacy.voice.models import SurveyInvitation, SurveyResponse
from efficacy.voice.services.surveys import survey_answer
from tests.voice import survey_fixtures
from tests.voice.survey_fixtures import ALL_FOURS, window_of

instrument = survey_fixtures.instrument
survey = survey_fixtures.survey

RESPONSES = SurveyResponse._meta.db_table
LEDGER = SurveyInvitation._meta.db_table
USERS = User._meta.db_table
#: Column names that would say who answered, or from where.
PERSONAL = re.compile(r"user|author|respondent|person|staff|email|ip|address|by|who|session")
TIME_TYPES = {DateField.__name__, DateTimeField.__name__, TimeField.__name__}


def _columns(table: str) -> dict[str, str]:
    """{column name: the Django field type the database's own type maps to}."""
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, table)
        return {
            column.name: connection.introspection.get_field_type(column.type_code, column)
            for column in description
        }


def _relations(table: str) -> dict[str, tuple[str, str]]:
    with connection.cursor() as cursor:
        return connection.introspection.get_relations(cursor, table)


@pytest.mark.django_db
def test_the_answers_table_has_no_column_that_refers_to_a_person():
    assert USERS not in {target for _column, target in _relations(RESPONSES).values()}
    assert [c for c in _columns(RESPONSES) if PERSONAL.search(c)] == []
    # What it does refer to: the window, the team, nothing else.
    targets = {target for _column, target in _relations(RESPONSES).values()}
    assert targets == {"voice_surveywindow", "roster_team"}


@pytest.mark.django_db
def test_the_answers_table_has_no_date_or_time_column():
    columns = _columns(RESPONSES)
    assert set(columns) == {"id", "window_id", "team_id", "answers"}
    assert not TIME_TYPES & set(columns.values())


@pytest.mark.django_db
def test_the_ledger_records_no_time_and_shares_nothing_with_the_answers_but_the_window():
    ledger = _columns(LEDGER)
    assert set(ledger) == {"id", "window_id", "user_id", "answered"}
    assert not TIME_TYPES & set(ledger.values())
    shared = set(ledger) & set(_columns(RESPONSES))
    # Each table has its own key ("id"): the ledger's is a plain counter, the answers' random.
    assert shared == {"id", "window_id"}


@pytest.mark.django_db
def test_on_sqlite_the_answers_key_is_the_rowid_itself():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's rowid")
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA table_info({RESPONSES})")
        info = {row[1]: row for row in cursor.fetchall()}
    # cid, name, type, notnull, default, pk: an INTEGER PRIMARY KEY is an alias of the rowid,
    # so SQLite keeps no hidden arrival-ordered rowid beside it.
    assert info["id"][2].lower() == "integer"
    assert info["id"][5] == 1
    assert [name for name, row in info.items() if row[5]] == ["id"]
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA table_info({RESPONSES})")
        types = [row[2].lower() for row in cursor.fetchall()]
    assert not any(t in {"date", "datetime", "timestamp", "time"} for t in types)


@pytest.mark.django_db
def test_on_postgresql_the_answers_key_has_no_sequence_or_default():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's catalogue")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_default, is_identity FROM information_schema.columns "
            "WHERE table_name = %s AND column_name = 'id'",
            [RESPONSES],
        )
        default, identity = cursor.fetchone()
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [RESPONSES])
        sequence = cursor.fetchone()[0]
    assert default is None
    assert identity == "NO"
    assert sequence is None


def _staff(world, n: int) -> list[User]:
    password = make_password("not-used", hasher="pbkdf2_sha256")
    User.objects.bulk_create(
        User(username=f"staff{i:03}", role=Role.TEACHER, school=world.school_a,
             district=world.district, password=password, email=f"staff{i:03}@example.org")
        for i in range(n)
    )  # fmt: skip
    return list(User.objects.filter(username__startswith="staff").order_by("username"))


@pytest.mark.django_db
def test_fifty_answers_are_not_stored_in_the_order_they_arrived(world, instrument):
    staff = _staff(world, 50)
    window = window_of(world, instrument)
    arrival: list[int] = []
    for person in staff:
        seen = set(SurveyResponse.objects.values_list("id", flat=True))
        survey_answer(user=person, window=window, answers=ALL_FOURS)
        (new,) = set(SurveyResponse.objects.values_list("id", flat=True)) - seen
        arrival.append(new)
    # Random keys: increasing in arrival order by chance once in 50! runs.
    assert arrival != sorted(arrival)
    with connection.cursor() as cursor:
        # The table as it is read with no ORDER BY (its storage order) is not the arrival order.
        cursor.execute(f"SELECT id FROM {RESPONSES}")
        assert [row[0] for row in cursor.fetchall()] != arrival
        if connection.vendor == "sqlite":
            cursor.execute(f"SELECT rowid, id FROM {RESPONSES}")
            assert all(rowid == key for rowid, key in cursor.fetchall())


@pytest.mark.django_db
def test_on_postgresql_no_transaction_id_ties_an_answer_to_a_ledger_row(world, survey):
    """PostgreSQL stamps each row version with its transaction (xmin): the answer and the
    ledger row written together would share it, unless every answered row is rewritten."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's transaction ids")
    for person in (world.teacher_a, world.lead_english, world.coach_a):
        survey_answer(user=person, window=survey, answers=ALL_FOURS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT xmin::text FROM {LEDGER} WHERE answered")
        ledger = {row[0] for row in cursor.fetchall()}
        cursor.execute(f"SELECT DISTINCT xmin::text FROM {RESPONSES}")
        answers = {row[0] for row in cursor.fetchall()}
    # One transaction id for all answered rows and all answers: none singles one out.
    assert len(ledger) == 1
    assert len(answers) == 1


@pytest.mark.django_db
def test_a_second_submission_changes_neither_table(world, survey):
    survey_answer(user=world.teacher_a, window=survey, answers=ALL_FOURS)
    before = (
        list(SurveyResponse.objects.values_list("id", "answers")),
        list(SurveyInvitation.objects.values_list("id", "answered")),
    )
    with pytest.raises(Exception, match="already answered"):
        survey_answer(user=world.teacher_a, window=survey, answers={"gc1": 1})
    after = (
        list(SurveyResponse.objects.values_list("id", "answers")),
        list(SurveyInvitation.objects.values_list("id", "answered")),
    )
    assert before == after


@pytest.fixture
def threads_db(request, transactional_db):
    """A database several threads write to at once: PostgreSQL as it is, SQLite as a file."""
    if connection.vendor == "sqlite":
        request.getfixturevalue("sqlite_file_db")


def test_the_same_person_submitting_from_eight_threads_at_once_is_stored_once(
    world, instrument, threads_db
):
    window = window_of(world, instrument)
    start = threading.Barrier(8)
    outcomes: list[str] = []

    def submit() -> None:
        try:
            start.wait(5)
            survey_answer(user=world.teacher_a, window=window, answers=ALL_FOURS)
            outcomes.append("stored")
        except Exception as error:  # the refusal, or SQLite's lock
            outcomes.append(type(error).__name__ + ": " + str(error))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert outcomes.count("stored") == 1, outcomes
    assert all("already answered" in o for o in outcomes if o != "stored"), outcomes
    assert SurveyResponse.objects.filter(window=window).count() == 1
    assert SurveyInvitation.objects.filter(window=window, answered=True).count() == 1

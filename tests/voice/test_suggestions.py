"""The anonymous suggestion box: staff post with no link to them (checked on the
table itself), rate-limited, refused when closed, oversized or scripted; the school
leader alone reads the suggestions and publishes "you said, we did" for the
school's staff."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from efficacy.voice.models import Commitment, RateBucket, Reply, Suggestion, SuggestionBox
from efficacy.voice.services.trust import MAX_TEXT, SUGGESTIONS_PER_HOUR
from tests.voice.trust_fixtures import as_, leader_of_school_b

pytestmark = pytest.mark.django_db


@pytest.fixture
def box(world):
    return SuggestionBox.objects.create(school=world.school_a, title="Our timetable",
                                        prompt="What would make Fridays better?",
                                        opened_by=world.leader_a,
                                        opened_on=timezone.localdate())  # fmt: skip


def _post(client, box, text="Fewer meetings on Fridays"):
    return client.post(reverse("voice:box", args=[box.pk]), {"text": text})


# --- anonymity, on the database itself ---------------------------------------------


def test_the_suggestions_table_has_no_person_no_time_and_a_random_key(world, box):
    with connection.cursor() as cursor:
        columns = connection.introspection.get_table_description(cursor, Suggestion._meta.db_table)
        relations = connection.introspection.get_relations(cursor, Suggestion._meta.db_table)
    names = {c.name for c in columns}
    assert names == {"id", "box_id", "text", "received_on", "status"}
    user_table = world.teacher_a._meta.db_table
    assert all(target != user_table for _column, target in relations.values())
    field_types = {f.column: f.get_internal_type() for f in Suggestion._meta.concrete_fields}
    assert "DateTimeField" not in field_types.values()
    assert field_types["received_on"] == "DateField"


def test_a_posted_suggestion_keeps_only_the_box_the_text_and_the_day(client, world, box):
    as_(client, world.teacher_a)
    response = _post(client, box)
    assert response.status_code == 302
    row = Suggestion.objects.values().get()
    assert set(row) == {"id", "box_id", "text", "received_on", "status"}
    assert row["received_on"] == timezone.localdate()
    assert row["text"] == "Fewer meetings on Fridays"


def test_suggestion_ids_are_random_not_in_arrival_order(client, world, box):
    as_(client, world.teacher_a)
    for n in range(4):
        _post(client, box, f"Idea {n}")
    ids = list(Suggestion.objects.order_by("text").values_list("id", flat=True))
    assert ids != sorted(ids) or ids != list(range(ids[0], ids[0] + 4))
    assert min(ids) > 1000  # not 1, 2, 3, 4
    assert Suggestion._meta.pk.get_internal_type() == "BigIntegerField"


def test_the_rate_limiter_keeps_no_user_id_in_clear(client, world, box):
    as_(client, world.teacher_a)
    _post(client, box)
    bucket = RateBucket.objects.get()
    assert str(world.teacher_a.pk) != bucket.key
    assert len(bucket.key) == 64


def test_the_box_says_it_is_anonymous_and_that_wording_can_identify(client, world, box):
    page = as_(client, world.teacher_a).get(reverse("voice:box", args=[box.pk])).content.decode()
    assert "without your name or account" in page
    assert "Anonymity cannot be switched off" in page
    assert "Your wording can still identify you" in page


# --- bad input and abuse ---------------------------------------------------------


def test_an_oversized_suggestion_is_refused_and_kept(client, world, box):
    as_(client, world.teacher_a)
    text = "word " * (MAX_TEXT // 5 + 1)
    response = _post(client, box, text)
    assert response.status_code == 400
    page = response.content.decode()
    assert f"to {MAX_TEXT} characters or fewer" in page
    assert "word word word" in page
    assert not Suggestion.objects.exists()


def test_a_scripted_suggestion_is_refused_and_kept_escaped(client, world, box):
    as_(client, world.teacher_a)
    response = _post(client, box, '<script>alert("x")</script>')
    assert response.status_code == 400
    page = response.content.decode()
    assert "HTML tags" in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "<script>alert" not in page
    assert not Suggestion.objects.exists()


def test_a_closed_box_takes_no_suggestion(client, world, box):
    as_(client, world.leader_a).post(reverse("voice:box_close", args=[box.pk]))
    as_(client, world.teacher_a)
    page = client.get(reverse("voice:box", args=[box.pk])).content.decode()
    assert "no longer takes suggestions" in page
    response = _post(client, box)
    assert response.status_code == 400
    assert "This suggestion box is closed" in response.content.decode()
    assert not Suggestion.objects.exists()


def test_posting_is_rate_limited_per_person(client, world, box):
    as_(client, world.teacher_a)
    for n in range(SUGGESTIONS_PER_HOUR):
        assert _post(client, box, f"Idea {n}").status_code == 302
    response = _post(client, box, "One too many")
    assert response.status_code == 429
    assert "try again later" in response.content.decode()
    assert "One too many" in response.content.decode()
    assert Suggestion.objects.count() == SUGGESTIONS_PER_HOUR
    # A colleague is not held back by someone else's posts.
    assert _post(as_(client, world.teacher_a2), box, "Mine").status_code == 302


def test_another_schools_staff_cannot_post_or_read_the_box(client, world, box):
    for person in (world.teacher_b, leader_of_school_b(world), world.analyst):
        as_(client, person)
        assert client.get(reverse("voice:box", args=[box.pk])).status_code == 404
        assert _post(client, box).status_code == 404
    assert not Suggestion.objects.exists()


# --- who reads what ----------------------------------------------------------------


def test_only_the_school_leader_reads_the_suggestions(client, world, box):
    Suggestion.objects.create(box=box, text="Secret idea", received_on=timezone.localdate())
    url = reverse("voice:box", args=[box.pk])
    assert "Secret idea" in as_(client, world.leader_a).get(url).content.decode()
    for person in (world.teacher_a, world.coach_a, world.admin_a):
        assert "Secret idea" not in as_(client, person).get(url).content.decode()


def test_a_suggestion_is_shown_escaped_to_the_leader(client, world, box):
    Suggestion.objects.create(box=box, text="a < b & c", received_on=timezone.localdate())
    page = as_(client, world.leader_a).get(reverse("voice:box", args=[box.pk])).content.decode()
    assert "a &lt; b &amp; c" in page


def test_the_leader_marks_a_suggestion_as_being_looked_into(client, world, box):
    suggestion = Suggestion.objects.create(box=box, text="Idea", received_on=timezone.localdate())
    as_(client, world.teacher_a)
    url = reverse("voice:suggestion_consider", args=[suggestion.pk])
    assert client.post(url).status_code == 404
    as_(client, world.leader_a).post(url)
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.CONSIDERING


def test_a_leader_opens_a_box(client, world):
    as_(client, world.leader_a)
    response = client.post(reverse("voice:boxes", args=[world.school_a.pk]),
                           {"title": "Our building", "prompt": "What would help?"})  # fmt: skip
    box = SuggestionBox.objects.get()
    assert response["Location"] == reverse("voice:box", args=[box.pk])
    assert box.is_open
    assert box.opened_by == world.leader_a
    assert as_(client, world.teacher_a).post(reverse("voice:boxes", args=[world.school_a.pk]),
                                             {"title": "Mine"}).status_code == 403  # fmt: skip


# --- you said, we did ----------------------------------------------------------------


def test_the_leader_replies_with_a_paraphrase_and_a_commitment_and_staff_read_it(
    client, world, box
):
    suggestion = Suggestion.objects.create(box=box, text="I hate the Friday meeting, it is 2h",
                                           received_on=timezone.localdate())  # fmt: skip
    as_(client, world.leader_a)
    form = client.get(reverse("voice:suggestion_reply", args=[suggestion.pk])).content.decode()
    assert "I hate the Friday meeting" in form  # prefilled, to paraphrase
    due = timezone.localdate() + dt.timedelta(days=10)
    response = client.post(reverse("voice:suggestion_reply", args=[suggestion.pk]), {
        "you_said": "Friday meetings are too long.", "we_did": "They now last 45 minutes.",
        "commitment_what": "Review the meeting calendar", "commitment_due": due.isoformat()})  # fmt: skip
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.ANSWERED
    made = Commitment.objects.get()
    assert made.suggestion == suggestion
    assert made.asked_by is None
    page = (
        as_(client, world.teacher_a2)
        .get(reverse("voice:replies", args=[world.school_a.pk]))
        .content.decode()
    )
    assert "Friday meetings are too long." in page
    assert "They now last 45 minutes." in page
    assert "Review the meeting calendar" in page
    assert "I hate the Friday meeting" not in page  # the words as written stay with the leader


def test_a_reply_can_be_changed_without_a_second_one(client, world, box):
    suggestion = Suggestion.objects.create(box=box, text="Idea", received_on=timezone.localdate())
    as_(client, world.leader_a)
    url = reverse("voice:suggestion_reply", args=[suggestion.pk])
    client.post(url, {"you_said": "An idea", "we_did": "First answer"})
    client.post(url, {"you_said": "An idea", "we_did": "Better answer"})
    assert list(Reply.objects.values_list("we_did", flat=True)) == ["Better answer"]


def test_a_commitment_without_a_date_is_refused_and_nothing_is_published(client, world, box):
    suggestion = Suggestion.objects.create(box=box, text="Idea", received_on=timezone.localdate())
    as_(client, world.leader_a)
    response = client.post(reverse("voice:suggestion_reply", args=[suggestion.pk]), {
        "you_said": "Kept paraphrase", "we_did": "x", "commitment_what": "Look into it"})  # fmt: skip
    assert response.status_code == 400
    assert "needs its due date" in response.content.decode()
    assert "Kept paraphrase" in response.content.decode()
    assert not Reply.objects.exists()
    assert not Commitment.objects.exists()


def test_only_the_school_leader_replies(client, world, box):
    suggestion = Suggestion.objects.create(box=box, text="Idea", received_on=timezone.localdate())
    url = reverse("voice:suggestion_reply", args=[suggestion.pk])
    for person in (world.teacher_a, world.admin_a, leader_of_school_b(world)):
        assert as_(client, person).post(url, {"you_said": "x", "we_did": "y"}).status_code == 404
    assert not Reply.objects.exists()


def test_published_replies_are_for_the_schools_staff_only(client, world, box):
    url = reverse("voice:replies", args=[world.school_a.pk])
    assert as_(client, world.admin_a).get(url).status_code == 200
    for person in (world.teacher_b, leader_of_school_b(world), world.analyst):
        assert as_(client, person).get(url).status_code == 404


def test_a_box_title_longer_than_its_column_is_refused_and_kept(client, world):
    as_(client, world.leader_a)
    response = client.post(reverse("voice:boxes", args=[world.school_a.pk]), {"title": "T" * 201})
    assert response.status_code == 400
    assert "to 200 characters or fewer" in response.content.decode()
    assert "T" * 201 in response.content.decode()
    assert not SuggestionBox.objects.exists()

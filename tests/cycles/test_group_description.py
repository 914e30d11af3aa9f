"""The focus and comparison groups read as people say them, every chosen part included."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from efficacy.cycles.plan.groups import group_describe, group_normalise
from efficacy.roster.models import Course


def test_the_description_names_the_courses_and_the_term(world):
    english = Course.objects.get(sourced_id="co-en9")
    english.course_code = "ENG1P"
    english.save()
    text = group_describe({"courses": [english.pk], "term": world.year.pk})
    assert "English 9 (ENG1P)" in text
    assert "2024-2025" in text


def test_attributes_and_pathways_read_as_words_not_as_python():
    text = group_describe({"pathways": ["applied"], "attributes": {"iep": True, "ell": False}})
    assert "=" not in text
    assert "True" not in text
    assert "False" not in text
    assert "IEP: yes" in text
    assert "English-language learner: no" in text
    assert "applied" in text


def test_a_french_reader_gets_the_whole_description_in_french(world):
    definition = {
        "grades": ["09"],
        "pathways": ["applied"],
        "attributes": {"iep": True},
        "classes": [world.english_9_applied.pk],
        "courses": [Course.objects.get(sourced_id="co-en9").pk],
    }
    with translation.override("fr"):
        text = group_describe(definition)
    assert "appliqué" in text
    assert "PEI\u00a0: oui" in text or "PEI : oui" in text
    assert "cours English 9" in text
    for english in ("applied", "courses", "True", "iep"):
        assert english not in text


def test_the_cycle_page_shows_the_chosen_courses(client, world, cycle):
    english = Course.objects.get(sourced_id="co-en9")
    cycle.focus = {"courses": [english.pk], "attributes": {"iep": True}}
    cycle.save()
    client.force_login(world.lead_english)
    body = client.get(reverse("cycles:detail", args=[cycle.pk])).content.decode()
    assert "English 9" in body
    assert "IEP: yes" in body
    assert "iep = True" not in body


def test_a_class_outside_the_school_is_refused_in_french_words_not_with_a_key(world):
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        group_normalise({"classes": [world.class_b.pk]}, school=world.school_a, comparison=False)
    message = " ".join(refused.value.messages)
    assert message.startswith("Ces classes ne sont pas")
    assert "These" not in message

"""The two instruments Efficacy ships: valid, and of the shape the issue asks for."""

from __future__ import annotations

import re

import pytest

from efficacy.voice.instruments import SHIPPED, parse

NBSP = "\u00a0"


def shipped(key: str):
    path = SHIPPED[key]
    return parse(path.read_text(encoding="utf-8"), file=path.name)


@pytest.mark.parametrize("key", sorted(SHIPPED))
def test_each_shipped_file_is_valid_under_its_own_key(key):
    definition = shipped(key)

    assert definition.key == key
    assert definition.version == "1.0"
    assert definition.languages == ("en", "fr")


@pytest.mark.parametrize("key", sorted(SHIPPED))
def test_every_item_is_a_question_in_both_languages(key):
    definition = shipped(key)

    for item in definition.items:
        assert item.text["en"].endswith("?"), item.key
        # French: a non-breaking space before the question mark.
        assert item.text["fr"].endswith(f"{NBSP}?"), item.key


@pytest.mark.parametrize("key", sorted(SHIPPED))
def test_every_scale_has_six_labelled_options_specific_to_its_construct(key):
    definition = shipped(key)

    assert (definition.scale_min, definition.scale_max) == (1, 6)
    for scale in definition.scales.values():
        assert len(scale.options) >= 5
        labels = [option.label["en"] for option in scale.options]
        assert len(set(labels)) == len(labels)
        assert not any("agree" in label.lower() for label in labels)


@pytest.mark.parametrize("key", sorted(SHIPPED))
def test_french_punctuation_has_its_non_breaking_spaces(key):
    text = SHIPPED[key].read_text(encoding="utf-8")

    assert not re.search(r" [?:!;]", text.replace(": ", "").replace(" #", ""))
    for line in text.splitlines():
        if line.strip().startswith("fr:"):
            assert not re.search(r"[^\u00a0][?!;]", line.replace("fr:", "")), line


def test_collective_efficacy_has_twelve_questions_on_its_two_facets():
    definition = shipped("efficacy-collective-efficacy")

    assert len(definition.items) == 12
    assert [s.key for s in definition.subscales] == ["group_competence", "task_analysis"]
    assert len(definition.items_of("group_competence")) == 6
    assert len(definition.items_of("task_analysis")) == 6


def test_collective_efficacy_labels_competence_with_confidence_and_task_with_extent():
    definition = shipped("efficacy-collective-efficacy")

    for item in definition.items_of("group_competence"):
        assert item.scale == "confidence"
        assert item.text["en"].startswith("How confident are you")
    for item in definition.items_of("task_analysis"):
        assert item.scale == "extent"
        assert item.text["en"].startswith("To what extent")
    assert definition.options("gc1", "en")[0] == (1, "Not at all confident")
    assert definition.options("ta1", "en")[-1] == (6, "Completely")


def test_collective_efficacy_has_two_or_three_reverse_scored_items_worded_the_other_way():
    definition = shipped("efficacy-collective-efficacy")

    assert 2 <= len(definition.reversed_keys) <= 3
    for key in definition.reversed_keys:
        text = definition.item(key).text["en"]
        assert re.search(r"\b(limit|get in the way)\b", text), text
        assert " not " not in f" {text} "  # no double negatives


def test_enabling_conditions_asks_one_question_for_each_condition():
    definition = shipped("efficacy-enabling-conditions")

    assert definition.item_keys == (
        "influence", "goals", "knowledge", "cohesion", "leadership", "intervention",
    )  # fmt: skip
    assert len(definition.scales) >= 3  # labels specific to each question's construct
    assert definition.options("influence", "en")[0] == (1, "No influence")
    assert definition.options("intervention", "fr")[-1] == (6, "Extrêmement efficace")

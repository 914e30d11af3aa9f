"""The instrument parser: a valid file becomes a Definition; a broken one lists every
problem with its line, and nothing else is read from it."""

from __future__ import annotations

import pytest

from efficacy.voice.instruments import MAX_BYTES, Definition, InstrumentInvalid, parse

# Line numbers are counted in the tests below: keep this text's layout.
VALID = """\
key: district-climate
version: "1.10"
languages: [en, fr]
title:
  en: Our climate
  fr: Notre climat
scales:
  extent:
    options:
      - value: 1
        label: {en: Not at all, fr: Pas du tout}
      - value: 2
        label: {en: A little, fr: Un peu}
      - value: 3
        label: {en: Somewhat, fr: Moyennement}
      - value: 4
        label: {en: A lot, fr: Beaucoup}
      - value: 5
        label: {en: Completely, fr: Entièrement}
subscales:
  - key: together
    name: {en: Together, fr: Ensemble}
  - key: alone
    name: {en: Alone, fr: Seul}
items:
  - key: t1
    subscale: together
    text:
      en: To what extent do we plan together?
      fr: Dans quelle mesure planifions-nous ensemble ?
  - key: t2
    subscale: together
    text:
      en: To what extent do we teach together?
      fr: Dans quelle mesure enseignons-nous ensemble ?
  - key: a1
    subscale: alone
    reverse: true
    text:
      en: To what extent do we work alone?
      fr: Dans quelle mesure travaillons-nous seuls ?
  - key: a2
    subscale: alone
    reverse: false
    text:
      en: To what extent do we keep our lessons to ourselves?
      fr: Dans quelle mesure gardons-nous nos cours pour nous ?
"""


def problems_of(text: str) -> list[tuple[int | None, str]]:
    with pytest.raises(InstrumentInvalid) as invalid:
        parse(text, file="climate.yaml")
    assert all(p.file == "climate.yaml" for p in invalid.value.problems)
    return [(p.line, p.message) for p in invalid.value.problems]


def only_problem(text: str) -> tuple[int | None, str]:
    found = problems_of(text)
    assert len(found) == 1, found
    return found[0]


def test_a_valid_file_becomes_its_definition():
    definition = parse(VALID)

    assert definition.key == "district-climate"
    assert definition.version == "1.10"  # as written, not the number 1.1
    assert definition.languages == ("en", "fr")
    assert definition.item_keys == ("t1", "t2", "a1", "a2")
    assert [s.key for s in definition.subscales] == ["together", "alone"]
    assert [i.key for i in definition.items_of("alone")] == ["a1", "a2"]
    assert (definition.scale_min, definition.scale_max) == (1, 5)
    assert definition.reversed_keys == frozenset({"a1"})
    assert definition.item("t1").scale == "extent"  # the only scale needs no naming


def test_the_definition_is_stored_as_the_contracts_json_and_read_back_unchanged():
    definition = parse(VALID)
    stored = definition.to_json()

    assert list(stored) == ["key", "version", "title", "description", "languages", "index",
                            "scales", "subscales", "items"]  # fmt: skip
    assert stored["scales"]["extent"]["min"] == 1
    assert stored["scales"]["extent"]["max"] == 5
    assert stored["scales"]["extent"]["options"][0] == {
        "value": 1, "label": {"en": "Not at all", "fr": "Pas du tout"}}  # fmt: skip
    assert stored["items"][2] == {"key": "a1", "subscale": "alone", "scale": "extent",
                                  "reverse": True, "text": {
                                      "en": "To what extent do we work alone?",
                                      "fr": "Dans quelle mesure travaillons-nous seuls ?"}}  # fmt: skip
    assert stored["index"] == stored["title"]  # no index: the title names the score
    assert stored["description"] == {"en": "", "fr": ""}
    assert Definition.from_json(stored) == definition


def test_texts_are_in_the_readers_language_and_fall_back_to_english():
    definition = parse(VALID)
    item = definition.item("t1")

    assert definition.text(item, "fr") == "Dans quelle mesure planifions-nous ensemble ?"
    assert definition.text(item, "fr-ca") == "Dans quelle mesure planifions-nous ensemble ?"
    assert definition.text(item, "de") == "To what extent do we plan together?"
    assert definition.text(definition.title, "fr") == "Notre climat"
    assert definition.options("t1", "fr")[0] == (1, "Pas du tout")
    assert definition.options("t1", "en")[-1] == (5, "Completely")


def test_a_reversed_item_is_recoded_min_plus_max_minus_the_answer():
    definition = parse(VALID)

    assert [definition.recoded("a1", x) for x in (1, 2, 3, 4, 5)] == [5, 4, 3, 2, 1]
    assert definition.recoded("t1", 2) == 2
    assert definition.accepts(5)
    assert not definition.accepts(6)
    assert not definition.accepts(0)
    assert not definition.accepts("3")
    assert not definition.accepts(True)


def test_yes_and_no_stay_words_in_a_text():
    definition = parse(VALID.replace("{en: A little, fr: Un peu}", "{en: No, fr: Non}"))

    assert definition.options("t1", "en")[1] == (2, "No")


# --- every problem, with its line -----------------------------------------------------


def test_an_unknown_subscale_is_named_on_its_line_with_the_nearest_one():
    found = problems_of(VALID.replace("subscale: alone\n    reverse: true",
                                      "subscale: alnoe\n    reverse: true"))  # fmt: skip

    assert found == [
        (23, "The subscale 'alone' needs at least 2 items; it has 1."),
        (37, "Item a1 names the subscale 'alnoe', which is not one of the subscales: "
             "together, alone."),
    ]  # fmt: skip
    with pytest.raises(InstrumentInvalid) as invalid:
        parse(VALID.replace("subscale: alone\n    reverse: true", "subscale: alnoe\n"
                            "    reverse: true"))  # fmt: skip
    assert invalid.value.problems[1].hint == "did you mean 'alone'?"


def test_a_missing_french_text_is_a_problem_on_its_line():
    text = VALID.replace("      fr: Dans quelle mesure enseignons-nous ensemble ?\n", "")

    assert only_problem(text) == (34, "The text of item t2 has no French text (fr).")


def test_a_text_in_a_language_not_listed_is_a_problem():
    text = VALID.replace("  fr: Notre climat\n", "  fr: Notre climat\n  es: Nuestro clima\n")

    line, message = only_problem(text)
    assert line == 7
    assert "'es'" in message


def test_a_scale_with_fewer_than_five_options_is_a_problem():
    text = VALID.replace("      - value: 5\n        label: {en: Completely, fr: Entièrement}\n",
                         "")  # fmt: skip

    assert only_problem(text) == (
        9, "The scale 'extent' has 4 options; a scale needs at least 5.")  # fmt: skip


def test_option_values_with_a_gap_are_a_problem_on_the_value_that_breaks_the_run():
    text = VALID.replace("- value: 3", "- value: 4").replace(
        "- value: 4\n        label: {en: A lot", "- value: 5\n        label: {en: A lot"
    ).replace("- value: 5\n        label: {en: Completely", "- value: 6\n        label: {en: Completely")  # fmt: skip

    line, message = only_problem(text)
    assert line == 14
    assert "after 2 comes 3, not 4" in message


def test_a_repeated_option_value_is_a_problem():
    line, message = only_problem(VALID.replace("- value: 3", "- value: 2"))

    assert line == 14
    assert "after 2 comes 3, not 2" in message


def test_scales_over_different_ranges_are_a_problem():
    other = """  agreement:
    options:
      - {value: 0, label: {en: a, fr: a}}
      - {value: 1, label: {en: b, fr: b}}
      - {value: 2, label: {en: c, fr: c}}
      - {value: 3, label: {en: d, fr: d}}
      - {value: 4, label: {en: e, fr: e}}
subscales:
"""
    text = VALID.replace("subscales:\n", other, 1).replace(
        "    subscale: alone\n    reverse: false\n",
        "    subscale: alone\n    scale: agreement\n    reverse: false\n",
    )

    line, message = only_problem(text)
    assert line == 20
    assert message == ("The scale 'agreement' runs from 0 to 4, but 'extent' runs from 1 to 5.")


def test_with_two_scales_each_item_names_its_own():
    other = VALID.replace("subscales:\n", "  twin:\n    options:\n" + "".join(
        f"      - {{value: {v}, label: {{en: l{v}, fr: l{v}}}}}\n" for v in range(1, 6)
    ) + "subscales:\n", 1)  # fmt: skip

    # Each item's entry, moved down by the seven lines of the second scale.
    assert problems_of(other)[0] == (33, "Item t1 has no 'scale'.")
    assert [line for line, _ in problems_of(other)] == [33, 38, 43, 49]


def test_a_key_written_twice_in_a_mapping_is_a_problem_on_the_second():
    text = VALID.replace('version: "1.10"\n', 'version: "1.10"\nversion: "2"\n')

    assert only_problem(text) == (
        3, "'version' is written twice here (first on line 2).")  # fmt: skip


def test_a_language_written_twice_in_a_text_is_a_problem():
    text = VALID.replace("  en: Our climate\n", "  en: Our climate\n  en: Our weather\n")

    line, message = only_problem(text)
    assert line == 6
    assert "'en' is written twice" in message


def test_two_items_with_the_same_key_are_a_problem():
    line, message = only_problem(VALID.replace("- key: t2", "- key: t1"))

    assert line == 31
    assert message == "The item key 't1' is used twice (first on line 26)."


def test_an_unknown_key_is_a_problem_with_the_nearest_known_one():
    with pytest.raises(InstrumentInvalid) as invalid:
        parse(VALID.replace("    reverse: true", "    revrese: true"))

    (problem,) = invalid.value.problems
    assert problem.line == 38
    assert problem.hint == "did you mean 'reverse'?"


def test_a_missing_required_key_is_a_problem():
    assert (1, "The instrument has no 'title'.") in problems_of(
        VALID.replace("title:\n  en: Our climate\n  fr: Notre climat\n", "")
    )


def test_a_subscale_with_one_item_is_a_problem_on_the_subscale():
    text = VALID.replace("    subscale: alone\n    reverse: false", "    subscale: together\n"
                         "    reverse: false")  # fmt: skip

    assert only_problem(text) == (
        23, "The subscale 'alone' needs at least 2 items; it has 1.")  # fmt: skip


def test_reverse_must_be_true_or_false():
    assert only_problem(VALID.replace("reverse: true", "reverse: maybe")) == (
        38, "'reverse' should be true or false.")  # fmt: skip


def test_an_option_value_must_be_a_whole_number():
    line, message = only_problem(VALID.replace("- value: 3", "- value: three"))

    assert line == 14
    assert message == "The value should be a whole number."


def test_english_is_required():
    line, message = problems_of(VALID.replace("[en, fr]", "[fr, de]"))[0]

    assert (line, message) == (3, "The languages must include English (en).")


def test_every_problem_of_a_file_is_listed_at_once_in_line_order():
    text = (
        VALID.replace("key: district-climate", "key: District Climate")
        .replace("  fr: Notre climat\n", "")
        .replace("- value: 3", "- value: 7")
        .replace("subscale: alone\n    reverse: true", "subscale: alnoe\n    reverse: true")
    )

    assert [line for line, _ in problems_of(text)] == [1, 5, 13, 22, 36]


def test_a_top_level_that_is_not_a_mapping_is_a_problem():
    assert only_problem("- key: x\n- key: y\n") == (
        1, "The instrument should be a mapping of 'name: value' lines.")  # fmt: skip
    assert only_problem("just some words\n")[0] == 1


def test_a_yaml_syntax_error_is_reported_on_its_line():
    text = VALID.replace("  en: Our climate\n", "  en: Our climate\n   fr: [unclosed\n")

    line, message = only_problem(text)
    assert line == 6
    assert message.startswith("This is not valid YAML:")


def test_an_unclosed_bracket_is_reported_where_yaml_notices_it():
    line, message = only_problem("key: x\nlanguages: [en, fr\nversion: 1\n")

    assert line == 3
    assert message.startswith("This is not valid YAML:")


def test_a_question_mark_inside_braces_gets_a_hint_to_write_it_otherwise():
    with pytest.raises(InstrumentInvalid) as invalid:
        parse(VALID.replace("label: {en: A little, fr: Un peu}", "label: {en: Why?, fr: Un peu}"))

    (problem,) = invalid.value.problems
    assert problem.line == 13
    assert "question mark" in problem.hint


def test_an_empty_file_is_a_problem():
    assert only_problem("") == (None, "The file is empty.")
    assert only_problem("# only a comment\n") == (None, "The file is empty.")


def test_aliases_are_refused_before_they_expand():
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n' + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
    )

    line, message = only_problem(bomb)
    assert line == 2
    assert message == "Aliases (*name) are not allowed in an instrument."


def test_python_tags_build_nothing_and_are_only_wrong_values():
    text = VALID.replace("- value: 3", "- value: !!python/object/apply:os.system ['true']")

    line, _message = only_problem(text)
    assert line == 14


def test_a_file_over_the_size_bound_is_refused_unread():
    line, message = only_problem(VALID + "#" * MAX_BYTES)

    assert line is None
    assert message == "The file is larger than 256 KB."


def test_more_than_two_hundred_items_is_a_problem():
    many = "".join(
        f"  - key: x{i}\n    subscale: together\n    text: {{en: Q{i}, fr: Q{i}}}\n"
        for i in range(200)
    )

    line, message = only_problem(VALID + many)
    assert line == 26
    assert message == "The instrument has 204 items; the most is 200."


def test_an_overlong_text_is_a_problem():
    line, message = only_problem(VALID.replace("To what extent do we plan together?", "x" * 501))

    assert line == 29
    assert "501 characters long; the most is 500" in message


def test_nested_too_deeply_is_a_problem_not_a_crash():
    _line, message = only_problem("key: " + "[" * 5_000 + "]" * 5_000 + "\n")

    assert message in ("The file is nested too deeply to be an instrument.",
                       "The key should be text on one line, or a block of text.")  # fmt: skip


def test_control_characters_and_tabs_are_problems_not_crashes():
    assert only_problem(VALID.replace("Our climate", "Our\x00climate"))[1].startswith(
        "This is not valid YAML:")  # fmt: skip
    line, message = only_problem(VALID.replace("  en: Our climate", "\ten: Our climate"))
    assert line == 5
    assert message.startswith("This is not valid YAML:")

"""The survey instrument parser (``efficacy instrument check``) under hostile YAML: it
returns a definition or raises InstrumentInvalid with every problem located, and never
anything else, even for alias bombs, deep nesting and roots that are not a mapping."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from efficacy.voice.instruments import MAX_BYTES, SHIPPED, Definition, InstrumentInvalid, parse
from tests.fuzz.budget import fuzz

VALID = SHIPPED["efficacy-collective-efficacy"].read_text(encoding="utf-8")
LINES = VALID.splitlines()

#: Scalars and fragments YAML readers trip on: tags, anchors, aliases, merge keys,
#: numbers past an integer or a float, flow brackets left open, control characters.
HOSTILE_YAML = [
    "~",
    "null",
    "",
    "[]",
    "{}",
    "[",
    "{a: ",
    "'unclosed",
    '"\\x"',
    "!!python/object/apply:os.system ['echo hi']",
    "!!binary aGk=",
    "!!timestamp 2025-13-45",
    "!!int 'x'",
    "!!float ''",
    "!custom x",
    "&anchor 1",
    "*anchor",
    "<<: *anchor",
    "<<: {value: 1}",
    "1" * 5_000,
    "0x" + "f" * 5_000,
    "-1",
    "0",
    "1e400",
    ".inf",
    "-.nan",
    "0o777",
    "1_000",
    "12:30:00",
    "yes",
    "No",
    "2025-01-06",
    "? complex key",
    "\t",
    "x" * 3_000,
    "\x00",
    "\x1b[31m",
    "\ufeff",
    "\u202e",
    "Zoë 学生 🙂",
    "%(name)s",
    "|\n  block",
    "%YAML 1.1",
    "---",
    "...",
]


def alias_bomb(depth: int) -> str:
    """A "billion laughs": each anchor holds ten aliases of the one before."""
    lines = ['a0: &a0 ["lol"]']
    for i in range(1, depth + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


@st.composite
def mutated_yaml(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 19))
    if kind == 0:
        return draw(st.text(max_size=500))
    if kind == 1:
        # PyYAML's scanner is quadratic in the depth of [ and {: past ~490 levels Python's
        # recursion limit stops it (~3 s, the explicit example below); the fuzzer stays lower.
        depth = draw(st.integers(20, 150))
        opener, closer = draw(st.sampled_from([("[", "]"), ("{a: ", "}"), ("- ", "")]))
        if opener == "- ":
            return "".join("  " * i + "-\n" for i in range(min(depth, 2_000)))
        return opener * depth + "1" + closer * depth
    if kind == 2:
        return alias_bomb(draw(st.integers(1, 9)))
    if kind == 3:
        return draw(st.sampled_from(["- a\n- b\n", "42\n", "'text'\n", "null\n", "", "---\n...\n",
                                     "--- a\n--- b\n", "!!set {a, b}\n", "[key, version]\n"]))  # fmt: skip
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 5))):
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["value", "value", "drop", "duplicate", "swap", "indent",
                                   "dedent", "insert", "tabs"]))  # fmt: skip
        if op == "value" and ":" in lines[i]:
            head = lines[i].split(":", 1)[0]
            lines[i] = f"{head}: {draw(st.sampled_from(HOSTILE_YAML) | st.text(max_size=20))}"
        elif op == "drop":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "indent":
            lines[i] = "  " + lines[i]
        elif op == "dedent":
            lines[i] = lines[i].lstrip()
        elif op == "insert":
            lines.insert(i, draw(st.sampled_from(HOSTILE_YAML)))
        elif op == "tabs":
            lines[i] = lines[i].replace("  ", "\t")
        if not lines:
            break
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return draw(st.sampled_from(["", "\ufeff"])) + newline.join(lines) + newline


def assert_parsed_or_located(text: str) -> None:
    try:
        definition = parse(text, file="climate.yaml")
    except InstrumentInvalid as invalid:
        problems = invalid.problems
    else:
        assert isinstance(definition, Definition)
        assert definition.items
        return
    assert problems.total >= 1
    lines = text.count("\n") + text.count("\r") + 2
    for problem in problems:
        assert problem.file == "climate.yaml"
        assert problem.message.strip()
        assert problem.line is None or 1 <= problem.line <= lines


def test_the_valid_instrument_parses():
    assert_parsed_or_located(VALID)


@fuzz(60)
@given(text=mutated_yaml())
@example(text=alias_bomb(9))
@example(text="[" * 100_000)  # RecursionError: "nested too deeply"
@example(text="a: " + "1" * 5_000)
@example(text=VALID.replace("value: 1\n", "value: " + "1" * 5_000 + "\n", 1))
@example(text=VALID.replace("value: 1\n", "value: 0x" + "f" * 5_000 + "\n", 1))
@example(text="x" * (MAX_BYTES + 1))
def test_a_hostile_instrument_parses_or_is_refused_with_located_problems(text):
    assert_parsed_or_located(text)


def test_an_option_value_of_thousands_of_digits_is_a_located_problem():
    # Found by fuzzing: Python refuses to convert an integer of more than 4,300 digits,
    # and the ValueError escaped the parser (a traceback in `efficacy instrument check`).
    line = LINES.index("      - value: 1") + 1
    for value in ("1" * 5_000, "0x" + "f" * 5_000, "1001", "-5000"):
        text = VALID.replace("      - value: 1\n", f"      - value: {value}\n", 1)
        with pytest.raises(InstrumentInvalid) as invalid:
            parse(text, file="climate.yaml")
        first = invalid.value.problems[0]
        assert first.line == line
        assert "too large" in first.message

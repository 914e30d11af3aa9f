"""The privacy rules: thresholds, sizes that never show a small number, complementary
suppression that leaves nothing small derivable, and reasons stored as codes."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from django.test import override_settings
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from efficacy import privacy
from efficacy.privacy import GroupSize, SuppressionReason, suppress


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_the_thresholds_come_from_the_settings():
    with override_settings(EFFICACY_MIN_STUDENT_N=12, EFFICACY_MIN_STAFF_N=7):
        assert privacy.min_student_n() == 12
        assert privacy.min_staff_n() == 7
        assert str(privacy.student_count(11)) == "fewer than 12"
        assert str(privacy.staff_count(6)) == "fewer than 7"
        assert str(privacy.staff_count(7)) == "7"


def test_the_settings_read_both_thresholds_from_the_environment(monkeypatch):
    import importlib

    import efficacy.settings as project_settings

    monkeypatch.setenv("EFFICACY_MIN_STUDENT_N", "15")
    monkeypatch.setenv("EFFICACY_MIN_STAFF_N", "8")
    try:
        reloaded = importlib.reload(project_settings)
        assert reloaded.EFFICACY_MIN_STUDENT_N == 15
        assert reloaded.EFFICACY_MIN_STAFF_N == 8
    finally:
        monkeypatch.delenv("EFFICACY_MIN_STUDENT_N")
        monkeypatch.delenv("EFFICACY_MIN_STAFF_N")
        importlib.reload(project_settings)


def test_a_small_size_reads_fewer_than_the_threshold_and_never_its_number():
    assert str(GroupSize(8, 10)) == "fewer than 10"
    assert GroupSize(8, 10).shown is None
    assert str(GroupSize(10, 10)) == "10"
    assert str(GroupSize(0, 10)) == "0"


def test_a_reason_is_stored_as_a_code_and_translated_only_when_shown():
    reason = SuppressionReason("small_group", threshold=10, group="focus_paired")
    stored = reason.to_dict()

    assert stored == {"code": "small_group", "threshold": 10, "group": "focus_paired"}
    assert SuppressionReason.from_dict(stored) == reason
    assert "fewer than 10 focus students with both scores" in reason.message()
    with translation.override("fr"):
        assert "moins de 10" in str(reason)


def test_a_lone_small_group_is_protected_by_hiding_another():
    result = suppress([40, 25, 3], 10)

    assert [str(g) for g in result.groups] == [
        "40",
        "hidden to protect a small group",
        "fewer than 10",
    ]
    assert not result.total.suppressed


def test_two_small_groups_are_not_recoverable_as_their_sum():
    # Before: 40 shown and the total 47 published gave 4 + 3 = 7 away.
    result = suppress([40, 4, 3], 10)

    assert [g.suppressed for g in result.groups] == [True, True, True]


def test_small_groups_whose_sum_reaches_the_threshold_protect_each_other():
    result = suppress([40, 6, 5], 10)

    assert [g.suppressed for g in result.groups] == [False, True, True]


def test_without_a_published_total_only_the_small_groups_are_hidden():
    result = suppress([40, 3], 10, total_shown=False)

    assert [g.suppressed for g in result.groups] == [False, True]


def test_when_hiding_every_group_is_not_enough_the_total_is_hidden_too():
    # Five groups of one, threshold 3: the total 5 is the least five small groups
    # can add up to, so it would say that each has exactly one student.
    result = suppress([1, 1, 1, 1, 1], 3)

    assert all(g.suppressed for g in result.groups)
    assert result.total.suppressed
    assert str(result.total) == "hidden to protect a small group"


def test_a_partner_of_exactly_the_threshold_cannot_pin_a_single_student():
    # Hiding the 10 beside a group of 1 would publish 11 = 1 + 10: the least a
    # "fewer than 10" and a "hidden" group can add up to, so both would be known.
    result = suppress([1, 10, 30], 10)

    assert str(result.groups[0]) == "fewer than 10"
    assert result.groups[2].suppressed
    assert not result.total.suppressed


def _possible(result, threshold: int):
    """Every vector of hidden sizes a reader could not rule out, by brute force:
    a small group is 1..threshold-1, a hidden large one at least the threshold,
    and (when the total is shown) they add up to the total minus the shown groups."""
    hidden = [i for i, g in enumerate(result.groups) if g.suppressed]
    shown_sum = sum(g.n for g in result.groups if not g.suppressed)
    total = result.total.n
    cap = total + threshold  # a hidden large group is bounded by the total anyway
    ranges = [
        range(1, threshold)
        if result.groups[i].small
        else range(threshold, (total - shown_sum if not result.total.suppressed else cap) + 1)
        for i in hidden
    ]
    if not hidden:
        return hidden, np.zeros((1, 0), dtype=int)
    grid = np.array(list(itertools.product(*ranges)), dtype=int).reshape(-1, len(hidden))
    if not result.total.suppressed:
        grid = grid[grid.sum(axis=1) == total - shown_sum]
    return hidden, grid


@settings(max_examples=300, deadline=None)
@given(
    sizes=st.lists(st.integers(0, 14), min_size=1, max_size=5),
    threshold=st.integers(3, 6),
    total_shown=st.booleans(),
)
def test_no_hidden_group_nor_any_sum_of_hidden_groups_can_be_derived(sizes, threshold, total_shown):
    result = suppress(sizes, threshold, total_shown=total_shown)

    # Small groups are always hidden; a shown group shows its true size.
    for n, g in zip(sizes, result.groups, strict=True):
        assert g.n == n
        if 0 < n < threshold:
            assert g.small
            assert str(g) == f"fewer than {threshold}"
    if not total_shown:
        assert not any(g.complement for g in result.groups)
        return
    hidden, possible = _possible(result, threshold)
    truth = np.array([sizes[i] for i in hidden])
    assert (possible == truth).all(axis=1).any()  # the truth is among the possibilities
    for k in range(1, len(hidden) + 1):
        for subset in itertools.combinations(range(len(hidden)), k):
            values = np.unique(possible[:, list(subset)].sum(axis=1))
            if len(values) == 1:
                # Only the sum of all hidden groups can be known, and only when it is
                # not itself a small number.
                assert k == len(hidden), (sizes, threshold, subset)
                assert values[0] >= threshold, (sizes, threshold)


@pytest.mark.parametrize("total_shown", [True, False])
def test_nothing_is_hidden_when_no_group_is_small(total_shown):
    result = suppress([12, 30, 0, 10], 10, total_shown=total_shown)

    assert not any(g.suppressed for g in result.groups)
    assert not result.total.suppressed

"""The privacy rules: thresholds, sizes that never show a small number, complementary
suppression that leaves nothing small derivable, and reasons stored as codes."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from django.test import override_settings
from django.utils import translation
from hypothesis import assume, given, settings
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


# --- tables: rows with totals, and a grand total --------------------------------------


def _table(result):
    return (
        [[str(g) for g in row] for row in result.cells],
        [str(g) for g in result.row_totals],
        str(result.total),
    )


def test_a_small_cell_of_a_table_is_protected_within_its_row():
    # Before: [25, 3] with its total 28 published gave the 3 away.
    result = privacy.suppress_table([[25, 3], [30, 28]], 10)

    cells, row_totals, total = _table(result)
    assert cells == [["hidden to protect a small group", "fewer than 10"], ["30", "28"]]
    assert row_totals == ["28", "58"]
    assert total == "86"


def test_a_small_row_total_is_not_recoverable_from_the_grand_total():
    # The quiz's 3 scores would be the grand total (83) minus the other rows' totals (80).
    result = privacy.suppress_table([[25, 3], [3, 0], [40, 12]], 10)

    cells, row_totals, total = _table(result)
    assert cells[1] == ["fewer than 10", "0"]
    assert row_totals[1] == "fewer than 10"
    # A row whose cells are all shown would give its hidden total away: the first
    # row's total, whose cells are hidden too, is hidden instead.
    assert row_totals == ["hidden to protect a small group", "fewer than 10", "52"]
    assert cells[2] == ["40", "12"]
    assert total == "83"


def test_row_totals_read_from_their_cells_protect_nothing_so_the_grand_total_goes():
    result = privacy.suppress_table([[25, 25], [3, 0]], 10)

    cells, row_totals, total = _table(result)
    assert cells == [["25", "25"], ["fewer than 10", "0"]]
    assert row_totals == ["50", "fewer than 10"]
    assert total == "hidden to protect a small group"


def test_row_totals_are_bounded_by_what_their_cells_say():
    # Row totals 18 (9 + 9), 9 and 40, grand total 67. For the totals alone, hiding the
    # 18 beside the 9 would do (27 = 18 + 9 could be 20 + 7, 21 + 6, ...). But the 18's
    # cells are "fewer than 10" twice, so it is at most 18, the 9 at most 9, and 27
    # is the most they can add up to: both would be known.
    assert not privacy.suppress([18, 9, 40], 10).total.suppressed
    result = privacy.suppress_table([[9, 9], [9], [40]], 10)

    assert str(result.row_totals[1]) == "fewer than 10"
    assert str(result.total) == "hidden to protect a small group"
    _assert_nothing_derivable(result, 10)


def test_a_table_without_small_groups_shows_every_number():
    result = privacy.suppress_table([[12, 30, 0], [10, 11, 14]], 10)

    cells, row_totals, total = _table(result)
    assert cells == [["12", "30", "0"], ["10", "11", "14"]]
    assert row_totals == ["42", "35"]
    assert total == "77"


def _sums(sets):
    """Every sum of one value from each of ``sets``."""
    out = {0}
    for values in sets:
        out = {a + b for a in out for b in values}
    return out


def _assert_nothing_derivable(result, threshold):
    """By brute force, every table a reader could not rule out: a "fewer than" figure is
    1..threshold-1, a hidden one at least the threshold, and each shown total is the
    sum of its row (or of the row totals). No hidden cell, no hidden row total, no
    hidden grand total, and no sum of some hidden cells of a row or of some hidden row
    totals can be known, but the sum of all of them, when it is not a small number."""
    g = result.total
    cap = g.n if not g.suppressed else g.n + 2 * threshold

    def values(size):
        if not size.suppressed:
            return [size.n]
        return range(1, threshold) if size.small else range(threshold, cap + 1)

    rows = []  # per row: the possible hidden cells (one per column) and the row's total
    for cells, row_total in zip(result.cells, result.row_totals, strict=True):
        hidden = [j for j, c in enumerate(cells) if c.suppressed]
        shown = sum(c.n for c in cells if not c.suppressed)
        possible = list(itertools.product(*(values(cells[j]) for j in hidden)))
        grid = np.array(possible, dtype=int).reshape(len(possible), len(hidden))
        totals = shown + grid.sum(axis=1)
        allowed = np.isin(totals, list(values(row_total)))
        rows.append((hidden, grid[allowed], totals[allowed]))
    allowed_g = set(values(g))
    sets = [set(totals.tolist()) for _, _, totals in rows]
    for r, (hidden, grid, totals) in enumerate(rows):
        others = _sums(sets[:r] + sets[r + 1 :])
        ok = np.array([any(t + o in allowed_g for o in others) for t in totals], dtype=bool)
        rows[r] = (hidden, grid[ok], totals[ok])
    for (hidden, grid, _), cells in zip(rows, result.cells, strict=True):
        truth = np.array([cells[j].n for j in hidden])
        assert (grid == truth).all(axis=1).any()
        for k in range(1, len(hidden) + 1):
            for subset in itertools.combinations(range(len(hidden)), k):
                known = np.unique(grid[:, list(subset)].sum(axis=1))
                if len(known) == 1:
                    assert k == len(hidden), (result, subset)
                    assert known[0] >= threshold, result
    hidden_rows = [r for r, t in enumerate(result.row_totals) if t.suppressed]
    possible = list(itertools.product(*(sorted(set(rows[r][2].tolist())) for r in hidden_rows)))
    combos = np.array(possible, dtype=int).reshape(len(possible), len(hidden_rows))
    shown_rows = sum(t.n for t in result.row_totals if not t.suppressed)
    combos = combos[np.isin(shown_rows + combos.sum(axis=1), list(allowed_g))]
    for k in range(1, len(hidden_rows) + 1):
        for subset in itertools.combinations(range(len(hidden_rows)), k):
            known = np.unique(combos[:, list(subset)].sum(axis=1))
            if len(known) == 1:
                assert k == len(hidden_rows), (result, subset)
                assert not g.suppressed, (result, subset)
                assert known[0] >= threshold, result
    if g.suppressed and hidden_rows:
        assert len(np.unique(combos.sum(axis=1))) > 1, result


@settings(max_examples=200, deadline=None)
@given(
    rows=st.integers(1, 3).flatmap(
        lambda width: st.lists(
            st.lists(st.integers(0, 9), min_size=width, max_size=width), min_size=1, max_size=3
        )
    ),
    threshold=st.integers(3, 5),
)
def test_no_hidden_cell_nor_row_total_of_a_table_can_be_derived(rows, threshold):
    # Left aside, as for one line (suppress): a small total over threshold - 1 groups
    # of one says that each is one, and no hiding can help.
    for line in [*rows, [n for row in rows for n in row]]:
        assume(not (sum(line) == threshold - 1 == sum(1 for n in line if n)))
    result = privacy.suppress_table(rows, threshold)

    for row, cells in zip(rows, result.cells, strict=True):
        for n, cell in zip(row, cells, strict=True):
            assert cell.n == n
            if 0 < n < threshold:
                assert str(cell) == f"fewer than {threshold}"
    for row, row_total in zip(rows, result.row_totals, strict=True):
        assert row_total.n == sum(row)
        if 0 < sum(row) < threshold:
            assert str(row_total) == f"fewer than {threshold}"
    _assert_nothing_derivable(result, threshold)

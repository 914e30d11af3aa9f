"""What is too small to show: the one home of the privacy rules (DESIGN.md, principle 3).

- **Thresholds.** A group of students below the reporting threshold
  (``EFFICACY_MIN_STUDENT_N``, default 10) and a group of staff below the
  anonymity threshold (``EFFICACY_MIN_STAFF_N``, default 5) are never shown as
  a number nor turned into a figure: :func:`min_student_n`, :func:`min_staff_n`.
- **Sizes.** :class:`GroupSize` is a count that knows whether it may be shown;
  printed, a small one reads "fewer than 10", never its number.
- **Complementary suppression.** :func:`suppress` hides more groups when the
  hidden ones could be worked out by subtraction from a published total, alone
  or as a sum (STATISTICS.md, "Small groups"); :func:`suppress_table` does the
  same for a table whose rows have totals that add up to a grand total.
- **Reasons as codes.** :class:`SuppressionReason` is a code with parameters
  (``SuppressionReason("small_group", threshold=10, group="focus_paired")``),
  stored as a dict and translated only when it is shown (:meth:`~SuppressionReason.message`).

Pure: no database. The thresholds are read from ``django.conf.settings`` by the
two small helpers; every rule takes its threshold as an argument, so it is
tested without settings.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

#: Defaults of the two thresholds (README, configuration).
DEFAULT_MIN_STUDENT_N = 10
DEFAULT_MIN_STAFF_N = 5


def min_student_n() -> int:
    """The reporting threshold for groups of students (``EFFICACY_MIN_STUDENT_N``)."""
    return int(getattr(settings, "EFFICACY_MIN_STUDENT_N", DEFAULT_MIN_STUDENT_N))


def min_staff_n() -> int:
    """The anonymity threshold for groups of staff (``EFFICACY_MIN_STAFF_N``): staff
    survey results from fewer respondents are not shown."""
    return int(getattr(settings, "EFFICACY_MIN_STAFF_N", DEFAULT_MIN_STAFF_N))


def is_small(n: int, threshold: int) -> bool:
    """A group with someone in it, but fewer than ``threshold``: never shown, never computed on."""
    return 0 < n < threshold


# --- reasons ----------------------------------------------------------------------

#: The group is below the threshold (parameters: ``threshold``, ``group``).
SMALL_GROUP = "small_group"
#: Hidden although large enough, so that a smaller hidden group cannot be worked out.
COMPLEMENT = "complement"
#: No score varies, so a standardised figure cannot be computed.
NO_VARIANCE = "no_variance"
#: The scores are too large or too small for a sum or a variance to be a finite number.
NOT_FINITE = "not_finite"
#: Every score at one of two occasions is the same (a floor or a ceiling), so a pre/post
#: effect would be divided by half the other occasion's SD
#: (:data:`efficacy.analysis.FLAT_OCCASION`).
FLAT_OCCASION = "flat_occasion"

#: What a ``group`` parameter names, as it reads after "fewer than 10".
GROUPS: dict[str, Promise] = {
    "students": gettext_lazy("students"),
    "staff": gettext_lazy("staff"),
    "respondents": gettext_lazy("respondents"),
    "focus": gettext_lazy("focus students"),
    "focus_paired": gettext_lazy("focus students with both scores"),
    "focus_paired_so_far": gettext_lazy(
        "focus students with a baseline score and a score at the latest checkpoint"
    ),
    "comparison_paired": gettext_lazy("comparison students with both scores"),
    "focus_paired_all_classes": gettext_lazy("focus students with both scores, in all classes"),
    "class_paired": gettext_lazy("students in this class with both scores"),
    "focus_final": gettext_lazy("focus students with a final score"),
    "focus_baseline": gettext_lazy("focus students with a baseline score"),
    "comparison_baseline": gettext_lazy("comparison students with a baseline score"),
    "comparison_final": gettext_lazy("comparison students with a final score"),
    "focus_occasion": gettext_lazy("focus students at this occasion"),
}


@dataclass(frozen=True)
class SuppressionReason:
    """Why a figure is not shown: a code and its parameters, translated when shown.

    Store :meth:`to_dict` (JSON); read it back with :meth:`from_dict`. Printing
    one (``{{ reason }}`` in a template) gives :meth:`message` in the active language.
    """

    code: str
    threshold: int | None = None
    group: str = ""

    def message(self) -> str:
        if self.code == SMALL_GROUP:
            return _(
                "Suppressed: fewer than %(threshold)d %(group)s, the reporting threshold. A "
                "figure from so few would be unreliable and could identify them."
            ) % {"threshold": self.threshold or 0, "group": group_label(self.group)}
        if self.code == COMPLEMENT:
            return _(
                "Hidden as well, although the group is large enough: otherwise a smaller hidden "
                "group could be worked out from the totals."
            )
        if self.code == NO_VARIANCE:
            return _(
                "Suppressed: the scores do not vary (zero variance), so a standardised effect "
                "cannot be computed."
            )
        if self.code == NOT_FINITE:
            return _(
                "Not computed: the scores are too large or too small for a sum or a variance to "
                "be calculated. Check the measure's range and the scores entered."
            )
        if self.code == FLAT_OCCASION:
            return _(
                "Not computed: every student had the same score at the baseline or at the final "
                "(all at the floor or the ceiling of the scale, for instance), so an effect in SD "
                "units would be inflated. Read the change in the mean score instead."
            )
        return _("Not shown.")

    def __str__(self) -> str:
        return self.message()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code}
        if self.threshold is not None:
            out["threshold"] = self.threshold
        if self.group:
            out["group"] = self.group
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> SuppressionReason | None:
        if not data or not data.get("code"):
            return None
        threshold = data.get("threshold")
        return cls(
            code=str(data["code"]),
            threshold=int(threshold) if threshold is not None else None,
            group=str(data.get("group") or ""),
        )


def group_label(code: str) -> str:
    label = GROUPS.get(code)
    return str(label) if label is not None else _("students")


def small_group(threshold: int, group: str = "students") -> SuppressionReason:
    return SuppressionReason(SMALL_GROUP, threshold=threshold, group=group)


def complement() -> SuppressionReason:
    return SuppressionReason(COMPLEMENT)


# --- sizes --------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupSize:
    """A count of people that knows whether it may be shown.

    Printed, it reads its number, "fewer than 10" when it is small, or "hidden"
    when it is hidden to protect a smaller group (:func:`suppress`).
    """

    n: int
    threshold: int
    #: Hidden although large enough, so that no smaller group can be worked out.
    complement: bool = False

    @property
    def small(self) -> bool:
        return is_small(self.n, self.threshold)

    @property
    def suppressed(self) -> bool:
        return self.small or self.complement

    @property
    def shown(self) -> int | None:
        """The number when it may be shown, else None."""
        return None if self.suppressed else self.n

    def reason(self, group: str = "students") -> SuppressionReason | None:
        if self.small:
            return small_group(self.threshold, group)
        if self.complement:
            return complement()
        return None

    def __str__(self) -> str:
        if self.small:
            return fewer_than(self.threshold)
        if self.complement:
            return _("hidden to protect a small group")
        return str(self.n)


def fewer_than(threshold: int) -> str:
    """How a small group's size reads, in every page, export, summary and story."""
    return _("fewer than %(n)d") % {"n": threshold}


def student_count(n: int, threshold: int | None = None) -> GroupSize:
    return GroupSize(n=int(n), threshold=min_student_n() if threshold is None else threshold)


def staff_count(n: int, threshold: int | None = None) -> GroupSize:
    return GroupSize(n=int(n), threshold=min_staff_n() if threshold is None else threshold)


# --- complementary suppression ------------------------------------------------------


@dataclass(frozen=True)
class Suppression:
    """Groups that add up to a total, each with what may be shown, and the total."""

    groups: list[GroupSize]
    total: GroupSize


def suppress(
    sizes: Sequence[int],
    threshold: int,
    *,
    total_shown: bool = True,
    hidden: Sequence[bool] | None = None,
    bounds: Sequence[tuple[float, float]] | None = None,
) -> Suppression:
    """Which of ``sizes`` (groups that add up to a total) may be shown.

    A group below ``threshold`` is hidden (shown as "fewer than 10"). When the
    total is published (``total_shown``), the sum of the hidden groups is the
    total minus the shown ones, so more groups are hidden, smallest first, until
    nothing small can be derived: see :func:`exposed` for what "derived" means.
    When even hiding every group is not enough, the total is hidden too.

    ``hidden`` names groups that are hidden already, by a rule elsewhere (in a
    table, a row whose own cells needed its total hidden: :func:`suppress_table`).
    ``bounds`` is what a reader knows of each group from elsewhere, as (least,
    greatest) (in a table, from the cells that add up to it); a group whose
    bounds are a single number is known whatever is printed, so hiding it
    protects nothing and it is never chosen.
    """
    sizes = [int(n) for n in sizes]
    total = sum(sizes)
    hidden = [is_small(n, threshold) or bool(hidden and hidden[i]) for i, n in enumerate(sizes)]
    total_hidden = is_small(total, threshold)
    if total_shown and not total_hidden:
        while exposed(sizes, hidden, threshold, bounds=bounds):
            candidates = [
                i
                for i, n in enumerate(sizes)
                if n > 0 and not hidden[i] and _unknown(n, threshold, bounds[i] if bounds else None)
            ]
            if not candidates:
                break
            candidates.sort(key=lambda i: sizes[i])
            # The smallest group that protects on its own, else the smallest, and go on.
            chosen = next(
                (
                    i
                    for i in candidates
                    if not exposed(sizes, _with(hidden, i), threshold, bounds=bounds)
                ),
                candidates[0],
            )
            hidden = _with(hidden, chosen)
    complement_total = (
        total_shown and not total_hidden and exposed(sizes, hidden, threshold, bounds=bounds)
    )
    groups = [
        GroupSize(n, threshold, complement=hide and not is_small(n, threshold))
        for n, hide in zip(sizes, hidden, strict=True)
    ]
    return Suppression(groups=groups, total=GroupSize(total, threshold, complement_total))


def exposed(
    sizes: Sequence[int],
    hidden: Sequence[bool],
    threshold: int,
    *,
    bounds: Sequence[tuple[float, float]] | None = None,
) -> bool:
    """Whether the hidden groups give something small away when the total is published.

    A reader knows the total, the shown groups, and of each hidden group that it
    is between 1 and ``threshold - 1`` ("fewer than 10") or at least
    ``threshold`` (hidden to protect a smaller group), narrowed by its
    ``bounds`` if given (what is known of it from elsewhere). Subtracting gives
    the sum S of the hidden groups, and nothing else: one equation over the
    hidden groups, each within its bounds. So something is derived exactly when

    - S is a small number itself (a group of fewer than the threshold, shown), or
    - only one group is hidden (it is S), or
    - S is the least or the greatest the hidden groups' bounds allow (each then
      sits at its bound, and every one is known).

    Otherwise every hidden group, and every sum of some of them, could take at
    least two values. A hidden group whose bounds leave it a single value is
    known already: it is taken from S like a shown one, and the rules above
    apply to the others.
    """
    chosen = [
        (n, *_bounds(n, threshold, bounds[i] if bounds else None))
        for i, (n, hide) in enumerate(zip(sizes, hidden, strict=True))
        if hide and n > 0
    ]
    if not chosen:
        return False
    unknown = [(n, low, high) for n, low, high in chosen if low < high]
    s = sum(n for n, _, _ in unknown)
    if s < threshold or len(unknown) <= 1:
        return True
    return s in (sum(low for _, low, _ in unknown), sum(high for _, _, high in unknown))


def _bounds(n: int, threshold: int, known: tuple[float, float] | None) -> tuple[float, float]:
    """What a reader knows of a hidden group of ``n``: its printed bounds, narrowed by ``known``."""
    low: float = 1 if is_small(n, threshold) else threshold
    high: float = threshold - 1 if is_small(n, threshold) else math.inf
    if known is not None:
        low, high = max(low, known[0]), min(high, known[1])
    return low, high


def _unknown(n: int, threshold: int, known: tuple[float, float] | None) -> bool:
    """Whether hiding a group of ``n`` leaves a reader more than one value for it."""
    low, high = _bounds(n, threshold, known)
    return low < high


def _with(hidden: list[bool], i: int) -> list[bool]:
    return [h or j == i for j, h in enumerate(hidden)]


@dataclass(frozen=True)
class TableSuppression:
    """A table of counts, each row with its total and the rows with a grand total,
    each with what may be shown."""

    cells: list[list[GroupSize]]
    row_totals: list[GroupSize]
    total: GroupSize


def suppress_table(rows: Sequence[Sequence[int]], threshold: int) -> TableSuppression:
    """Which cells of a table of counts may be shown, with each row's total and the
    grand total published (STATISTICS.md, "Small groups": hide more until no hidden
    group can be recovered by subtraction, alone or as a sum).

    Each row is suppressed against its total with :func:`suppress`, as if that
    total were shown: a reader who is not shown it knows less, so the row's
    hidden cells stay protected whatever is hidden later. The row totals are then
    suppressed against the grand total with :func:`suppress`, a row whose cells
    needed its total hidden already hidden, and each row total bounded by what its
    cells say of it (the shown ones exactly, each hidden one by its printed
    bounds). So a total hidden beside a row of shown cells, which they would give
    away, is never chosen; when no row total can protect, the grand total is
    hidden instead. The rows share no figure but their totals, so nothing else
    can be derived. Columns have no published totals here; a table that showed
    them would tie its rows together through every column, and need more.
    """
    by_row = [suppress(row, threshold) for row in rows]
    totals = suppress(
        [row.total.n for row in by_row],
        threshold,
        hidden=[row.total.suppressed for row in by_row],
        bounds=[_sum_bounds(row.groups) for row in by_row],
    )
    return TableSuppression(
        cells=[row.groups for row in by_row], row_totals=totals.groups, total=totals.total
    )


def _sum_bounds(groups: Sequence[GroupSize]) -> tuple[float, float]:
    """What a reader knows of the sum of ``groups`` from how each is printed."""
    low: float = 0
    high: float = 0
    for group in groups:
        if not group.suppressed:
            low, high = low + group.n, high + group.n
        elif group.small:
            low, high = low + 1, high + group.threshold - 1
        else:
            low, high = low + group.threshold, math.inf
    return low, high

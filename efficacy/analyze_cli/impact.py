"""``efficacy analyze impact``: a cycle's focus group against its comparison group."""

from __future__ import annotations

import argparse
from gettext import gettext as _

import numpy as np
import pandas as pd

from efficacy.analysis import pair_scores
from efficacy.analysis.impact import impact_estimate, impact_estimate_by
from efficacy.analyze_cli import io
from efficacy.analyze_cli.prepost import (
    add_occasion_arguments,
    check_occasions,
    occasion_columns,
)

HELP = _(
    "Impact on a focus group against a comparison group: ANCOVA-adjusted and "
    "difference-in-differences Hedges' g, WWC baseline equivalence, attrition."
)
#: Columns of the readable table for ``--by``.
SUMMARY = [
    "ancova_g",
    "ci_low",
    "ci_high",
    "did_g",
    "baseline_g",
    "baseline_equivalence",
    "n_focus",
    "n_comparison",
]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_occasion_arguments(parser)
    parser.add_argument("--group", required=True, metavar="COL", help=_("the group column"))
    parser.add_argument("--focus", required=True, metavar="A", help=_("the focus group's label"))
    parser.add_argument(
        "--comparison", required=True, metavar="B", help=_("the comparison group's label")
    )
    parser.add_argument(
        "--focus-chosen-for-low-scores",
        action="store_true",
        help=_(
            "the focus group was selected for low scores (adds the regression-to-the-mean caveat)"
        ),
    )
    parser.add_argument("--by", metavar="COL", help=_("one result per value of COL"))


def run(args: argparse.Namespace, table: pd.DataFrame) -> dict | list[dict]:
    labels = [args.occasion, args.group] + ([args.by] if args.by else [])
    table, n_dropped = io.prepare(table, numeric=[args.score], labels=labels, ids=[args.id])
    check_occasions(table, args)
    io.require_label(table, args.group, args.focus, option="--focus")
    io.require_label(table, args.group, args.comparison, option="--comparison")
    common = occasion_columns(args)
    if args.by:
        frame = impact_estimate_by(
            table,
            by=args.by,
            group=args.group,
            focus=args.focus,
            comparison=args.comparison,
            min_n=args.min_n,
            **common,
        )
        return io.records(frame, n_dropped=n_dropped)
    paired = pair_scores(table, keys=[args.group], **common)
    labels_per_student = np.asarray(paired["uniques"][args.group], dtype=object)[
        paired["codes"][args.group]
    ]
    arms = {}
    for label in (args.focus, args.comparison):
        mine = labels_per_student == label
        arms[label] = (paired["pre"][mine], paired["post"][mine])
    result = impact_estimate(
        *arms[args.focus],
        *arms[args.comparison],
        focus_chosen_for_low_scores=args.focus_chosen_for_low_scores,
        min_n=args.min_n,
    )
    return {**result.to_flat_dict(), "n_dropped": n_dropped}

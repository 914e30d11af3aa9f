"""``efficacy analyze prepost``: pre/post effect on the same students (no comparison group)."""

from __future__ import annotations

import argparse
from gettext import gettext as _

import numpy as np
import pandas as pd

from efficacy.analysis import pair_scores
from efficacy.analysis.prepost import prepost_effect, prepost_effect_by
from efficacy.analyze_cli import io

HELP = _(
    "Pre/post effect (d_av, d_z, r, CI) of the students present at both occasions, beside "
    "the growth expected over the cycle's weeks; no comparison group, so not evidence of cause."
)
#: Columns of the readable table for ``--by``.
SUMMARY = ["d_av", "ci_low", "ci_high", "d_z", "r", "n", "expected_growth"]


def add_occasion_arguments(parser: argparse.ArgumentParser) -> None:
    """The long-table columns shared with ``impact``."""
    parser.add_argument("--id", required=True, metavar="COL", help=_("the student id column"))
    parser.add_argument("--score", required=True, metavar="COL", help=_("the score column"))
    parser.add_argument("--occasion", required=True, metavar="COL", help=_("the occasion column"))
    parser.add_argument("--pre", required=True, metavar="P", help=_("the first occasion's label"))
    parser.add_argument("--post", required=True, metavar="Q", help=_("the later occasion's label"))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_occasion_arguments(parser)
    parser.add_argument(
        "--weeks",
        type=float,
        metavar="W",
        help=_("the cycle's length in weeks (default: a whole school year)"),
    )
    parser.add_argument(
        "--weeks-per-year",
        type=float,
        metavar="WY",
        help=_(
            "weeks in a school year (default 40): the expected growth is 0.40 × W / WY, as "
            "EFFICACY_WEEKS_PER_YEAR sets it for the impact panel"
        ),
    )
    parser.add_argument("--by", metavar="COL", help=_("one result per value of COL"))
    parser.add_argument(
        "--scale-min",
        type=float,
        metavar="X",
        help=_("the lowest score the measure allows: reports the share of students at it"),
    )
    parser.add_argument(
        "--scale-max",
        type=float,
        metavar="Y",
        help=_("the highest score the measure allows: reports the share of students at it"),
    )


def check_occasions(table: pd.DataFrame, args: argparse.Namespace) -> None:
    io.require_label(table, args.occasion, args.pre, option="--pre")
    io.require_label(table, args.occasion, args.post, option="--post")
    if args.pre == args.post:
        raise io.CliError("--pre and --post name the same occasion; give two different ones.")
    if getattr(args, "by", None) == args.id:
        raise io.CliError(
            f"--by {args.by!r} is the student id column; group by a class, a school or "
            "another column that holds many students."
        )


def occasion_columns(args: argparse.Namespace) -> dict[str, str]:
    """The keyword arguments of ``pair_scores`` and the ``*_by`` functions that
    :func:`add_occasion_arguments` collected."""
    return {
        "id": args.id,
        "score": args.score,
        "occasion": args.occasion,
        "pre": args.pre,
        "post": args.post,
    }


def run(args: argparse.Namespace, table: pd.DataFrame) -> dict | list[dict]:
    labels = [args.occasion] + ([args.by] if args.by else [])
    table, n_dropped = io.prepare(table, numeric=[args.score], labels=labels, ids=[args.id])
    check_occasions(table, args)
    common = occasion_columns(args)
    options = {
        "weeks": args.weeks,
        "weeks_per_year": args.weeks_per_year,
        "scale_min": args.scale_min,
        "scale_max": args.scale_max,
        "min_n": args.min_n,
    }
    if args.by:
        frame = prepost_effect_by(table, by=args.by, **options, **common)
        return io.records(frame, n_dropped=n_dropped)
    paired = pair_scores(table, keys=[], **common)
    result = prepost_effect(np.asarray(paired["pre"]), np.asarray(paired["post"]), **options)
    return {**result.to_flat_dict(), "n_dropped": n_dropped}

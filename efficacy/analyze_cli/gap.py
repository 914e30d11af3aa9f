"""``efficacy analyze gap``: the gap between two groups at two occasions, and its reduction."""

from __future__ import annotations

import argparse
from gettext import gettext as _

import numpy as np
import pandas as pd

from efficacy.analysis import pair_scores
from efficacy.analysis.gap import gap_change
from efficacy.analyze_cli import io

HELP = _(
    "Gap between groups A and B at two occasions, in points and SD units, and its "
    "percentage reduction with a seeded bootstrap CI (with --id, resampling students)."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--score", required=True, metavar="COL", help=_("the score column"))
    parser.add_argument("--group", required=True, metavar="COL", help=_("the group column"))
    parser.add_argument("--a", required=True, metavar="A", help=_("group A's label"))
    parser.add_argument("--b", required=True, metavar="B", help=_("group B's label"))
    parser.add_argument("--occasion", required=True, metavar="COL", help=_("the occasion column"))
    parser.add_argument(
        "--from", dest="from_", required=True, metavar="P", help=_("the first occasion's label")
    )
    parser.add_argument("--to", required=True, metavar="Q", help=_("the later occasion's label"))
    parser.add_argument(
        "--bootstrap",
        type=int,
        default=2000,
        metavar="N",
        help=_("bootstrap resamples for the CI (default %(default)s; 0 for none)"),
    )
    parser.add_argument(
        "--seed", type=int, default=0, metavar="S", help=_("random seed (default %(default)s)")
    )
    parser.add_argument(
        "--id",
        metavar="COL",
        help=_(
            "the student id column: the same students at both occasions, so the bootstrap "
            "resamples students with both of their scores (without it the occasions are "
            "resampled as independent samples)"
        ),
    )


def run(args: argparse.Namespace, table: pd.DataFrame) -> dict:
    if not 0 <= args.bootstrap <= 100_000:
        raise io.CliError(f"--bootstrap must be between 0 and 100000, got {args.bootstrap}.")
    labels = [args.group, args.occasion]
    ids = [args.id] if args.id else []
    table, n_dropped = io.prepare(table, numeric=[args.score], labels=labels, ids=ids)
    io.require_label(table, args.group, args.a, option="--a")
    io.require_label(table, args.group, args.b, option="--b")
    io.require_label(table, args.occasion, args.from_, option="--from")
    io.require_label(table, args.occasion, args.to, option="--to")
    if args.a == args.b or args.from_ == args.to:
        raise io.CliError("--a/--b and --from/--to must each name two different labels.")
    cells = _students(table, args) if args.id else _occasions(table, args)
    result = gap_change(
        *cells,
        same_students=bool(args.id),
        bootstrap=args.bootstrap,
        seed=args.seed,
        min_n=args.min_n,
    )
    return {**result.to_flat_dict(), "n_dropped": n_dropped}


def _occasions(table: pd.DataFrame, args: argparse.Namespace) -> list[np.ndarray]:
    """A and B at the first occasion, then at the later one: every score of each cell."""
    group, occasion, score = table[args.group], table[args.occasion], table[args.score]
    return [
        score[(group == label) & (occasion == when)].to_numpy()
        for when in (args.from_, args.to)
        for label in (args.a, args.b)
    ]


def _students(table: pd.DataFrame, args: argparse.Namespace) -> list[np.ndarray]:
    """As :func:`_occasions`, but one element per student of the group (NaN where a
    student has no score at that occasion), in the same order at both occasions."""
    rows = table[
        table[args.group].isin([args.a, args.b]) & table[args.occasion].isin([args.from_, args.to])
    ]
    groups = rows.groupby(args.id, sort=False)[args.group].nunique()
    if (groups > 1).any():
        student = groups.index[(groups > 1).to_numpy()][0]
        raise io.CliError(
            f"--id: student {student!r} is in group {args.a!r} and in group {args.b!r}; "
            "each student must belong to one group to be resampled with both scores."
        )
    paired = pair_scores(
        rows,
        keys=[args.group],
        id=args.id,
        score=args.score,
        occasion=args.occasion,
        pre=args.from_,
        post=args.to,
    )
    of_unit = np.asarray(paired["uniques"][args.group])[paired["codes"][args.group]]
    first, later = np.asarray(paired["pre"]), np.asarray(paired["post"])
    return [values[of_unit == label] for values in (first, later) for label in (args.a, args.b)]

"""``efficacy analyze gap``: the gap between two groups at two occasions, and its reduction."""

from __future__ import annotations

import argparse
from gettext import gettext as _

import pandas as pd

from efficacy.analysis.gap import gap_change
from efficacy.analyze_cli import io

HELP = _(
    "Gap between groups A and B at two occasions, in points and SD units, and its "
    "percentage reduction with a seeded bootstrap CI."
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


def run(args: argparse.Namespace, table: pd.DataFrame) -> dict:
    if not 0 <= args.bootstrap <= 100_000:
        raise io.CliError(f"--bootstrap must be between 0 and 100000, got {args.bootstrap}.")
    table, n_dropped = io.prepare(table, numeric=[args.score], labels=[args.group, args.occasion])
    io.require_label(table, args.group, args.a, option="--a")
    io.require_label(table, args.group, args.b, option="--b")
    io.require_label(table, args.occasion, args.from_, option="--from")
    io.require_label(table, args.occasion, args.to, option="--to")
    if args.a == args.b or args.from_ == args.to:
        raise io.CliError("--a/--b and --from/--to must each name two different labels.")
    group, occasion, score = table[args.group], table[args.occasion], table[args.score]

    def cell(label: str, when: str) -> pd.Series:
        return score[(group == label) & (occasion == when)].to_numpy()

    result = gap_change(
        cell(args.a, args.from_),
        cell(args.b, args.from_),
        cell(args.a, args.to),
        cell(args.b, args.to),
        bootstrap=args.bootstrap,
        seed=args.seed,
        min_n=args.min_n,
    )
    return {**result.to_flat_dict(), "n_dropped": n_dropped}

"""``efficacy analyze icc``: how much of the score variance lies between clusters."""

from __future__ import annotations

import argparse
from gettext import gettext as _

import pandas as pd

from efficacy.analysis.multilevel import null_model
from efficacy.analyze_cli import io

HELP = _(
    "Multilevel null model (REML): grand mean, between- and within-cluster variance, "
    "intraclass correlation and design effect."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--score", required=True, metavar="COL", help=_("the score column"))
    parser.add_argument(
        "--cluster", required=True, metavar="COL", help=_("the class or school column")
    )


def run(args: argparse.Namespace, table: pd.DataFrame) -> dict:
    table, n_dropped = io.prepare(table, numeric=[args.score], labels=[args.cluster])
    result = null_model(
        table[args.score].to_numpy(), table[args.cluster].to_numpy(), min_n=args.min_n
    )
    return {**result.to_flat_dict(), "n_dropped": n_dropped}

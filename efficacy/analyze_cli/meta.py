"""``efficacy analyze meta``: random-effects pooling of many cycles' effects."""

from __future__ import annotations

import argparse
from gettext import gettext as _

import pandas as pd

from efficacy.analysis.meta import random_effects
from efficacy.analyze_cli import io

HELP = _("Random-effects meta-analysis of effects with their standard errors (DL or REML).")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--effect", required=True, metavar="COL", help=_("the effect column"))
    parser.add_argument(
        "--se", required=True, metavar="COL", help=_("the column of the effects' standard errors")
    )
    parser.add_argument(
        "--method",
        choices=["dl", "reml"],
        default="reml",
        help=_("between-cycle variance estimator (default %(default)s)"),
    )
    parser.add_argument(
        "--hartung-knapp",
        action="store_true",
        help=_("Hartung-Knapp standard error and a t interval"),
    )
    parser.add_argument(
        "--hartung-knapp-floor",
        action="store_true",
        help=_("Hartung-Knapp with max(1, q): never narrower than the usual interval"),
    )


def run(args: argparse.Namespace, table: pd.DataFrame) -> dict:
    table, n_dropped = io.prepare(table, numeric=[args.effect, args.se])
    result = random_effects(
        table[args.effect].to_numpy(),
        table[args.se].to_numpy(),
        method=args.method,
        hartung_knapp=args.hartung_knapp,
        hartung_knapp_floor=args.hartung_knapp_floor,
    )
    return {**result.to_flat_dict(), "n_dropped": n_dropped}

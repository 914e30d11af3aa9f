"""``efficacy analyze reliability``: Cronbach's alpha and McDonald's omega of a scale."""

from __future__ import annotations

import argparse
from gettext import gettext as _

import pandas as pd

from efficacy.analysis.scales import reliability
from efficacy.analyze_cli import io

HELP = _(
    "Reliability of a survey scale: Cronbach's alpha with its Feldt CI, McDonald's omega, "
    "item-total correlations and alpha if an item is deleted."
)


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--items", required=True, metavar="C1,C2,...", help=_("the item columns, comma-separated")
    )
    parser.add_argument(
        "--reverse",
        default="",
        metavar="C3,...",
        help=_("reverse-scored item columns (they join the items if not listed there)"),
    )
    parser.add_argument("--scale-min", type=float, metavar="MIN", help=_("lowest possible answer"))
    parser.add_argument("--scale-max", type=float, metavar="MAX", help=_("highest possible answer"))


def run(args: argparse.Namespace, table: pd.DataFrame) -> dict:
    reverse = _names(args.reverse)
    items = list(dict.fromkeys([*_names(args.items), *reverse]))
    if len(items) < 2:
        raise io.CliError(
            f"--items {args.items!r}: name at least 2 item columns, separated by commas."
        )
    if reverse and (args.scale_min is None or args.scale_max is None):
        raise io.CliError("--reverse needs --scale-min and --scale-max to recode the answers.")
    table, n_dropped = io.prepare(table, numeric=items)
    result = reliability(
        table[items],
        reverse=reverse,
        scale_min=args.scale_min,
        scale_max=args.scale_max,
        min_n=args.min_n,
    )
    return {**result.to_flat_dict(), "n_dropped": n_dropped}

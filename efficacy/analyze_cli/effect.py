"""``efficacy analyze effect``: Hedges' g of a treatment group against a control group."""

from __future__ import annotations

import argparse
from gettext import gettext as _

import pandas as pd

from efficacy.analysis.effects import effect_size, effect_size_by
from efficacy.analyze_cli import io

HELP = _("Hedges' g (with Cohen's d, Glass's delta, SE and CI) of two independent groups.")
#: Columns of the readable table for ``--by``.
SUMMARY = ["hedges_g", "se", "ci_low", "ci_high", "n_treatment", "n_control"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--score", required=True, metavar="COL", help=_("the score column"))
    parser.add_argument("--group", required=True, metavar="COL", help=_("the group column"))
    parser.add_argument("--treatment", required=True, metavar="A", help=_("treatment label"))
    parser.add_argument("--control", required=True, metavar="B", help=_("control label"))
    parser.add_argument("--by", metavar="COL", help=_("one result per value of COL"))


def run(args: argparse.Namespace, table: pd.DataFrame) -> dict | list[dict]:
    labels = [args.group] + ([args.by] if args.by else [])
    table, n_dropped = io.prepare(table, numeric=[args.score], labels=labels)
    io.require_label(table, args.group, args.treatment, option="--treatment")
    io.require_label(table, args.group, args.control, option="--control")
    if args.by:
        frame = effect_size_by(
            table,
            by=args.by,
            score=args.score,
            group=args.group,
            treatment=args.treatment,
            control=args.control,
            min_n=args.min_n,
        )
        return io.records(frame, n_dropped=n_dropped)
    scores = table[args.score]
    result = effect_size(
        scores[table[args.group] == args.treatment].to_numpy(),
        scores[table[args.group] == args.control].to_numpy(),
        min_n=args.min_n,
    )
    return {**result.to_flat_dict(), "n_dropped": n_dropped}

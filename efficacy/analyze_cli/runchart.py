"""``efficacy analyze runchart``: run-chart rules on a series in time order."""

from __future__ import annotations

import argparse
from gettext import gettext as _
from typing import Any

import pandas as pd

from efficacy.analysis.runchart import RunChartResult, rebaselined_run_charts, run_chart
from efficacy.analyze_cli import io

HELP = _(
    "Run chart: median, runs, crossings, shift and trend rules, Anhøj's rules and the "
    "points that form each signal."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--value", required=True, metavar="COL", help=_("the measured value"))
    parser.add_argument(
        "--order",
        metavar="COL",
        help=_("the time order (number or date); without it, the rows' order"),
    )
    parser.add_argument(
        "--baseline",
        type=int,
        metavar="N",
        help=_("take the median of the first N points only (a frozen baseline)"),
    )
    parser.add_argument(
        "--rebaseline",
        action="store_true",
        help=_("start a new median at each sustained shift: one result per stretch"),
    )


def _sort_key(values: pd.Series, column: str) -> pd.Series:
    """Numbers sort as numbers, dates as dates; anything else is refused."""
    numbers = pd.to_numeric(values, errors="coerce")
    if numbers.notna().all():
        return numbers
    dates = pd.to_datetime(values, errors="coerce", format="mixed")
    if dates.notna().all():
        return dates
    neither = (numbers.isna() & dates.isna()).to_numpy()
    if not neither.any():
        raise io.CliError(
            f"column {column!r} mixes numbers and dates, so the points cannot be put in "
            "time order; use one kind throughout."
        )
    # Positions, not labels: the table's index may repeat.
    bad = values.to_numpy()[neither][0]
    raise io.CliError(
        f"column {column!r}: {bad!r} is neither a number nor a date, so the points "
        "cannot be put in time order; fix the cell or leave out --order."
    )


def run(args: argparse.Namespace, table: pd.DataFrame) -> dict | list[dict]:
    labels = [args.order] if args.order else []
    table, n_dropped = io.prepare(table, numeric=[args.value], labels=labels)
    at: list[str] | None = None
    if args.order:
        key = _sort_key(table[args.order], args.order)
        table = table.iloc[key.argsort(kind="stable").to_numpy()]
        at = table[args.order].tolist()
    values = table[args.value].to_numpy()
    if args.rebaseline:
        if args.baseline is not None:
            raise io.CliError("use either --baseline or --rebaseline, not both.")
        return [_flat(c, at, n_dropped) for c in rebaselined_run_charts(values)]
    return _flat(run_chart(values, baseline_n=args.baseline), at, n_dropped)


def _flat(chart: RunChartResult, at: list[str] | None, n_dropped: int) -> dict[str, Any]:
    out = {**chart.to_flat_dict(), "n_dropped": n_dropped}
    if at is not None:
        # Name the points by their --order value as well as their position.
        out["signals"] = [{**s, "at": [at[i] for i in s["indices"]]} for s in out["signals"]]
    return out

"""Every chart Efficacy draws: numbers in, the geometry of a server-rendered SVG out.

One module for every chart (forest plots, trends with intervals, bars), so that every
chart has the same palette, the same accessible shape and the same tests. It is pure
Python (no Django: an import-linter contract says so); ``charts/chart.html`` draws a
:class:`Chart` as an ``<svg role="img">`` with a ``<title>`` and a ``<desc>``, its
legend, and its data table one click away in a ``<details>``. Coordinates are plain
numbers, written with ``{% localize off %}`` (an SVG coordinate is never ``41,7``);
tick labels and the data table follow the reader's language.

Colours come from the Okabe–Ito palette (Okabe & Ito 2008, *Color Universal Design*),
which stays distinct under the common colour-vision deficiencies; every series also has
its own marker shape, so colour is never the only cue. Colours are SVG presentation
attributes, not ``style``, so the Content Security Policy needs no ``'unsafe-inline'``
and the same SVG prints in a PDF.

Why our own code rather than a charting library: matplotlib's SVG output writes
``style`` attributes and a ``<style>`` element (refused by the strict CSP) and text as
paths unless told otherwise, and weighs 30–60 KB per chart; a Vega-Lite renderer needs
Node or a browser on the server. These three shapes are a few hundred lines.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

#: Okabe–Ito: blue, vermillion, bluish green, reddish purple, orange, sky blue, black.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
#: A shape per series, so that colour is never the only cue.
MARKERS = ("circle", "square", "diamond", "triangle")
INK = "#1d2329"
GRID = "#c9d0d6"
AXIS = "#4a5561"
REFERENCE = "#D55E00"
#: Characters of a row label drawn on the chart; the whole label is its <title>.
LABEL_CHARS = 30


def gettext_noop(message: str) -> str:
    """Marks a word for translation without translating it here (this module is pure):
    the template translates it with ``{% translate %}``, an export with ``gettext``."""
    return message


WIDTH = 640
ROW = 26
TOP = 28
BOTTOM = 44


#: The data tables' default column headings (a caller may pass its own, translated).
FOREST_COLUMNS = (
    gettext_noop("Name"),
    gettext_noop("Estimate"),
    gettext_noop("95% interval, low"),
    gettext_noop("95% interval, high"),
    gettext_noop("Note"),
)
TREND_COLUMNS = (
    gettext_noop("Series"),
    gettext_noop("When"),
    gettext_noop("Estimate"),
    gettext_noop("95% interval, low"),
    gettext_noop("95% interval, high"),
    gettext_noop("Note"),
)
BAR_COLUMNS = (gettext_noop("Name"), gettext_noop("Value"), gettext_noop("Note"))
BAR_COLUMNS_PERCENT = (gettext_noop("Name"), gettext_noop("Share (%)"), gettext_noop("Note"))


@dataclass(frozen=True)
class DataTable:
    """The chart's figures as a table: numbers stay numbers, ``None`` is blank."""

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True)
class Tick:
    at: float  #: the coordinate on the axis
    value: float  #: the value it marks (written in the reader's language)


@dataclass(frozen=True)
class ForestRow:
    label: str
    estimate: float | None
    low: float | None = None
    high: float | None = None
    note: str = ""
    href: str = ""


@dataclass(frozen=True)
class Point:
    category: str
    estimate: float | None
    low: float | None = None
    high: float | None = None
    note: str = ""


@dataclass(frozen=True)
class Series:
    label: str
    points: Sequence[Point]


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    note: str = ""


@dataclass(frozen=True)
class Mark:
    """One drawn thing; the template draws it by ``shape``."""

    shape: str  # "interval", "circle", "square", "diamond", "triangle", "line", "bar", "text"
    x: float = 0.0
    y: float = 0.0
    x2: float = 0.0
    y2: float = 0.0
    colour: str = INK
    title: str = ""
    text: str = ""
    points: str = ""  # a polygon's or a polyline's points
    dashed: bool = False
    width: float = 2.0


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    full: str = ""
    anchor: str = "end"
    href: str = ""
    italic: bool = False


@dataclass(frozen=True)
class LegendItem:
    label: str
    colour: str
    shape: str
    dashed: bool = False


@dataclass(frozen=True)
class Chart:
    kind: str  # "forest", "trend" or "bars"
    title: str
    description: str
    axis_label: str
    width: int
    height: int
    table: DataTable
    #: plot area
    left: float = 0.0
    right: float = 0.0
    top: float = 0.0
    bottom: float = 0.0
    x_ticks: tuple[Tick, ...] = ()
    y_ticks: tuple[Tick, ...] = ()
    labels: tuple[Label, ...] = ()
    marks: tuple[Mark, ...] = ()
    legend: tuple[LegendItem, ...] = ()
    percent: bool = False
    empty: bool = False
    notes: tuple[str, ...] = field(default=())

    @property
    def id(self) -> str:
        """A stable id for the SVG's title and description (unique per chart on a page)."""
        digest = hashlib.blake2s(
            f"{self.kind}|{self.title}|{self.description}|{len(self.marks)}".encode(), digest_size=5
        )
        return f"chart-{digest.hexdigest()}"


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (1, 2, 2.5 or 5 times a power of ten).

    >>> nice_ticks(-0.23, 0.91)
    [-0.25, 0.0, 0.25, 0.5, 0.75, 1.0]
    >>> nice_ticks(0, 1)
    [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    """
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError("tick bounds must be finite numbers")
    if high < low:
        low, high = high, low
    if high == low:
        low, high = low - 0.5, high + 0.5
    raw = (high - low) / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw - 1e-12)
    first = math.floor(low / step + 1e-9) * step
    ticks = []
    value = first
    while value < high + step - 1e-9:
        ticks.append(round(value, 10) + 0.0)
        value += step
    while len(ticks) > 1 and ticks[-2] >= high - 1e-9:
        ticks.pop()
    return ticks


def _scale(lo: float, hi: float, a: float, b: float):
    span = (hi - lo) or 1.0
    return lambda v: round(a + (v - lo) * (b - a) / span, 1)


def _short(text: str, chars: int = LABEL_CHARS) -> str:
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "…"


def _finite(*values: float | None) -> list[float]:
    return [float(v) for v in values if v is not None and math.isfinite(float(v))]


def _marker(shape: str, x: float, y: float, colour: str, title: str, size: float = 5.0) -> Mark:
    if shape == "square":
        return Mark(
            "square", x=x - size, y=y - size, x2=2 * size, y2=2 * size, colour=colour, title=title
        )
    if shape == "diamond":
        s = size * 1.3
        points = f"{x},{y - s} {x + s},{y} {x},{y + s} {x - s},{y}"
        return Mark("polygon", points=points, colour=colour, title=title)
    if shape == "triangle":
        s = size * 1.3
        points = f"{x},{y - s} {x + s},{round(y + s * 0.8, 1)} {x - s},{round(y + s * 0.8, 1)}"
        return Mark("polygon", points=points, colour=colour, title=title)
    return Mark("circle", x=x, y=y, x2=size, colour=colour, title=title)


def _interval_text(estimate: float, low: float | None, high: float | None) -> str:
    if low is None or high is None:
        return f"{estimate:.2f}"
    return f"{estimate:.2f} [{low:.2f}, {high:.2f}]"


def forest(
    rows: Sequence[ForestRow],
    *,
    title: str,
    description: str,
    axis_label: str,
    reference: float | None = None,
    reference_label: str = "",
    pooled: ForestRow | None = None,
    prediction: tuple[float, float] | None = None,
    prediction_label: str = "",
    pooled_label: str = "",
    columns: tuple[str, ...] = (),
) -> Chart:
    """A forest plot: one row per effect with its interval, a reference line, the pooled
    estimate as a diamond spanning its interval and the prediction interval as a line."""
    drawn = list(rows) + ([pooled] if pooled is not None else [])
    values = _finite(0.0, reference, *(v for r in drawn for v in (r.estimate, r.low, r.high)))
    if prediction is not None:
        values += _finite(*prediction)
    ticks = nice_ticks(min(values), max(values))
    left, right = 230.0, WIDTH - 24.0
    x = _scale(ticks[0], ticks[-1], left, right)
    n_rows = len(rows) + (2 if pooled is not None else 0)
    top = float(TOP)
    bottom = top + ROW * max(n_rows, 1)
    labels: list[Label] = []
    marks: list[Mark] = []
    if ticks[0] <= 0.0 and ticks[-1] >= 0.0:
        marks.append(Mark("line", x=x(0.0), y=top - 6, x2=x(0.0), y2=bottom, colour=AXIS, width=1))
    if reference is not None and math.isfinite(reference):
        marks.append(
            Mark(
                "line",
                x=x(reference),
                y=top - 6,
                x2=x(reference),
                y2=bottom,
                colour=REFERENCE,
                dashed=True,
                width=2,
                title=reference_label,
            )
        )
    for i, row in enumerate(rows):
        y = round(top + ROW * i + ROW / 2, 1)
        labels.append(Label(left - 8, y, _short(row.label), full=row.label, href=row.href))
        if row.estimate is None or not math.isfinite(row.estimate):
            labels.append(
                Label(left + 4, y, _short(row.note, 70), full=row.note, anchor="start", italic=True)
            )
            continue
        tip = f"{row.label}: {_interval_text(row.estimate, row.low, row.high)}"
        if row.low is not None and row.high is not None:
            marks.append(
                Mark(
                    "interval",
                    x=x(row.low),
                    y=y,
                    x2=x(row.high),
                    y2=y,
                    colour=PALETTE[0],
                    title=tip,
                )
            )
        marks.append(_marker("square", x(row.estimate), y, PALETTE[0], tip, size=4.5))
    if pooled is not None and pooled.estimate is not None:
        y = round(top + ROW * len(rows) + ROW, 1)
        labels.append(Label(left - 8, y, _short(pooled.label), full=pooled.label))
        tip = f"{pooled.label}: {_interval_text(pooled.estimate, pooled.low, pooled.high)}"
        if prediction is not None and all(map(math.isfinite, prediction)):
            marks.append(
                Mark(
                    "interval",
                    x=x(prediction[0]),
                    y=y,
                    x2=x(prediction[1]),
                    y2=y,
                    colour=PALETTE[2],
                    width=2,
                    title=f"{prediction_label}: [{prediction[0]:.2f}, {prediction[1]:.2f}]",
                )
            )
        low = pooled.low if pooled.low is not None else pooled.estimate
        high = pooled.high if pooled.high is not None else pooled.estimate
        points = (
            f"{x(low)},{y} {x(pooled.estimate)},{y - 8} {x(high)},{y} {x(pooled.estimate)},{y + 8}"
        )
        marks.append(Mark("polygon", points=points, colour=PALETTE[1], title=tip))
    columns = columns or FOREST_COLUMNS
    legend = [LegendItem(axis_label, PALETTE[0], "square")]
    if reference is not None:
        legend.append(LegendItem(reference_label, REFERENCE, "line", dashed=True))
    if pooled is not None and pooled.estimate is not None:
        legend.append(LegendItem(pooled_label or pooled.label, PALETTE[1], "diamond"))
        if prediction is not None:
            legend.append(LegendItem(prediction_label, PALETTE[2], "line"))
    table_rows = [(r.label, r.estimate, r.low, r.high, r.note) for r in rows]
    if pooled is not None:
        table_rows.append((pooled.label, pooled.estimate, pooled.low, pooled.high, pooled.note))
        if prediction is not None:
            table_rows.append((prediction_label, None, prediction[0], prediction[1], ""))
    return Chart(
        kind="forest",
        title=title,
        description=description,
        axis_label=axis_label,
        width=WIDTH,
        height=int(bottom + BOTTOM),
        table=DataTable(title, columns, tuple(table_rows)),
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        x_ticks=tuple(Tick(x(t), t) for t in ticks),
        labels=tuple(labels),
        marks=tuple(marks),
        legend=tuple(legend),
        empty=not rows,
    )


def trend(
    series: Sequence[Series],
    *,
    categories: Sequence[str],
    title: str,
    description: str,
    axis_label: str,
    reference: float | None = None,
    reference_label: str = "",
    y_range: tuple[float, float] | None = None,
    columns: tuple[str, ...] = (),
) -> Chart:
    """Lines over ordered categories (terms, survey windows), each point with its interval.

    A missing point (``estimate`` None: suppressed or not measured) breaks the line and
    keeps its note in the data table."""
    categories = list(categories)
    values = _finite(
        reference, *(v for s in series for p in s.points for v in (p.estimate, p.low, p.high))
    )
    if y_range is not None:
        values += list(y_range)
    if not values:
        values = [0.0, 1.0]
    ticks = nice_ticks(min(values), max(values))
    left, right, top = 56.0, WIDTH - 24.0, float(TOP)
    bottom = top + 220.0
    y = _scale(ticks[0], ticks[-1], bottom, top)
    step = (right - left) / max(len(categories), 1)
    x_of = {c: round(left + step * (i + 0.5), 1) for i, c in enumerate(categories)}
    marks: list[Mark] = [
        Mark("line", x=left, y=y(t), x2=right, y2=y(t), colour=GRID, width=1) for t in ticks
    ]
    if reference is not None and math.isfinite(reference):
        marks.append(
            Mark(
                "line",
                x=left,
                y=y(reference),
                x2=right,
                y2=y(reference),
                colour=REFERENCE,
                dashed=True,
                title=reference_label,
            )
        )
    legend: list[LegendItem] = []
    table_rows: list[tuple[Any, ...]] = []
    offset_step = min(6.0, step / (2 * max(len(series), 1)))
    for i, s in enumerate(series):
        colour = PALETTE[i % len(PALETTE)]
        shape = MARKERS[i % len(MARKERS)]
        legend.append(LegendItem(s.label, colour, shape))
        dx = round((i - (len(series) - 1) / 2) * offset_step, 1)
        run: list[str] = []
        for p in s.points:
            table_rows.append((s.label, p.category, p.estimate, p.low, p.high, p.note))
            if p.category not in x_of or p.estimate is None or not math.isfinite(p.estimate):
                if len(run) > 1:
                    marks.append(Mark("polyline", points=" ".join(run), colour=colour))
                run = []
                continue
            px, py = round(x_of[p.category] + dx, 1), y(p.estimate)
            run.append(f"{px},{py}")
            tip = f"{s.label}, {p.category}: {_interval_text(p.estimate, p.low, p.high)}"
            if p.low is not None and p.high is not None:
                marks.append(
                    Mark(
                        "interval",
                        x=px,
                        y=y(p.low),
                        x2=px,
                        y2=y(p.high),
                        colour=colour,
                        width=1.5,
                        title=tip,
                    )
                )
            marks.append(_marker(shape, px, py, colour, tip))
        if len(run) > 1:
            marks.append(Mark("polyline", points=" ".join(run), colour=colour))
    if reference is not None:
        legend.append(LegendItem(reference_label, REFERENCE, "line", dashed=True))
    # Polylines first, so that markers are drawn over them.
    marks.sort(key=lambda m: 0 if m.shape in ("line", "polyline") else 1)
    labels = [
        Label(x_of[c], bottom + 18, _short(c, 16), full=c, anchor="middle") for c in categories
    ]
    return Chart(
        kind="trend",
        title=title,
        description=description,
        axis_label=axis_label,
        width=WIDTH,
        height=int(bottom + BOTTOM),
        table=DataTable(title, columns or TREND_COLUMNS, tuple(table_rows)),
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        y_ticks=tuple(Tick(y(t), t) for t in ticks),
        labels=tuple(labels),
        marks=tuple(marks),
        legend=tuple(legend),
        empty=not any(p.estimate is not None for s in series for p in s.points),
    )


def bars(
    rows: Sequence[Bar],
    *,
    title: str,
    description: str,
    axis_label: str,
    maximum: float = 1.0,
    percent: bool = True,
    columns: tuple[str, ...] = (),
) -> Chart:
    """Horizontal bars from 0 to ``maximum`` (shares as percentages by default)."""
    left, right, top = 230.0, WIDTH - 64.0, float(TOP)
    bottom = top + ROW * max(len(rows), 1)
    ticks = nice_ticks(0.0, maximum, 4)
    x = _scale(0.0, ticks[-1], left, right)
    labels: list[Label] = []
    marks: list[Mark] = [
        Mark("line", x=x(t), y=top - 4, x2=x(t), y2=bottom, colour=GRID, width=1) for t in ticks
    ]
    for i, row in enumerate(rows):
        y = round(top + ROW * i + ROW / 2, 1)
        labels.append(Label(left - 8, y, _short(row.label), full=row.label))
        if row.value is None or not math.isfinite(row.value):
            labels.append(
                Label(left + 4, y, _short(row.note, 60), full=row.note, anchor="start", italic=True)
            )
            continue
        value = min(max(row.value, 0.0), ticks[-1])
        shown = f"{round(row.value * 100)} %" if percent else f"{row.value:.2f}"
        marks.append(
            Mark(
                "bar",
                x=left,
                y=y - 8,
                x2=round(x(value) - left, 1),
                y2=16,
                colour=PALETTE[0],
                title=f"{row.label}: {shown}",
            )
        )
        marks.append(
            Mark(
                "text",
                x=x(value) + 6,
                y=y,
                text=str(round(row.value * 100)) if percent else f"{row.value:.2f}",
            )
        )
    table_rows = tuple(
        (
            r.label,
            (round(r.value * 100) if percent else r.value) if r.value is not None else None,
            r.note,
        )
        for r in rows
    )
    return Chart(
        kind="bars",
        title=title,
        description=description,
        axis_label=axis_label,
        width=WIDTH,
        height=int(bottom + BOTTOM),
        table=DataTable(
            title, columns or (BAR_COLUMNS_PERCENT if percent else BAR_COLUMNS), table_rows
        ),
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        x_ticks=tuple(Tick(x(t), round(t * 100) if percent else t) for t in ticks),
        labels=tuple(labels),
        marks=tuple(marks),
        percent=percent,
        empty=not rows,
    )

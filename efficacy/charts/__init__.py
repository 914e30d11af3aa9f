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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeGuard

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
#: About how wide a character of a 12-pixel label is, to shorten labels that would collide.
CHAR_WIDTH = 7.0


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
    gettext_noop("Likely range, low"),
    gettext_noop("Likely range, high"),
    gettext_noop("Note"),
)
TREND_COLUMNS = (
    gettext_noop("Series"),
    gettext_noop("When"),
    gettext_noop("Estimate"),
    gettext_noop("Likely range, low"),
    gettext_noop("Likely range, high"),
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
class RunPoint:
    """One occasion of a run chart, at its place in the order (``value`` None: no point)."""

    label: str
    value: float | None
    signal: bool = False
    note: str = ""  #: said after the value in the point's tooltip, e.g. "n = 12"


@dataclass(frozen=True)
class Mark:
    """One drawn thing, drawn by ``shape``; its tooltip is ``title``, then ``value``
    [``low``, ``high``] in the reader's language, then ``note``."""

    shape: str  # line, interval, polyline, polygon, circle, square, bar, text
    x: float = 0.0
    y: float = 0.0
    x2: float = 0.0
    y2: float = 0.0
    colour: str = INK
    title: str = ""
    value: float | None = None
    low: float | None = None
    high: float | None = None
    note: str = ""
    points: str = ""  #: a polygon's or a polyline's points
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
    kind: str  #: "forest", "trend", "bars" or "run"
    title: str
    description: str
    axis_label: str
    width: int
    height: int
    table: DataTable
    left: float = 0.0
    right: float = 0.0
    top: float = 0.0
    bottom: float = 0.0
    x_ticks: tuple[Tick, ...] = ()
    y_ticks: tuple[Tick, ...] = ()
    #: decimal places of the tick labels and of the values in tooltips
    tick_places: int = 2
    value_places: int = 2
    labels: tuple[Label, ...] = ()
    marks: tuple[Mark, ...] = ()
    legend: tuple[LegendItem, ...] = ()
    percent: bool = False
    empty: bool = False

    @property
    def id(self) -> str:
        """A stable id for the SVG's title and description (unique per chart on a page)."""
        digest = hashlib.blake2s(
            f"{self.kind}|{self.title}|{self.description}|{len(self.marks)}".encode(),
            digest_size=5,
        )
        return f"chart-{digest.hexdigest()}"


def places(value: float, most: int) -> int:
    """The fewest decimal places (up to ``most``) that write ``value``.

    >>> places(2.5, 2), places(3.0, 2), places(0.125, 2)
    (1, 0, 2)
    """
    return next((p for p in range(most) if abs(value * 10**p - round(value * 10**p)) < 1e-9), most)


def nice_ticks(low: float, high: float, count: int = 5, *, decimals: int = 2) -> list[float]:
    """About ``count`` evenly spaced round values (steps of 1, 2, 2.5 or 5 × 10^k)
    covering ``low`` to ``high``, each a multiple of the precision 10^-decimals: rubric
    levels 1 to 4 get 1, 2, 3, 4 and levels 1 to 3 get 1, 2, 3, never 1.5.

    >>> nice_ticks(-0.23, 0.91)
    [-0.5, 0.0, 0.5, 1.0]
    >>> nice_ticks(1, 3, decimals=0)
    [1.0, 2.0, 3.0]
    """
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError("tick bounds must be finite numbers")
    if high <= low:
        high = low + 1.0
    unit = 10.0**-decimals
    raw = max((high - low) / (count - 1), unit)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(
        s
        for s in (m * magnitude for m in (1, 2, 2.5, 5, 10, 20))
        if s >= raw * (1 - 1e-9) and places(s, decimals + 1) <= decimals
    )
    start = math.floor(low / step + 1e-9) * step
    stop = math.ceil(high / step - 1e-9) * step
    return [round(start + k * step, 10) + 0.0 for k in range(round((stop - start) / step) + 1)]


def _tick_places(ticks: Sequence[float], decimals: int = 2) -> int:
    return max(places(t, decimals) for t in ticks)


def _scale(lo: float, hi: float, a: float, b: float) -> Callable[[float], float]:
    span = (hi - lo) or 1.0
    return lambda v: round(a + (v - lo) * (b - a) / span, 1)


def _short(text: str, chars: int = LABEL_CHARS) -> str:
    """``text`` in at most ``chars`` characters, the cut marked with an ellipsis (the full
    text is the label's tooltip and is in the data table)."""
    if len(text) <= chars:
        return text
    return text[: max(chars - 1, 1)].rstrip(" ,;:(–-") + "…"


def _room(left: float) -> int:
    """How many characters of a note fit between ``left`` and the chart's right edge."""
    return max(int((WIDTH - left - 8) // CHAR_WIDTH), 3)


def _finite(*values: float | None) -> list[float]:
    return [float(v) for v in values if v is not None and math.isfinite(float(v))]


def _shown(value: float | None) -> TypeGuard[float]:
    return value is not None and math.isfinite(value)


def _grid(
    ticks: Sequence[float],
    y: Callable[[float], float],
    left: float,
    right: float,
    reference: float | None,
    reference_label: str,
) -> list[Mark]:
    """The horizontal grid lines at the ticks, and a dashed reference line (a median, a
    scale's midpoint) when there is one."""
    lines = [Mark("line", x=left, y=y(t), x2=right, y2=y(t), colour=GRID, width=1) for t in ticks]
    if _shown(reference):
        lines.append(
            Mark(
                "line",
                x=left,
                y=y(reference),
                x2=right,
                y2=y(reference),
                colour=REFERENCE,
                dashed=True,
                title=reference_label,
                value=reference,
            )
        )
    return lines


def _marker(shape: str, x: float, y: float, colour: str, size: float = 5.0, **tip: Any) -> Mark:
    if shape == "square":
        return Mark(
            "square",
            x=round(x - size, 1),
            y=round(y - size, 1),
            x2=2 * size,
            y2=2 * size,
            colour=colour,
            **tip,
        )
    if shape in ("diamond", "triangle"):
        s = round(size * 1.3, 1)
        if shape == "diamond":
            points = f"{x},{round(y - s, 1)} {round(x + s, 1)},{y} {x},{round(y + s, 1)} {round(x - s, 1)},{y}"
        else:
            foot = round(y + s * 0.8, 1)
            points = f"{x},{round(y - s, 1)} {round(x + s, 1)},{foot} {round(x - s, 1)},{foot}"
        return Mark("polygon", points=points, colour=colour, **tip)
    return Mark("circle", x=x, y=y, x2=size, colour=colour, **tip)


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
    """A forest plot: one row per effect with its interval (a row without an estimate is
    listed with its note), the 0 line, a dashed reference line, the pooled estimate as a
    diamond spanning its interval, and the prediction interval as a line through it."""
    drawn = [*rows, *([pooled] if pooled is not None else [])]
    values = _finite(0.0, reference, *(v for r in drawn for v in (r.estimate, r.low, r.high)))
    if prediction is not None:
        values += _finite(*prediction)
    ticks = nice_ticks(min(values), max(values))
    left, right = 230.0, WIDTH - 24.0
    x = _scale(ticks[0], ticks[-1], left, right)
    top = float(TOP)
    bottom = top + ROW * max(len(rows) + (2 if pooled is not None else 0), 1)
    labels: list[Label] = []
    marks: list[Mark] = []
    if ticks[0] <= 0.0 <= ticks[-1]:
        marks.append(Mark("line", x=x(0.0), y=top - 6, x2=x(0.0), y2=bottom, colour=AXIS, width=1))
    if _shown(reference):
        marks.append(
            Mark(
                "line",
                x=x(reference),
                y=top - 6,
                x2=x(reference),
                y2=bottom,
                colour=REFERENCE,
                dashed=True,
                title=reference_label,
                value=reference,
            )
        )
    for i, row in enumerate(rows):
        y = round(top + ROW * i + ROW / 2, 1)
        labels.append(Label(left - 8, y, _short(row.label), full=row.label, href=row.href))
        if not _shown(row.estimate):
            labels.append(
                Label(
                    left + 4,
                    y,
                    _short(row.note, _room(left)),
                    full=row.note,
                    anchor="start",
                    italic=True,
                )
            )
            continue
        tip: dict[str, Any] = {
            "title": row.label,
            "value": row.estimate,
            "low": row.low,
            "high": row.high,
        }
        if _shown(row.low) and _shown(row.high):
            marks.append(
                Mark("interval", x=x(row.low), y=y, x2=x(row.high), y2=y, colour=PALETTE[0], **tip)
            )
        marks.append(_marker("square", x(row.estimate), y, PALETTE[0], size=4.5, **tip))
    legend = [LegendItem(axis_label, PALETTE[0], "square")]
    if _shown(reference):
        legend.append(LegendItem(reference_label, REFERENCE, "line", dashed=True))
    table_rows = [(r.label, r.estimate, r.low, r.high, r.note) for r in rows]
    if pooled is not None and _shown(pooled.estimate):
        y = round(top + ROW * len(rows) + ROW, 1)
        labels.append(Label(left - 8, y, _short(pooled.label), full=pooled.label))
        if prediction is not None and all(map(math.isfinite, prediction)):
            marks.append(
                Mark(
                    "interval",
                    x=x(prediction[0]),
                    y=y,
                    x2=x(prediction[1]),
                    y2=y,
                    colour=PALETTE[2],
                    title=prediction_label,
                    low=prediction[0],
                    high=prediction[1],
                )
            )
        low = pooled.low if _shown(pooled.low) else pooled.estimate
        high = pooled.high if _shown(pooled.high) else pooled.estimate
        centre = x(pooled.estimate)
        points = f"{x(low)},{y} {centre},{y - 8} {x(high)},{y} {centre},{y + 8}"
        marks.append(
            Mark(
                "polygon",
                points=points,
                colour=PALETTE[1],
                title=pooled.label,
                value=pooled.estimate,
                low=pooled.low,
                high=pooled.high,
            )
        )
        legend.append(LegendItem(pooled_label or pooled.label, PALETTE[1], "diamond"))
        table_rows.append((pooled.label, pooled.estimate, pooled.low, pooled.high, pooled.note))
        if prediction is not None:
            legend.append(LegendItem(prediction_label, PALETTE[2], "line"))
            table_rows.append((prediction_label, None, prediction[0], prediction[1], ""))
    return Chart(
        kind="forest",
        title=title,
        description=description,
        axis_label=axis_label,
        width=WIDTH,
        height=int(bottom + BOTTOM),
        table=DataTable(title, columns or FOREST_COLUMNS, tuple(table_rows)),
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        x_ticks=tuple(Tick(x(t), t) for t in ticks),
        tick_places=_tick_places(ticks),
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
    keeps its note in the data table. Series sit a few pixels apart at each category so
    that their intervals do not hide each other."""
    categories = list(categories)
    values = _finite(
        reference, *(v for s in series for p in s.points for v in (p.estimate, p.low, p.high))
    )
    if y_range is not None:
        values += _finite(*y_range)
    if not values:
        values = [0.0, 1.0]
    ticks = nice_ticks(min(values), max(values))
    left, right, top = 56.0, WIDTH - 24.0, float(TOP)
    bottom = top + 220.0
    y = _scale(ticks[0], ticks[-1], bottom, top)
    step = (right - left) / max(len(categories), 1)
    x_of = {c: round(left + step * (i + 0.5), 1) for i, c in enumerate(categories)}
    lines = _grid(ticks, y, left, right, reference, reference_label)
    points: list[Mark] = []
    legend: list[LegendItem] = []
    table_rows: list[tuple[Any, ...]] = []
    offset = min(6.0, step / (2 * max(len(series), 1)))
    for i, s in enumerate(series):
        colour, shape = PALETTE[i % len(PALETTE)], MARKERS[i % len(MARKERS)]
        legend.append(LegendItem(s.label, colour, shape))
        dx = round((i - (len(series) - 1) / 2) * offset, 1)
        run: list[str] = []
        for p in s.points:
            table_rows.append((s.label, p.category, p.estimate, p.low, p.high, p.note))
            if p.category not in x_of or not _shown(p.estimate):
                if len(run) > 1:
                    lines.append(Mark("polyline", points=" ".join(run), colour=colour))
                run = []
                continue
            px, py = round(x_of[p.category] + dx, 1), y(p.estimate)
            run.append(f"{px},{py}")
            tip: dict[str, Any] = {
                "title": f"{s.label}, {p.category}",
                "value": p.estimate,
                "low": p.low,
                "high": p.high,
                "note": p.note,
            }
            if _shown(p.low) and _shown(p.high):
                points.append(
                    Mark(
                        "interval",
                        x=px,
                        y=y(p.low),
                        x2=px,
                        y2=y(p.high),
                        colour=colour,
                        width=1.5,
                        **tip,
                    )
                )
            points.append(_marker(shape, px, py, colour, **tip))
        if len(run) > 1:
            lines.append(Mark("polyline", points=" ".join(run), colour=colour))
    if _shown(reference):
        legend.append(LegendItem(reference_label, REFERENCE, "line", dashed=True))
    labels = [
        Label(
            x_of[c],
            bottom + 18,
            _short(c, max(int(step // CHAR_WIDTH) - 1, 3)),
            full=c,
            anchor="middle",
        )
        for c in categories
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
        tick_places=_tick_places(ticks),
        labels=tuple(labels),
        marks=tuple(lines + points),  # markers over the lines
        legend=tuple(legend),
        empty=not any(_shown(p.estimate) for s in series for p in s.points),
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
    """Horizontal bars from 0 to ``maximum``: shares, written as percentages, by default."""
    left, right, top = 230.0, WIDTH - 64.0, float(TOP)
    bottom = top + ROW * max(len(rows), 1)
    scale = 100.0 if percent else 1.0
    ticks = nice_ticks(0.0, maximum * scale, 5, decimals=0 if percent else 2)
    x = _scale(0.0, ticks[-1], left, right)
    labels: list[Label] = []
    marks: list[Mark] = [
        Mark("line", x=x(t), y=top - 4, x2=x(t), y2=bottom, colour=GRID, width=1) for t in ticks
    ]
    table_rows: list[tuple[Any, ...]] = []
    for i, row in enumerate(rows):
        y = round(top + ROW * i + ROW / 2, 1)
        labels.append(Label(left - 8, y, _short(row.label), full=row.label))
        shown = round(row.value * scale, 0 if percent else 2) if _shown(row.value) else None
        table_rows.append((row.label, shown, row.note))
        if shown is None:
            labels.append(
                Label(
                    left + 4,
                    y,
                    _short(row.note, _room(left)),
                    full=row.note,
                    anchor="start",
                    italic=True,
                )
            )
            continue
        end = x(min(max(shown, 0.0), ticks[-1]))
        marks.append(
            Mark(
                "bar",
                x=left,
                y=y - 8,
                x2=round(end - left, 1),
                y2=16,
                colour=PALETTE[0],
                title=row.label,
                value=shown,
                note=row.note,
            )
        )
        marks.append(Mark("text", x=end + 6, y=y, value=shown))
    return Chart(
        kind="bars",
        title=title,
        description=description,
        axis_label=axis_label,
        width=WIDTH,
        height=int(bottom + BOTTOM),
        table=DataTable(
            title, columns or (BAR_COLUMNS_PERCENT if percent else BAR_COLUMNS), tuple(table_rows)
        ),
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        x_ticks=tuple(Tick(x(t), t) for t in ticks),
        tick_places=_tick_places(ticks),
        value_places=0 if percent else 2,
        labels=tuple(labels),
        marks=tuple(marks),
        percent=percent,
        empty=not rows,
    )


def run_chart(
    points: Sequence[RunPoint],
    *,
    low: float,
    high: float,
    median: float | None,
    decimals: int = 2,
    title: str,
    description: str,
    axis_label: str = "",
    median_label: str = "",
    point_label: str = "",
    signal_label: str = "",
) -> Chart:
    """A run chart: the points in order, evenly spaced (an occasion without a point keeps
    its place), the median as a dashed centre line, and a point that is part of a signal
    drawn as an orange square. The vertical axis spans at least [``low``, ``high``] (a
    measure's range, so a chart of rubric levels starts at the lowest level), with ticks
    at the measure's precision (``decimals``)."""
    width, height = WIDTH, 260
    left, right, top, bottom = 56.0, float(width - 56), 16.0, float(height - 48)
    values = _finite(*(p.value for p in points))
    ticks = nice_ticks(min([low, *values]), max([high, *values]), decimals=decimals)
    y = _scale(ticks[0], ticks[-1], bottom, top)
    count = len(points)
    inner = right - left

    def x(position: int) -> float:
        return round(left + (inner * position / (count - 1) if count > 1 else inner / 2), 1)

    marks = _grid(ticks, y, left, right, median, median_label)
    shown = [(i, p.value, p) for i, p in enumerate(points) if _shown(p.value)]
    line = " ".join(f"{x(i)},{y(value)}" for i, value, _ in shown)
    if len(shown) > 1:
        marks.append(Mark("polyline", points=line, colour=PALETTE[0]))
    for i, value, p in shown:
        if p.signal:
            marks.append(
                _marker(
                    "square",
                    x(i),
                    y(value),
                    REFERENCE,
                    size=6.0,
                    title=p.label,
                    value=p.value,
                    note=", ".join(filter(None, [p.note, signal_label])),
                )
            )
        else:
            marks.append(
                _marker(
                    "circle",
                    x(i),
                    y(value),
                    PALETTE[0],
                    title=p.label,
                    value=p.value,
                    note=p.note,
                )
            )
    room = inner / (count - 1) if count > 1 else inner
    labels = []
    for i, p in enumerate(points):
        centre = x(i)
        chars = max(int(min(room, 2 * min(centre, width - centre)) // CHAR_WIDTH) - 1, 3)
        labels.append(
            Label(centre, bottom + 20, _short(p.label, chars), full=p.label, anchor="middle")
        )
    legend = [LegendItem(point_label, PALETTE[0], "circle")]
    if signal_label:
        legend.append(LegendItem(signal_label, REFERENCE, "square"))
    if median_label:
        legend.append(LegendItem(median_label, REFERENCE, "line", dashed=True))
    return Chart(
        kind="run",
        title=title,
        description=description,
        axis_label=axis_label,
        width=width,
        height=height,
        table=DataTable(title, ("", ""), ()),
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        y_ticks=tuple(Tick(y(t), t) for t in ticks),
        tick_places=_tick_places(ticks, decimals),
        value_places=decimals,
        labels=tuple(labels),
        marks=tuple(marks),
        legend=tuple(legend),
        empty=not shown,
    )

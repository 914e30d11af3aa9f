"""efficacy.charts: the geometry of each chart, and the SVG the template draws from it."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from efficacy.charts import (
    PALETTE,
    Bar,
    ForestRow,
    Point,
    RunPoint,
    Series,
    bars,
    forest,
    nice_ticks,
    run_chart,
    trend,
)

SVG = "{http://www.w3.org/2000/svg}"


def svg_of(html: str) -> ET.Element:
    match = re.search(r"<svg class=\"chart\".*?</svg>", html, re.S)
    assert match, html
    return ET.fromstring(
        match.group(0).replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    )


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (-0.23, 0.91, [-0.5, 0.0, 0.5, 1.0]),
        (0, 1, [0.0, 0.25, 0.5, 0.75, 1.0]),
        (2.0, 2.0, [2.0, 2.25, 2.5, 2.75, 3.0]),
        (3.1, 4.9, [3.0, 3.5, 4.0, 4.5, 5.0]),
    ],
)
def test_ticks_are_round_and_cover_the_values(low, high, expected):
    ticks = nice_ticks(low, high)
    assert ticks == expected
    assert ticks[0] <= min(low, high)
    assert ticks[-1] >= max(low, high)


def test_forest_places_each_interval_on_one_scale_with_the_reference_and_the_pooled_diamond():
    rows = [
        ForestRow("A", 0.2, 0.0, 0.4),
        ForestRow("B", 0.6, 0.3, 0.9),
        ForestRow("C (suppressed)", None, note="Fewer than 10 students"),
    ]
    chart = forest(
        rows,
        title="t",
        description="d",
        axis_label="SD",
        reference=0.1,
        reference_label="expected",
        pooled=ForestRow("Pooled", 0.4, 0.2, 0.6),
        prediction=(-0.1, 0.9),
        prediction_label="prediction",
    )
    (v0, a0), (v1, a1) = [(t.value, t.at) for t in chart.x_ticks[:2]]
    x = lambda v: a0 + (v - v0) * (a1 - a0) / (v1 - v0)  # noqa: E731
    intervals = [m for m in chart.marks if m.shape == "interval"]
    # Each row's interval runs from its low to its high on the axis's scale.
    assert intervals[0].x == pytest.approx(x(0.0), abs=0.3)
    assert intervals[0].x2 == pytest.approx(x(0.4), abs=0.3)
    assert intervals[1].x2 == pytest.approx(x(0.9), abs=0.3)
    # The prediction interval is drawn on the pooled row.
    assert intervals[2].x == pytest.approx(x(-0.1), abs=0.3)
    reference = [m for m in chart.marks if m.dashed]
    assert reference[0].x == pytest.approx(x(0.1), abs=0.3)
    diamond = next(m for m in chart.marks if m.shape == "polygon")
    xs = [float(p.split(",")[0]) for p in diamond.points.split()]
    assert min(xs) == pytest.approx(x(0.2), abs=0.3)
    assert max(xs) == pytest.approx(x(0.6), abs=0.3)
    # The row without an estimate is listed with its note, not drawn.
    assert any(label.text == "Fewer than 10 students" for label in chart.labels)
    assert len([m for m in chart.marks if m.shape == "square"]) == 2
    assert chart.table.rows[-1] == ("prediction", None, -0.1, 0.9, "")


def test_trend_breaks_its_line_at_a_missing_point_and_gives_each_series_a_colour_and_a_shape():
    chart = trend(
        [
            Series(
                "Team 1",
                [
                    Point("Fall", 3.0, 2.8, 3.2),
                    Point("Winter", None, note="hidden"),
                    Point("Spring", 3.4, 3.1, 3.7),
                ],
            ),
            Series("Team 2", [Point("Fall", 2.5), Point("Winter", 2.7), Point("Spring", 2.9)]),
        ],
        categories=["Fall", "Winter", "Spring"],
        title="t",
        description="d",
        axis_label="index",
    )
    lines = [m for m in chart.marks if m.shape == "polyline"]
    assert len(lines) == 1  # Team 1 has no two consecutive points; Team 2 one line of three
    assert len(lines[0].points.split()) == 3
    assert lines[0].colour == PALETTE[1]
    assert [item.shape for item in chart.legend] == ["circle", "square"]
    assert ("Team 1", "Winter", None, None, None, "hidden") in chart.table.rows
    # Higher values are higher up the page.
    team1 = [m for m in chart.marks if m.shape == "circle"]
    assert team1[0].y > team1[1].y


def test_bars_are_shares_of_the_axis():
    chart = bars(
        [Bar("A", 0.5), Bar("B", 1.0), Bar("C", None, note="no rounds")],
        title="t",
        description="d",
        axis_label="share",
    )
    drawn = [m for m in chart.marks if m.shape == "bar"]
    assert drawn[1].x2 == pytest.approx(2 * drawn[0].x2, abs=0.2)
    assert chart.table.rows == (("A", 50, ""), ("B", 100, ""), ("C", None, "no rounds"))


def test_the_svg_is_well_formed_accessible_and_has_no_style_in_either_language():
    chart = forest(
        [ForestRow("Cycle <1> & co", 0.25, 0.05, 0.45)],
        title="Impact & more",
        description="Each cycle",
        axis_label="SD",
        reference=0.1,
        reference_label="expected",
    )
    for language in ("en", "fr"):
        with translation.override(language):
            html = render_to_string("charts/chart.html", {"chart": chart})
        svg = svg_of(html)
        assert svg.get("role") == "img"
        title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
        assert title.text == "Impact & more"
        assert desc.text.startswith("Each cycle")
        assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
        assert "style=" not in html
        assert "<style" not in html
        assert "<script" not in html
        # Coordinates never take a decimal comma; tick labels follow the language.
        for element in svg.iter():
            for name in ("x", "x1", "x2", "y", "cx", "width"):
                if element.get(name):
                    float(element.get(name))
        ticks = [t.text for t in svg.iter(f"{SVG}text") if t.text and re.match(r"-?\d", t.text)]
        assert ("0,2" if language == "fr" else "0.2") in ticks
        # The data table is one click away.
        assert '<details class="chart-data">' in html
        assert "<caption>Impact &amp; more" in html


def test_the_run_chart_keeps_an_empty_place_marks_signals_and_draws_the_median():
    chart = run_chart(
        [RunPoint("Baseline", 2.0), RunPoint("Check 1", None), RunPoint("Final", 3.0, signal=True)],
        low=1,
        high=4,
        median=2.5,
        decimals=0,
        title="t",
        description="d",
        median_label="median",
        signal_label="signal",
    )
    assert [t.value for t in chart.y_ticks] == [1.0, 2.0, 3.0, 4.0]
    assert chart.tick_places == 0
    # Three places, evenly spaced; the middle one has no point.
    assert [label.x for label in chart.labels] == [56.0, 320.0, 584.0]
    circle = next(m for m in chart.marks if m.shape == "circle")
    square = next(m for m in chart.marks if m.shape == "square")
    assert circle.x == 56.0
    assert square.x == 584.0 - 6
    assert square.note == "signal"
    median = next(m for m in chart.marks if m.dashed)
    assert median.y == pytest.approx((circle.y + square.y + 6) / 2, abs=0.2)


def test_a_long_note_is_shortened_to_the_room_on_the_chart_and_kept_whole_in_its_tooltip():
    note = "Suppressed: fewer than 10 focus students with both scores, the reporting threshold"
    chart = forest([ForestRow("A", None, note=note)], title="t", description="d", axis_label="x")
    label = next(label for label in chart.labels if label.full == note)
    assert label.text.endswith("…")
    assert label.x + len(label.text) * 7.0 <= chart.width

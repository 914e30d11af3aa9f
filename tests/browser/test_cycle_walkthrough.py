"""A team lead runs an inquiry cycle in a real browser, from the team page to the impact panel.

One walk-through, as a person would do it: ``lead_english`` creates a cycle for grade 9
applied English (compared with grade 9 academic), chooses strategies, defines a rubric
and two occasions, starts the cycle, types both occasions' scores into the grid of each
class with the keyboard (one out-of-range level on the way), and reads the impact panel.
The panel's numbers are then checked against ``efficacy analyze`` run in a subprocess on
the CSV the page exports, rounded the way the page rounds them.

The world's grade 9 classes have two students each, below the reporting threshold of 10
students that both the panel and ``efficacy analyze`` apply; the setup enrols ten more in
each class (12 focus, 12 comparison), so every figure is shown rather than suppressed.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from django.template.defaultfilters import floatformat
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import axe_violations, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

REPO = Path(__file__).resolve().parents[2]
MIN_N = 10
START, END = dt.date(2024, 9, 15), dt.date(2024, 12, 15)
WEEKS = (END - START).days / 7  # 13 weeks
TITLE = "Inference in grade 9 applied English"
MEASURE = "Inference rubric"
STRATEGIES = ["Asking “What makes you think that?”", "Chunking a high-interest text"]
SHARED = STRATEGIES[0]

#: (given name, family name): (baseline level, final level). Rubric levels 1 to 4.
#: The focus (applied) students start lower and grow more than the comparison students.
FOCUS = {
    ("Ava", "Brown"): (1, 2),
    ("Ben", "Clark"): (1, 3),
    ("Amir", "Haddad"): (2, 3),
    ("Bella", "Ito"): (1, 2),
    ("Caleb", "Jones"): (2, 3),
    ("Dina", "Kowalski"): (2, 2),
    ("Emil", "Larsen"): (1, 2),
    ("Fatima", "Mensah"): (2, 3),
    ("Gabe", "Novak"): (3, 4),
    ("Hana", "Ortiz"): (1, 3),
    ("Ivan", "Petrov"): (2, 3),
    ("Jade", "Quinn"): (2, 2),
}
COMPARISON = {
    ("Chloe", "Dupont"): (2, 3),
    ("Dev", "Patel"): (3, 3),
    ("Kofi", "Reyes"): (3, 4),
    ("Lena", "Schmidt"): (2, 2),
    ("Milo", "Tanaka"): (3, 3),
    ("Nora", "Usman"): (4, 4),
    ("Omar", "Vidal"): (2, 3),
    ("Priya", "Walsh"): (3, 3),
    ("Quinn", "Xu"): (3, 4),
    ("Rosa", "Young"): (2, 3),
    ("Sami", "Zhou"): (3, 3),
    ("Tess", "Abbott"): (3, 3),
}


@pytest.fixture
def classes_of_twelve(world):
    """Ten more students in each of the world's grade 9 English classes (setup, not the flow)."""
    for klass, pathway, names in (
        (world.english_9_applied, "applied", FOCUS),
        (world.english_9_academic, "academic", COMPARISON),
    ):
        for given, family in list(names)[2:]:
            world.enrolled_student(
                klass,
                given_name=given,
                family_name=family,
                identifier=f"{pathway[:3].upper()}-{family.upper()}",
                grade="09",
                pathway=pathway,
                sourced_id=f"st-{given.lower()}-{family.lower()}",
            )


# --- the steps a person takes --------------------------------------------------------


def create_the_cycle(page) -> None:
    page.get_by_role("link", name="Grade 9 English").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Grade 9 English")
    page.get_by_role("link", name="Start a new cycle").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New inquiry cycle")

    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Problem of practice").fill(
        "Applied students struggle to infer from texts and to say why."
    )
    page.get_by_label("Mastery goal (the narrow goal)").fill(
        "Students infer from texts and justify it with evidence."
    )
    for group, pathway in (("#focus-group", "applied"), ("#comparison-group", "academic")):
        fieldset = page.locator(group)
        fieldset.get_by_role("group", name="Grades").get_by_label("09", exact=True).check()
        fieldset.get_by_role("group", name="Pathways").get_by_label(pathway, exact=True).check()
    page.get_by_label("Specific focus").fill("Justifying an inference with a quotation.")
    page.get_by_label("Plan", exact=True).fill("Weekly chunked texts; peer observation in October.")
    page.get_by_label("Means of monitoring progress").fill(
        "Inference rubric at baseline and final."
    )
    page.get_by_label("Prediction").fill("More students reach level 3 as they practise justifying.")
    page.get_by_label("Start date").fill(START.isoformat())
    page.get_by_label("End date").fill(END.isoformat())
    page.get_by_role("button", name="Create the cycle").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text(f"Cycle “{TITLE}” created.")).to_be_visible()
    # The focus and the comparison group each count the twelve students of their class.
    expect(page.locator("#goals dd").filter(has_text="12 students now")).to_have_count(2)


def choose_strategies(page) -> None:
    page.get_by_role("link", name="Choose strategies").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose strategies")
    for name in STRATEGIES:
        page.get_by_label(f"Use in this cycle: {name}", exact=True).check()
    page.get_by_label(f"Every member uses it: {SHARED}", exact=True).check()
    page.get_by_role("button", name="Save strategies").click()

    expect(page.get_by_text("The cycle's strategies are saved.")).to_be_visible()
    chosen = page.locator("#strategies li.card")
    expect(chosen).to_have_count(2)
    shared = chosen.filter(has=page.get_by_role("heading", name=SHARED))
    expect(shared).to_contain_text("Every member uses it")
    other = chosen.filter(has=page.get_by_role("heading", name=STRATEGIES[1]))
    expect(other).to_contain_text("Used by some members")


def define_measure_and_occasions(page) -> None:
    form = page.get_by_role("form", name="Define a measure")
    form.get_by_label("Name of the measure").fill(MEASURE)
    form.get_by_label("Scored in").select_option(label="Rubric levels")
    form.get_by_label("Lowest score").fill("1")
    form.get_by_label("Highest score").fill("4")
    expect(form.get_by_label("Common to all members")).to_be_checked()
    form.get_by_role("button", name="Add the measure").click()
    expect(page.get_by_text(f"Measure “{MEASURE}” added.")).to_be_visible()

    for name in ("Baseline", "Final"):
        form = page.get_by_role("form", name="Define an occasion")
        form.get_by_label("Name of the occasion").fill(name)
        form.get_by_label("Kind").select_option(label=name)
        form.get_by_role("button", name="Add the occasion").click()
        expect(page.get_by_text(f"Occasion “{name}” added.")).to_be_visible()
    occasions = page.get_by_role("table", name="Occasions")
    expect(occasions.get_by_role("rowheader")).to_have_text(["Baseline", "Final"])


def start_the_cycle(page) -> None:
    checklist = page.locator("#ready .check")
    expect(checklist).to_have_count(5)
    expect(page.locator("#ready .check-missing")).to_have_count(0)
    page.get_by_role("button", name="Start the cycle").click()
    expect(page.get_by_text("The cycle has started.")).to_be_visible()
    expect(page.locator(".cycle-header .status-badge")).to_have_text("Implementing")
    expect(page.locator(".stepper [aria-current=step]")).to_contain_text("Implementing")


def open_grid(page, class_title: str) -> None:
    if page.get_by_role("button", name="Show this grid").count():
        page.get_by_label("Class").select_option(label=class_title)
        page.get_by_role("button", name="Show this grid").click()
    else:
        page.locator(".evidence-section").get_by_role("link", name="Enter scores").click()
        page.get_by_label("Class").select_option(label=class_title)
        page.get_by_label("Measure").select_option(label=MEASURE)
        page.get_by_role("button", name="Open the grid").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{MEASURE}: {class_title}")


def cell_input(page, student: str, occasion: str):
    return page.get_by_label(f"{student}, {occasion}", exact=True)


def cell_box(page, student: str, occasion: str):
    return page.locator(".grid-cell").filter(has=cell_input(page, student, occasion))


def type_score(page, student: str, occasion: str, value: str, next_student: str | None) -> None:
    """Type a level, press Enter and wait for "Saved"; Enter moves down to the next student."""
    cell = cell_input(page, student, occasion)
    cell.fill(value)
    cell.press("Enter")
    if next_student is not None:
        expect(cell_input(page, next_student, occasion)).to_be_focused()
    expect(cell_box(page, student, occasion).locator(".cell-saved")).to_have_text("✓ Saved")
    expect(cell_input(page, student, occasion)).to_have_value(value)


def enter_scores(page, scores: dict[tuple[str, str], tuple[int, int]], *, mistake: bool) -> None:
    """Both occasions of one class's grid, a column at a time, in the grid's order."""
    headers = page.get_by_role("table").first.get_by_role("rowheader").all_inner_texts()
    expected = {f"{family}, {given}" for given, family in scores}
    assert set(headers) == expected, headers
    by_header = {f"{family}, {given}": (given, family) for given, family in scores}
    students = [" ".join(by_header[h]) for h in headers]
    levels = {" ".join(name): pair for name, pair in scores.items()}
    for col, occasion in enumerate(("Baseline", "Final")):
        for row, student in enumerate(students):
            next_student = students[row + 1] if row + 1 < len(students) else None
            value = str(levels[student][col])
            if mistake and row == 0 and col == 0:
                type_out_of_range(page, student, occasion)
            type_score(page, student, occasion, value, next_student)


def type_out_of_range(page, student: str, occasion: str) -> None:
    """Level 5 on a 1-4 rubric: the cell says why, keeps the 5, and nothing is saved."""
    cell = cell_input(page, student, occasion)
    cell.fill("5")
    cell.press("Enter")
    box = cell_box(page, student, occasion)
    expect(box.locator(".cell-error")).to_be_visible()
    expect(box.locator(".cell-error")).to_contain_text("4")
    expect(box.locator(".cell-saved")).to_have_count(0)
    expect(cell_input(page, student, occasion)).to_have_value("5")
    expect(cell_input(page, student, occasion)).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#grid-status")).to_contain_text(f"Not saved: {student}, {occasion}")


def read_figures(page) -> dict[str, tuple[float, str]]:
    """The panel's headline figures: ``data-figure`` name → (unrounded value, text shown)."""
    pairs = page.locator("#impact data[data-figure]").evaluate_all(
        "els => els.filter(e => !e.closest('tr')).map(e => [e.dataset.figure, e.value, e.textContent])"
    )
    return {name: (float(value), text) for name, value, text in pairs}


def read_row_figures(page, row: str) -> dict[str, tuple[float, str]]:
    """The figures of one table row of the panel (``row`` is a CSS selector)."""
    pairs = (
        page.locator(f"#impact {row}")
        .locator("data[data-figure]")
        .evaluate_all("els => els.map(e => [e.dataset.figure, e.value, e.textContent])")
    )
    return {name: (float(value), text) for name, value, text in pairs}


def analyze(*argv: str) -> subprocess.Popen:
    """Start ``efficacy analyze ... --json`` in a subprocess (several run side by side)."""
    return subprocess.Popen(
        [sys.executable, "-m", "efficacy.cli", "analyze", *argv, "--json"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def result_of(process: subprocess.Popen) -> dict | list[dict]:
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    return json.loads(stdout)


def assert_same(figures, name: str, cli_value: float, places: int) -> None:
    """The page shows the CLI's number rounded to ``places``, and holds it unrounded."""
    value, text = figures[name]
    shown = str(int(cli_value)) if places == 0 else floatformat(cli_value, places)
    assert text == shown, (name, text, shown)
    assert value == pytest.approx(cli_value, rel=1e-9, abs=1e-12), name


# --- the walk-through ----------------------------------------------------------------


def test_a_team_lead_runs_a_cycle_from_the_team_page_to_the_impact_panel(
    page, world, strategy_library, classes_of_twelve, settings, tmp_path
):
    settings.EFFICACY_MIN_STUDENT_N = MIN_N
    page.set_default_timeout(10_000)
    sign_in(page, "lead_english", world.password)

    # 1-3. Create the cycle, choose strategies, define the evidence, start.
    create_the_cycle(page)
    choose_strategies(page)
    define_measure_and_occasions(page)
    start_the_cycle(page)

    # 4. Scores for both occasions, class by class, typed into the grid.
    open_grid(page, "English 9 Applied")
    enter_scores(page, FOCUS, mistake=True)
    assert axe_violations(page) == []
    open_grid(page, "English 9 Academic")
    enter_scores(page, COMPARISON, mistake=False)

    # 5. The cycle page loads the impact panel with htmx.
    page.get_by_role("link", name=f"Back to the cycle “{TITLE}”").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    counts = page.get_by_role("table", name="48 scores entered, by measure and occasion")
    expect(counts.get_by_role("row", name=MEASURE).get_by_role("cell")).to_have_text(
        ["24", "24", "48"]
    )
    panel = page.locator("#impact")
    for figure in ("prepost-d", "did-g", "gap-reduction"):
        expect(panel.locator(f'data[data-figure="{figure}"]')).to_be_visible()
    expect(panel.locator(".impact-suppressed")).to_have_count(0)

    # 6. Export the evidence and start efficacy analyze on it (it runs while we look on).
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export the evidence (CSV)").click()
    exported = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(exported)
    table = pd.read_csv(exported, dtype=str)
    assert len(table) == 48
    # The panel reads one measure; its growth figures are the focus group's alone.
    evidence = tmp_path / "evidence.csv"
    table[table["measure"] == MEASURE].to_csv(evidence, index=False)
    focus_only = tmp_path / "focus.csv"
    table[(table["measure"] == MEASURE) & (table["group"] == "focus")].to_csv(
        focus_only, index=False
    )
    pairs = ["--id", "student", "--score", "score", "--occasion", "occasion"]
    pairs += ["--pre", "Baseline", "--post", "Final", "--min-n", str(MIN_N)]
    running = {
        "prepost": analyze("prepost", "--data", str(focus_only), *pairs, "--weeks", str(WEEKS)),
        "by_class": analyze("prepost", "--data", str(focus_only), *pairs, "--by", "class"),
        "impact": analyze(
            "impact", "--data", str(evidence), *pairs,
            "--group", "group", "--focus", "focus", "--comparison", "comparison",
        ),
        "gap": analyze(
            "gap", "--data", str(evidence), "--id", "student", "--score", "score",
            "--group", "group",
            "--a", "comparison", "--b", "focus", "--occasion", "occasion",
            "--from", "Baseline", "--to", "Final", "--min-n", str(MIN_N),
        ),
    }  # fmt: skip

    # 7. Screenshots of the cycle page and of the panel.
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(
        path=str(ARTIFACTS / "cycle-walkthrough-cycle-page.png"), full_page=True, caret="initial"
    )
    panel.screenshot(path=str(ARTIFACTS / "cycle-walkthrough-impact-panel.png"), caret="initial")

    # 8. No serious accessibility problem with the panel loaded.
    assert axe_violations(page) == []

    # 6 (continued). The page's numbers are efficacy analyze's, rounded as the page rounds.
    prepost, by_class, impact, gap = (
        result_of(running[k]) for k in ("prepost", "by_class", "impact", "gap")
    )
    assert prepost["suppressed"] is False
    assert impact["suppressed"] is False
    assert gap["suppressed"] is False

    figures = read_figures(page)
    for name, key, places in (
        ("prepost-d", "d_av", 2),
        ("prepost-ci-low", "ci_low", 2),
        ("prepost-ci-high", "ci_high", 2),
        ("prepost-n", "n", 0),
        ("prepost-unpaired", "n_unpaired", 0),
        ("prepost-mean-pre", "mean_pre", 2),
        ("prepost-mean-post", "mean_post", 2),
        ("prepost-hinge", "expected_growth", 2),
    ):
        assert_same(figures, name, prepost[key], places)
    assert_same(figures, "prepost-weeks", WEEKS, 1)
    assert_same(figures, "prepost-hinge", 0.40 * WEEKS / 40, 2)
    for name, key, places in (
        ("did-g", "did_g", 2),
        ("did-ci-low", "did_ci_low", 2),
        ("did-ci-high", "did_ci_high", 2),
        ("ancova-g", "ancova_g", 2),
        ("ancova-ci-low", "ci_low", 2),
        ("ancova-ci-high", "ci_high", 2),
        ("baseline-g", "baseline_g", 2),
        ("impact-n-focus", "n_focus", 0),
        ("impact-n-comparison", "n_comparison", 0),
    ):
        assert_same(figures, name, impact[key], places)
    # The groups start far apart (Lord's paradox): the page explains the two comparisons
    # instead of headlining the ANCOVA's improvement index.
    assert abs(impact["baseline_g"]) > 0.25
    assert "improvement-index" not in figures
    expect(panel).to_contain_text("Lord's paradox")
    for name, key, places in (
        ("gap-from", "gap_from", 2),
        ("gap-to", "gap_to", 2),
        ("gap-from-sd", "gap_from_sd", 2),
        ("gap-to-sd", "gap_to_sd", 2),
        ("gap-reduction", "reduction_pct", 1),
        ("gap-ci-low", "ci_low", 1),
        ("gap-ci-high", "ci_high", 1),
        ("gap-n-comparison-from", "n_a_from", 0),
        ("gap-n-focus-from", "n_b_from", 0),
        ("gap-n-comparison-to", "n_a_to", 0),
        ("gap-n-focus-to", "n_b_to", 0),
        ("gap-bootstrap", "bootstrap", 0),
        ("gap-seed", "seed", 0),
    ):
        assert_same(figures, name, gap[key], places)
    (applied,) = [row for row in by_class if row["by"] == "English 9 Applied"]
    class_figures = read_row_figures(page, 'tr[data-class="English 9 Applied"]')
    for name, key, places in (
        ("class-n", "n", 0),
        ("class-d", "d_av", 2),
        ("class-ci-low", "ci_low", 2),
        ("class-ci-high", "ci_high", 2),
    ):
        assert_same(class_figures, name, applied[key], places)
    # Every focus student has both scores, so the run chart's points are the pre/post means.
    for occasion, key in (("Baseline", "mean_pre"), ("Final", "mean_post")):
        point = read_row_figures(page, f'tr[data-occasion="{occasion}"]')
        assert_same(point, "runchart-value", prepost[key], 2)
        assert_same(point, "runchart-n", prepost["n"], 0)
    # The headline reads as a person sees it, not only as data attributes.
    growth = panel.locator(
        "section", has=page.get_by_role("heading", name="Growth of the focus group")
    )
    expect(growth).to_contain_text(f"Growth: {floatformat(prepost['d_av'], 2)}")
    # What it means opens from the keyboard, beside the figure.
    howto = growth.get_by_text("How to read this")
    howto.focus()
    page.keyboard.press("Enter")
    expect(growth.get_by_text("The likely range is the 95% confidence interval")).to_be_visible()

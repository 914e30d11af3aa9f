"""A suppressed result says why as a code the web app translates, and as text for the CLI."""

from __future__ import annotations

import numpy as np
import pandas as pd

from efficacy.analysis import prepost_effect, prepost_effect_by
from efficacy.analysis.proportion import proportion_estimate


def test_a_group_below_min_n_carries_the_too_few_code_and_its_threshold():
    result = prepost_effect([1, 2, 3, 4], [2, 3, 4, 6], min_n=10)
    assert result.suppressed
    assert (result.reason_code, result.min_n) == ("too_few", 10)
    assert "fewer than the reporting threshold of 10" in result.reason  # the CLI's text
    share = proportion_estimate(3, 5, min_n=10)
    assert (share.reason_code, share.min_n) == ("too_few", 10)


def test_grouped_results_carry_a_reason_code_per_group():
    rng = np.random.default_rng(1)
    rows = []
    classes = (("big", 12, False), ("small", 4, False), ("flat", 12, True), ("floor", 12, None))
    for klass, size, flat in classes:
        for i in range(size):
            pre = 2.0 if flat or flat is None else float(rng.normal(10, 2))
            post = 2.0 if flat else pre + float(rng.normal(1, 1))
            rows += [(klass, f"{klass}{i}", "pre", pre), (klass, f"{klass}{i}", "post", post)]
    table = pd.DataFrame(rows, columns=["class", "id", "occasion", "score"])
    frame = prepost_effect_by(
        table, by="class", id="id", score="score", occasion="occasion", pre="pre", post="post"
    ).set_index("by")
    assert pd.isna(frame.at["big", "reason_code"])
    assert frame.at["small", "reason_code"] == "too_few"
    assert frame.at["flat", "reason_code"] == "no_variance"
    # Everyone at the same score at one occasion only: d_av would double (issue 9).
    assert frame.at["floor", "reason_code"] == "flat_occasion"
    assert frame.at["floor", "suppressed"]
    assert np.isnan(frame.at["floor", "d_av"])


def test_data_too_thin_or_too_flat_raises_with_a_code_and_keeps_the_clis_english():
    import pytest

    from efficacy.analysis import AnalysisError, gap_change, impact_estimate, null_model

    cases = [
        (lambda: prepost_effect([1, float("nan")], [2, 3], min_n=2), "too_few_pairs", {}),
        (lambda: prepost_effect([2, 2, 2], [2, 2, 2], min_n=2), "no_variance", {}),
        (
            lambda: impact_estimate([1, 2, 3], [2, 3, 5], [1, float("nan")], [2, 3], min_n=2),
            "too_few_pairs",
            {"group": "comparison"},
        ),
        (
            lambda: gap_change([1, 2], [1, 2], [3, 4], [5], min_n=2, bootstrap=0),
            "too_few_scores",
            {"group": "b", "occasion": "to"},
        ),
        (lambda: null_model([1, 2, 3], ["a", "a", "a"], min_n=2), "too_few_clusters", {}),
        (lambda: null_model([1, 2], ["a", "b"], min_n=2), "one_score_per_cluster", {}),
        (lambda: null_model([1, 1, 3, 3], ["a", "a", "b", "b"], min_n=2), "no_within_variance", {}),
    ]
    for compute, code, params in cases:
        with pytest.raises(AnalysisError) as raised:
            compute()
        assert (raised.value.code, raised.value.params) == (code, params)
    with pytest.raises(AnalysisError, match=r"^Only 1 student\(s\) have both a pre and a post"):
        cases[0][0]()
    # A caller's mistake (not the data's) carries no code.
    with pytest.raises(AnalysisError) as raised:
        prepost_effect([1, 2], [2, 3], min_n=1)
    assert raised.value.code is None


def test_one_flat_occasion_carries_the_flat_occasion_code_and_the_cli_text():
    result = prepost_effect(np.full(12, 2.0), np.linspace(2, 4, 12))
    assert (result.suppressed, result.reason_code) == (True, "flat_occasion")
    assert "read the gain in points instead" in result.reason


def test_every_public_name_of_the_package_is_the_thing_it_names():
    """The package loads its names lazily; a submodule sharing a function's name would
    shadow the function once imported (``reliability`` did), so none may."""
    import importlib

    import efficacy.analysis as analysis

    for name, module in analysis._WHERE.items():
        importlib.import_module(module)
        assert getattr(analysis, name) is getattr(importlib.import_module(module), name), name

"""The notebook recipe (``docs/notebook.md``) runs as written: its Python blocks, run in
order against a live server with a team lead's token, page through the cycle's evidence
and compute the same pre/post effect as the scores in the database give directly."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from efficacy.analysis import prepost_effect
from efficacy.api.tokens import token_create
from efficacy.cycles.models import Score

RECIPE = Path(__file__).resolve().parents[2] / "docs" / "notebook.md"
BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


def recipe_blocks() -> list[str]:
    return BLOCK.findall(RECIPE.read_text(encoding="utf-8"))


def test_the_recipe_has_python_to_run():
    assert len(recipe_blocks()) >= 3


@pytest.mark.django_db(transaction=True)
def test_the_recipe_computes_the_effect_of_the_databases_scores(
    live_server, strategy_library, world, scored, rubric, baseline, final, monkeypatch, capsys
):
    _token, raw = token_create(user=world.lead_english, name="notebook")
    monkeypatch.setenv("EFFICACY_URL", live_server.url)
    monkeypatch.setenv("EFFICACY_TOKEN", raw)
    monkeypatch.setenv("EFFICACY_CYCLE", str(scored.pk))
    namespace: dict = {"__name__": "notebook"}
    for block in recipe_blocks():
        exec(compile(block, str(RECIPE), "exec"), namespace)  # our own recipe, as written
    from_api = namespace["result"]

    def values(occasion):
        return dict(
            Score.objects.filter(measure=rubric, occasion=occasion).values_list(
                "student_id", "value"
            )
        )

    pre, post = values(baseline), values(final)
    both = sorted(pre.keys() & post.keys())
    direct = prepost_effect(
        [pre[s] for s in both],
        [post[s] for s in both],
        scale_min=rubric.min_score,
        scale_max=rubric.max_score,
    )
    assert from_api.n == direct.n == 14
    assert math.isclose(from_api.d_av, direct.d_av)
    assert from_api.to_dict() == direct.to_dict()
    printed = capsys.readouterr().out
    assert "28 scores, 14 students with both a baseline and a final score" in printed

"""Survey windows with answers, for the results tests and the URL matrix's results rows.

The instrument follows the instrument contract (``Instrument.definition``): six items on
a 1–6 scale in two subscales, one item of each reversed. Answers are written straight
into the tables, as the surveys part stores them: one anonymous row per respondent
with its team, and a ledger row per person invited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np

from efficacy.roster.models import Role, School, Team, User
from efficacy.voice.models import Instrument, SurveyInvitation, SurveyResponse, SurveyWindow

LABELS = ["Not at all", "Very little", "Some", "Quite a bit", "A lot", "Completely"]


def definition(key: str = "test-collective-efficacy") -> dict:
    def text(en: str) -> dict:
        return {"en": en, "fr": f"{en} (fr)"}

    items = []
    for sub, prefix in (("group_competence", "gc"), ("task_analysis", "ta")):
        for i in (1, 2, 3):
            items.append({"key": f"{prefix}{i}", "subscale": sub, "scale": "confidence",
                          "reverse": i == 3, "text": text(f"Question {prefix}{i}?")})  # fmt: skip
    return {
        "key": key,
        "version": "1.0",
        "title": text("Collective efficacy (test)"),
        "description": text("A test instrument."),
        "languages": ["en", "fr"],
        "index": text("Collective efficacy index"),
        "scales": {
            "confidence": {
                "min": 1,
                "max": 6,
                "options": [{"value": v, "label": text(LABELS[v - 1])} for v in range(1, 7)],
            }
        },
        "subscales": [
            {"key": "group_competence", "name": text("Group competence")},
            {"key": "task_analysis", "name": text("Task analysis")},
        ],
        "items": items,
    }


ITEMS = ["gc1", "gc2", "gc3", "ta1", "ta2", "ta3"]
REVERSED = ["gc3", "ta3"]


def instrument(key: str = "test-collective-efficacy") -> Instrument:
    found, _ = Instrument.objects.get_or_create(
        key=key, version="1.0", district=None,
        defaults={"source": "", "sha256": key, "definition": definition(key)},
    )  # fmt: skip
    return found


def consistent_answers(level: float, rng: np.random.Generator) -> dict[str, int]:
    """One respondent whose items agree (a reliable scale): ``level`` on 1–6, reversed
    items answered the other way round, as people do."""
    out = {}
    for key in ITEMS:
        value = int(np.clip(round(level + rng.normal(0, 0.5)), 1, 6))
        out[key] = 7 - value if key in REVERSED else value
    return out


def staff(school: School, count: int, prefix: str) -> list[User]:
    return [
        User.objects.create(
            username=f"{prefix}{i}", role=Role.TEACHER, school=school, district=school.district
        )
        for i in range(count)
    ]


def window(
    school: School,
    *,
    title: str = "Autumn survey",
    team: Team | None = None,
    opens: dt.date = dt.date(2024, 10, 1),
    closes: dt.date = dt.date(2024, 10, 14),
    key: str = "test-collective-efficacy",
    invited: Sequence[User] = (),
    answers: Sequence[tuple[Team | None, dict[str, int]]] = (),
) -> SurveyWindow:
    """A window with its ledger (``invited``, marked answered in order, as many as there
    are answers) and its anonymous answers."""
    made = SurveyWindow.objects.create(
        school=school, team=team, instrument=instrument(key), title=title, opens_on=opens,
        closes_on=closes,
    )  # fmt: skip
    for i, person in enumerate(invited):
        SurveyInvitation.objects.create(window=made, user=person, answered=i < len(answers))
    SurveyResponse.objects.bulk_create(
        SurveyResponse(window=made, team=t, answers=a) for t, a in answers
    )
    return made


def answers_for(
    team: Team | None, count: int, level: float, seed: int
) -> list[tuple[Team | None, dict[str, int]]]:
    rng = np.random.default_rng(seed)
    return [(team, consistent_answers(level, rng)) for _ in range(count)]

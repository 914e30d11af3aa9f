"""A small instrument and survey windows of school A, for the survey tests.

The instrument is a row with a ``definition`` of the normalised shape the
instruments part's parser produces (four items, two subscales, one reversed
item, a 1-to-6 scale), so these tests need no YAML. ``window_of(world)`` opens
a window of school A's teaching staff through the service: coach_a,
lead_english, teacher_a, lead_math and teacher_a2 are invited (five, the
anonymity threshold); the leader, the administrator and the retired teacher are
not.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from efficacy.voice.models import Instrument
from efficacy.voice.services.surveys import survey_window_open

LABELS = [
    ("Not at all confident", "Pas du tout confiant"),
    ("Slightly confident", "Un peu confiant"),
    ("Somewhat confident", "Assez confiant"),
    ("Fairly confident", "Plutôt confiant"),
    ("Very confident", "Très confiant"),
    ("Completely confident", "Entièrement confiant"),
]


def definition(key: str = "surveys-test") -> dict:
    def item(item_key: str, subscale: str, en: str, fr: str, reverse: bool = False) -> dict:
        return {"key": item_key, "subscale": subscale, "scale": "confidence",
                "reverse": reverse, "text": {"en": en, "fr": fr}}  # fmt: skip

    return {
        "key": key,
        "version": "1.0",
        "title": {"en": "Our staff's confidence", "fr": "La confiance de notre équipe"},
        "description": {"en": "A test instrument.", "fr": "Un instrument de test."},
        "languages": ["en", "fr"],
        "index": {"en": "Confidence index", "fr": "Indice de confiance"},
        "scales": {
            "confidence": {
                "min": 1,
                "max": 6,
                "options": [
                    {"value": i + 1, "label": {"en": en, "fr": fr}}
                    for i, (en, fr) in enumerate(LABELS)
                ],
            }
        },
        "subscales": [
            {"key": "group_competence", "name": {"en": "Group competence", "fr": "Compétence"}},
            {"key": "task_analysis", "name": {"en": "Task analysis", "fr": "Analyse de la tâche"}},
        ],
        "items": [
            item("gc1", "group_competence",
                 "How confident are you that your colleagues can reach every student?",
                 "À quel point êtes-vous confiant que vos collègues peuvent rejoindre chaque élève ?"),
            item("gc2", "group_competence",
                 "How confident are you that your staff can manage a difficult class together?",
                 "À quel point êtes-vous confiant que votre équipe peut gérer ensemble une classe difficile ?"),
            item("ta1", "task_analysis",
                 "How confident are you that the students here can learn what is taught?",
                 "À quel point êtes-vous confiant que les élèves d'ici peuvent apprendre ce qui est enseigné ?"),
            item("ta2", "task_analysis",
                 "How confident are you that the pressures on students here do not decide their learning?",
                 "À quel point êtes-vous confiant que les pressions sur les élèves ne décident pas de leurs apprentissages ?",
                 reverse=True),
        ],
    }  # fmt: skip


def make_instrument(key: str = "surveys-test", district=None, version: str = "1.0") -> Instrument:
    source = f"key: {key}\nversion: {version}\n"
    return Instrument.objects.create(
        key=key,
        version=version,
        district=district,
        source=source,
        sha256=hashlib.sha256(source.encode()).hexdigest(),
        definition=definition(key),
    )


def window_of(world, instrument: Instrument, *, team=None, days_ago: int = 1, **extra):
    """A window of school A (or of ``team``) that opened ``days_ago`` days ago, for two weeks."""
    today = world.school_a.today()
    fields = {
        "title": "Autumn survey",
        "opens_on": today - dt.timedelta(days=days_ago),
        "closes_on": today - dt.timedelta(days=days_ago) + dt.timedelta(days=14),
        **extra,
    }
    return survey_window_open(
        user=world.leader_a, school=world.school_a, team=team, instrument=instrument, **fields
    )


ALL_FOURS = {"gc1": 4, "gc2": 4, "ta1": 4, "ta2": 4}


@pytest.fixture
def instrument(db):
    return make_instrument()


@pytest.fixture
def survey(world, instrument):
    """An open window of school A's teaching staff."""
    return window_of(world, instrument)

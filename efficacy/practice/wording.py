"""Does a note read as a judgement? A small word list, English and French.

Observers describe what they saw and heard; judgements (good, weak, should) are for
the debrief. A note with one of these words gets a gentle hint, never a refusal: the
list is short on purpose, and a word in a quotation ("she said: good!") is fine.
"""

from __future__ import annotations

import re

#: Words that grade or prescribe rather than describe, by language.
JUDGEMENT_WORDS: dict[str, tuple[str, ...]] = {
    "en": ("good", "great", "bad", "poor", "should", "excellent", "weak", "amazing",
           "terrible", "awesome", "brilliant", "awful", "nice", "wonderful", "ineffective",
           "effective", "must", "better", "worse", "best", "worst"),
    "fr": ("bien", "bon", "bonne", "mauvais", "mauvaise", "excellent", "excellente",
           "faible", "devrait", "devrais", "doit", "génial", "géniale", "super", "nul",
           "nulle", "terrible", "médiocre", "parfait", "parfaite", "meilleur", "pire"),
}  # fmt: skip


def judgement_words() -> list[str]:
    """Every word of every language, for the page's script to use as it is typed."""
    return sorted({word for words in JUDGEMENT_WORDS.values() for word in words})


_PATTERN = re.compile(
    r"(?<!\w)(?:" + "|".join(re.escape(w) for w in judgement_words()) + r")(?!\w)",
    re.IGNORECASE,
)


def reads_as_judgement(text: str) -> bool:
    return _PATTERN.search(text) is not None

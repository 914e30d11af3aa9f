"""Themes in students' open answers, so that a misconception shared by several stands out.

Pure: no Django, no database, no I/O, and nothing downloaded. The answers are
turned into TF-IDF vectors (scikit-learn, words and pairs of words, accents
folded, English or French stop words dropped) and grouped by k-means with a
fixed seed. The number of themes is the k in 2..min(``max_themes``, n / 3)
whose grouping has the highest mean silhouette (cosine distance); the answers
are sorted first, so the same answers give the same themes in whatever order
they were stored.

Each :class:`Theme` has a label (its two or three strongest terms), its terms,
its size and the answers closest to its centre. Fewer than :data:`MIN_ANSWERS`
usable answers give no themes: a teacher reads five answers faster than any
grouping of them. A group of one answer is not a theme.

Usage::

    themes(["common denominators are hard", ...], language="en")
    # [Theme(label="denominator · common", terms=(...), size=9, examples=(...)), ...]
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

import numpy as np
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.metrics import silhouette_score

#: Fewer usable answers than this: no themes, only the answers.
MIN_ANSWERS = 6
#: At most this many themes, however many answers.
MAX_THEMES = 8
#: A theme needs at least this many answers.
MIN_THEME_SIZE = 2
#: Terms kept per theme, and answers shown as examples of it.
TERMS = 6
EXAMPLES = 3
#: The fixed seed and restarts of k-means: the same answers always give the same themes.
SEED = 0
RESTARTS = 10
#: The fewest themes whose silhouette is this close to the best number's are kept. On
#: short answers silhouettes lie around 0.2 to 0.4: 0.1 merged three distinct misconceptions
#: (0.30 for three themes, 0.20 for two) into two.
PARSIMONY = 0.08


def _word_list(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: French stop words (scikit-learn ships English ones only), accents folded as the
#: answers are.
FRENCH_STOP_WORDS = _word_list(
    """
    a ai aie aient aies ait alors as au aucun aura aurai auraient aurais aurait aux avaient
    avais avait avec avez aviez avions avoir avons ayant bien c ca car ce ceci cela celle
    celles celui ces cet cette ceux chaque ci comme comment d dans de des deja donc dont du
    elle elles en encore es est et etaient etais etait etant ete etre eu eux faire fais fait
    ici il ils j je jusqu l la le les leur leurs lui m ma mais me meme mes moi mon n ne ni
    nos notre nous on ont ou par pas peu peut plus pour pourquoi qu quand que quel quelle
    quelles quels qui quoi s sa sans se ses si son sont sous suis sur t ta te tes toi ton
    tous tout toute toutes tres tu un une unes uns vos votre vous y aujourd hui j ai pas
    trop vraiment beaucoup aussi comprends compris comprendre bloque bloquee
    """
)
#: Words every answer to "what did you understand / where are you stuck" uses, in both
#: languages: they say nothing about the lesson.
ANSWER_WORDS = _word_list(
    """
    understand understood understanding stuck get got today really think know lesson
    don didn doesn dont idk ok okay yes no nothing sure bit lot
    """
)

STOP_WORDS = {
    "en": frozenset(ENGLISH_STOP_WORDS) | ANSWER_WORDS,
    "fr": FRENCH_STOP_WORDS | ANSWER_WORDS,
}


@dataclass(frozen=True)
class Theme:
    """A group of answers that share words: what several students said in their own words."""

    label: str
    terms: tuple[str, ...]
    size: int
    examples: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "label": self.label,
            "terms": list(self.terms),
            "size": self.size,
            "examples": list(self.examples),
        }


def _fold(text: str) -> str:
    """Lower case, accents folded: "Dénominateur" and "denominateur" are one word."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


WORD = re.compile(r"(?u)\b\w\w+\b")


def _singular(word: str) -> str:
    """A plural's final s dropped (English and French alike): "fractions" and "fraction"
    are one term, as are "problèmes écrits" and "problème écrit"."""
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _words(text: str) -> list[str]:
    return [_singular(word) for word in WORD.findall(_fold(text))]


def stop_words(language: str) -> frozenset[str]:
    """The stop words of ``language`` ("en", "fr", or a code such as "fr-ca"); English
    for a language without a list."""
    return STOP_WORDS.get(language.split("-")[0].lower(), STOP_WORDS["en"])


#: Each language's own stop words, folded as the answers are (the answer words both share
#: left out): what tells the two languages apart.
FOLDED_STOP_WORDS = {
    code: frozenset(_fold(word) for word in words - ANSWER_WORDS)
    for code, words in STOP_WORDS.items()
}


def language_of(texts: list[str]) -> str:
    """The language the answers are written in, "en" or "fr": the one whose stop words
    they use most (English on a tie). Students write in their class's language, which
    need not be the reader's."""
    words = [word for text in texts if text for word in WORD.findall(_fold(text))]
    counts = {code: sum(word in FOLDED_STOP_WORDS[code] for word in words) for code in ("en", "fr")}
    return "fr" if counts["fr"] > counts["en"] else "en"


def _vectorizer(language: str, ngrams: int) -> TfidfVectorizer:
    return TfidfVectorizer(
        tokenizer=_words,
        token_pattern=None,
        lowercase=False,
        stop_words=sorted({word for w in stop_words(language) for word in _words(w)}),
        ngram_range=(1, ngrams),
        sublinear_tf=True,
        min_df=2,  # a word one student used is not something several share
    )


def themes(texts: list[str], *, language: str = "en", max_themes: int = MAX_THEMES) -> list[Theme]:
    """Group ``texts`` into themes, the largest first (see the module's docstring)."""
    kept = [t.strip() for t in texts if t and t.strip()]
    if len(kept) < MIN_ANSWERS:
        return []
    # The same answer written by several students is one point that weighs more: five
    # "I don't know"s must not become a theme of their own by being identical.
    counted = Counter(kept)
    answers = sorted(counted)
    weights = np.array([counted[a] for a in answers], dtype=float)
    try:
        # Single words group the answers; pairs of words ("word problem") name the groups.
        # Fitted on every answer, so a word's frequency counts the students who used it.
        words = _vectorizer(language, 1).fit(kept).transform(answers)
        naming = _vectorizer(language, 2).fit(kept)
        pairs = naming.transform(answers)
    except ValueError:  # no word shared by two answers, once stop words are gone
        return []
    usable = np.flatnonzero(words.getnnz(axis=1))
    if weights[usable].sum() < MIN_ANSWERS or len(usable) < 2:
        return []
    labels = _best_grouping(words[usable], weights[usable], max_themes)
    if labels is None:
        return []
    terms = naming.get_feature_names_out()
    found = []
    for group in np.unique(labels):
        members = usable[labels == group]
        if weights[members].sum() < MIN_THEME_SIZE:
            continue
        found.append(_theme(words, pairs, members, weights, answers, terms))
    return sorted(found, key=lambda theme: (-theme.size, theme.label))


def _best_grouping(matrix, weights: np.ndarray, max_themes: int) -> np.ndarray | None:
    """The k-means labels for the fewest themes (k in 2..min(max_themes, n / 3)) whose
    mean silhouette is within :data:`PARSIMONY` of the best k's.

    On short answers the silhouette creeps up as k grows, splitting one misconception
    into near-copies ("common denominator", "different denominators"); fewer, broader
    themes read better, so a small gain in separation does not earn another theme.
    """
    # Answers worded differently may still have the same words ("fraction", "fractions").
    distinct = len({(tuple(row.indices), tuple(np.round(row.data, 9))) for row in matrix})
    top = min(max_themes, int(weights.sum()) // 3, distinct)
    scored: list[tuple[float, np.ndarray]] = []
    for k in range(2, top + 1):
        kmeans = KMeans(n_clusters=k, random_state=SEED, n_init=RESTARTS)
        labels = kmeans.fit_predict(matrix, sample_weight=weights)
        if len(np.unique(labels)) < k:  # k-means could not fill k themes
            continue
        # Every answer alone in its theme (two distinct answers, each written by several
        # students): as separate as can be, and the silhouette is not defined.
        alone = k >= matrix.shape[0]
        score = 1.0 if alone else silhouette_score(matrix, labels, metric="cosine")
        scored.append((float(score), labels))
    if not scored:
        return None
    best = max(score for score, _ in scored)
    return next(labels for score, labels in scored if score >= best - PARSIMONY)


def _theme(
    words, pairs, members: np.ndarray, weights: np.ndarray, answers: list[str], terms: np.ndarray
) -> Theme:
    weight = weights[members]
    centre = np.asarray(pairs[members].T @ weight).ravel() / weight.sum()
    order = [i for i in np.argsort(-centre, kind="stable") if centre[i] > 0]
    chosen: list[str] = []
    for i in order:
        term = str(terms[i])
        # "common denominator" makes "common" and "denominator" say nothing new.
        if any(set(term.split()) <= set(kept.split()) for kept in chosen):
            continue
        chosen = [kept for kept in chosen if not set(kept.split()) <= set(term.split())]
        chosen.append(term)
        if len(chosen) == TERMS:
            break
    rows = words[members]
    closeness = np.asarray(rows @ (rows.T @ weight)).ravel()
    examples: list[str] = []
    for i in np.argsort(-closeness, kind="stable"):
        text = answers[members[i]]
        if text not in examples:
            examples.append(text)
        if len(examples) == EXAMPLES:
            break
    return Theme(
        label=" · ".join(chosen[:3]),
        terms=tuple(chosen),
        size=int(weight.sum()),
        examples=tuple(examples),
    )

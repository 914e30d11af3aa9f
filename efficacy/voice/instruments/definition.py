"""What an instrument says, once its YAML is valid: :class:`Definition`.

``Instrument.definition`` (a JSON column) stores :meth:`Definition.to_json`, and
every reader (the survey form, the results) gets it back with
:meth:`Definition.from_json`. Texts are stored in every language of the
instrument and chosen when shown (:meth:`Definition.text`), never stored
translated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: Shown when a text is asked in a language the instrument does not have.
FALLBACK_LANGUAGE = "en"

Texts = Mapping[str, str]
"""One text in each language of the instrument: ``{"en": "...", "fr": "..."}``."""


@dataclass(frozen=True)
class Option:
    """One response option of a scale: its value (the answer stored) and its label."""

    value: int
    label: Texts


@dataclass(frozen=True)
class Scale:
    """A response scale: consecutive integer options from ``min`` to ``max``."""

    key: str
    options: tuple[Option, ...]

    @property
    def min(self) -> int:
        return self.options[0].value

    @property
    def max(self) -> int:
        return self.options[-1].value


@dataclass(frozen=True)
class Subscale:
    key: str
    name: Texts


@dataclass(frozen=True)
class Item:
    """One question; a reversed item is recoded x' = min + max − x before any mean."""

    key: str
    subscale: str
    scale: str
    reverse: bool
    text: Texts


@dataclass(frozen=True)
class Definition:
    """A valid instrument (made by :func:`efficacy.voice.instruments.parse`)."""

    key: str
    version: str
    languages: tuple[str, ...]
    title: Texts
    description: Texts
    index: Texts
    scales: Mapping[str, Scale]
    subscales: tuple[Subscale, ...]
    items: tuple[Item, ...]

    # --- the scale shared by every item ----------------------------------------

    @property
    def scale_min(self) -> int:
        """The lowest answer: every scale of an instrument shares it (the parser checks)."""
        return next(iter(self.scales.values())).min

    @property
    def scale_max(self) -> int:
        return next(iter(self.scales.values())).max

    @property
    def reversed_keys(self) -> frozenset[str]:
        return frozenset(item.key for item in self.items if item.reverse)

    @property
    def item_keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.items)

    def item(self, item_key: str) -> Item:
        for item in self.items:
            if item.key == item_key:
                return item
        raise KeyError(item_key)

    def items_of(self, subscale_key: str) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.subscale == subscale_key)

    def accepts(self, value: object) -> bool:
        """Whether ``value`` is an answer to any item: an integer from min to max."""
        if isinstance(value, bool) or not isinstance(value, int):
            return False
        return self.scale_min <= value <= self.scale_max

    def recoded(self, item_key: str, value: int) -> int:
        """The answer as it counts in a mean: reversed items become min + max − value."""
        if item_key in self.reversed_keys:
            return self.scale_min + self.scale_max - value
        return value

    # --- words, in the reader's language -------------------------------------

    def text(self, obj: Texts | Item | Subscale | Option, language: str) -> str:
        """The text of ``obj`` (an item's question, a subscale's name, an option's
        label, or any ``{language: text}`` mapping) in ``language``, else in English."""
        if isinstance(obj, Item):
            texts: Texts = obj.text
        elif isinstance(obj, Subscale):
            texts = obj.name
        elif isinstance(obj, Option):
            texts = obj.label
        else:
            texts = obj
        for code in (language, language.split("-")[0].split("_")[0], FALLBACK_LANGUAGE):
            if texts.get(code):
                return texts[code]
        return next(iter(texts.values()), "")

    def options(self, item_key: str, language: str) -> list[tuple[int, str]]:
        """The item's response options as (value, label) pairs, lowest value first."""
        scale = self.scales[self.item(item_key).scale]
        return [(option.value, self.text(option, language)) for option in scale.options]

    # --- stored as JSON --------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """The normalised shape stored in ``Instrument.definition`` (FORMAT.md)."""
        return {
            "key": self.key,
            "version": self.version,
            "title": dict(self.title),
            "description": dict(self.description),
            "languages": list(self.languages),
            "index": dict(self.index),
            "scales": {
                key: {
                    "min": scale.min,
                    "max": scale.max,
                    "options": [
                        {"value": option.value, "label": dict(option.label)}
                        for option in scale.options
                    ],
                }
                for key, scale in self.scales.items()
            },
            "subscales": [{"key": s.key, "name": dict(s.name)} for s in self.subscales],
            "items": [
                {
                    "key": item.key,
                    "subscale": item.subscale,
                    "scale": item.scale,
                    "reverse": item.reverse,
                    "text": dict(item.text),
                }
                for item in self.items
            ],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Definition:
        """The definition stored by :meth:`to_json` (trusted: it was valid when stored)."""
        return cls(
            key=data["key"],
            version=data["version"],
            languages=tuple(data["languages"]),
            title=dict(data["title"]),
            description=dict(data.get("description") or {}),
            index=dict(data.get("index") or data["title"]),
            scales={
                key: Scale(
                    key=key,
                    options=tuple(
                        Option(value=int(o["value"]), label=dict(o["label"]))
                        for o in scale["options"]
                    ),
                )
                for key, scale in data["scales"].items()
            },
            subscales=tuple(
                Subscale(key=s["key"], name=dict(s["name"])) for s in data["subscales"]
            ),
            items=tuple(
                Item(
                    key=i["key"],
                    subscale=i["subscale"],
                    scale=i["scale"],
                    reverse=bool(i.get("reverse", False)),
                    text=dict(i["text"]),
                )
                for i in data["items"]
            ),
        )

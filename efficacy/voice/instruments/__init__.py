"""Survey instruments: the YAML format (``FORMAT.md``), its parser and the ones Efficacy ships.

No database here: :func:`parse` turns YAML text into a :class:`Definition` or
raises :class:`InstrumentInvalid` with every problem and its line;
``Instrument.parsed`` reads a stored definition back. The instruments Efficacy
ships are YAML files in ``data/`` beside this module (:data:`SHIPPED`), loaded into the
database by :func:`efficacy.voice.services.instruments.shipped_instrument`.
"""

from __future__ import annotations

from pathlib import Path

from efficacy.voice.instruments.definition import (
    FALLBACK_LANGUAGE,
    Definition,
    Item,
    Option,
    Scale,
    Subscale,
)
from efficacy.voice.instruments.parsing import (
    MAX_BYTES,
    MAX_ITEMS,
    InstrumentInvalid,
    parse,
    top_level_line,
)

#: In ``data/``, which the package's data files include (pyproject.toml).
DATA = Path(__file__).resolve().parent / "data"
#: The instruments Efficacy ships, by key: written for this product, in English and French.
SHIPPED = {
    "efficacy-collective-efficacy": DATA / "collective_efficacy.yaml",
    "efficacy-enabling-conditions": DATA / "enabling_conditions.yaml",
}

__all__ = [
    "FALLBACK_LANGUAGE",
    "MAX_BYTES",
    "MAX_ITEMS",
    "SHIPPED",
    "Definition",
    "InstrumentInvalid",
    "Item",
    "Option",
    "Scale",
    "Subscale",
    "parse",
    "top_level_line",
]

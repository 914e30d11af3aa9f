"""OneRoster 1.1 / 1.2 CSV import: read, validate everything, then upsert by sourcedId."""

from __future__ import annotations

from typing import Any

from efficacy.roster.oneroster.problems import ImportSummary, Problem, RosterImportInvalid

__all__ = ["ImportSummary", "Problem", "RosterImportInvalid", "roster_import"]


def __getattr__(name: str) -> Any:
    # Imported on first use, so the generator and the problem types load without Django set up.
    if name == "roster_import":
        from efficacy.roster.oneroster.services import roster_import

        return roster_import
    raise AttributeError(name)

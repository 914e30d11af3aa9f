"""OneRoster 1.1 / 1.2 CSV import: read, validate everything, then upsert by sourcedId."""

from __future__ import annotations

from efficacy.roster.oneroster.problems import ImportSummary, Problem, RosterImportInvalid
from efficacy.roster.oneroster.services import roster_import

__all__ = ["ImportSummary", "Problem", "RosterImportInvalid", "roster_import"]

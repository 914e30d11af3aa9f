"""What an import reports: the problems of an invalid export, the counts of a valid one.

A problem is the one problem type of every file Efficacy reads (:class:`efficacy.tabular.Problem`),
collected in :class:`efficacy.tabular.Problems`: the first ones are kept, the rest counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from efficacy.tabular import Problem, Problems

COUNT_KINDS = ("created", "updated", "unchanged", "retired")


class RosterImportInvalid(Exception):
    """The export has problems; nothing was written."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = Problems(problems)
        super().__init__(f"{self.problems.total} problem(s) in the roster export")


def new_counts() -> dict[str, int]:
    return dict.fromkeys(COUNT_KINDS, 0)


@dataclass
class ImportSummary:
    """What an import did, per OneRoster file (its name without ``.csv``)."""

    version: str
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    # Which records the import was allowed to write (access.RosterScope.to_dict()).
    scope: dict[str, object] = field(default_factory=dict)
    # How long the write transaction held the database, in seconds.
    write_seconds: float = 0.0

    def to_dict(self) -> dict[str, object]:
        return {
            "version": self.version,
            "counts": {k: dict(v) for k, v in self.counts.items()},
            "scope": dict(self.scope),
        }

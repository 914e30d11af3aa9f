"""What an import reports: the problems of an invalid export, the counts of a valid one."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

COUNT_KINDS = ("created", "updated", "unchanged", "retired")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an export, precise enough for a person to fix it.

    ``line`` counts from 1, the header being line 1; ``None`` when the problem is
    about the whole file (or the zip). ``column`` is ``None`` when it is about a row.
    """

    file: str
    line: int | None
    column: str | None
    message: str
    hint: str

    def __str__(self) -> str:
        line = "" if self.line is None else str(self.line)
        return f"{self.file}:{line}:{self.column or ''}: {self.message} ({self.hint})"

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


class RosterImportInvalid(Exception):
    """The export has problems; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__(f"{len(self.problems)} problem(s) in the roster export")


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

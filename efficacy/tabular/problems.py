"""What is wrong with a file: one problem type, printed one way everywhere."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

#: How many problems a person is shown; the rest are counted ("and 12,480 more").
SHOWN = 100


def _(message: str) -> str:
    """Django's translation where Django is set up (pages, management commands); the
    English text in ``efficacy analyze``, which runs without it."""
    from django.conf import settings

    if not settings.configured:
        return message
    from django.utils.translation import gettext

    return gettext(message)


def number(n: int) -> str:
    """A count or size for a person, grouped the language's way where Django is set up
    ("12 480" in French, with a non-breaking space), and "12,480" in ``efficacy analyze``."""
    from django.conf import settings

    if not settings.configured:
        return f"{n:,}"
    from django.utils.formats import number_format

    return number_format(n, force_grouping=True)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file, precise enough for a person to fix it.

    ``line`` counts from 1, the header being line 1 (a spreadsheet's row number);
    ``None`` when the problem is about the whole file. ``column`` is the column's
    name, ``None`` when the problem is about a whole line.
    """

    file: str
    line: int | None
    column: str | None
    message: str
    hint: str = ""

    def __str__(self) -> str:
        line = "" if self.line is None else str(self.line)
        hint = f" ({self.hint})" if self.hint else ""
        return f"{self.file}:{line}:{self.column or ''}: {self.message}{hint}"

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


class Problems(list[Problem]):
    """The first ``shown`` problems of a file, and the total of all of them.

    A hostile file can hold a problem on each of a million lines: the list keeps
    the first ones to show and only counts the rest (``total``, ``more``), so
    neither memory nor the page that lists them grows with the file.
    """

    def __init__(self, problems: Iterable[Problem] = (), *, shown: int = SHOWN):
        super().__init__()
        self.shown = shown
        self.total = 0
        self.extend(problems)

    def append(self, problem: Problem) -> None:
        self.total += 1
        if len(self) < self.shown:
            super().append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        more = getattr(problems, "more", 0)
        for problem in problems:
            self.append(problem)
        self.total += more

    def __iadd__(self, problems: Iterable[Problem]) -> Problems:  # type: ignore[override, misc]
        self.extend(problems)
        return self

    @property
    def more(self) -> int:
        """How many problems were counted but not kept."""
        return self.total - len(self)

    def lines(self) -> list[str]:
        """Every kept problem as text, then "… and N more problems" if some were not kept."""
        out = [str(p) for p in self]
        if self.more:
            out.append(_("… and %(n)s more problems") % {"n": number(self.more)})
        return out

    def to_dict(self) -> dict[str, object]:
        return {"errors": [p.to_dict() for p in self], "total": self.total, "more": self.more}

"""Values a spreadsheet would evaluate, and how they are neutralised and read back.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
a formula to Excel and LibreOffice when they open a CSV file: a student's name
from the student information system or a measure a team lead typed must never
run as one (OWASP, "CSV Injection"). A CSV cell gets a leading single quote,
which spreadsheets take as "this is text" and do not show; our reader removes
it again, so ``=Smith`` round-trips. A text that itself starts with quotes and
then one of those characters gets one more quote, so it round-trips too.
"""

from __future__ import annotations

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def is_dangerous(text: str) -> bool:
    """A spreadsheet would read this text as a formula."""
    return text.startswith(DANGEROUS)


def _quotes_then_dangerous(text: str) -> bool:
    """Quotes (any number, none included) and then a formula-like text."""
    return is_dangerous(text.lstrip(QUOTE))


def neutralise(text: str) -> str:
    """The text as a CSV cell a spreadsheet shows as text and never evaluates."""
    return QUOTE + text if _quotes_then_dangerous(text) else text


def unneutralise(text: str) -> str:
    """The text :func:`neutralise` was given (a cell read from a file)."""
    return text[1:] if text.startswith(QUOTE) and _quotes_then_dangerous(text) else text


def keep_quote(text: str) -> str:
    """For an XLSX text cell, which is never evaluated: only a text that would read
    back as neutralised needs its quote doubled."""
    return QUOTE + text if text.startswith(QUOTE) and _quotes_then_dangerous(text) else text

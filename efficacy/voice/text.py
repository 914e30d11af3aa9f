"""What free text the voice app takes: one rule for every form and public page.

Wins, suggestions, check-in notes, commitments and exit-ticket answers are stored
as plain text and always shown escaped; on top of that, text that could only be
an attempt to script a page is refused with a message, and so are invisible
control characters and text longer than the field allows. "2 < 3" and "a < b"
are plain text; ``<b>``, ``</p>``, ``<img src=x>``, a comment, the opening of a
scripting element (even unclosed) and a ``javascript:`` address are not.
Spreadsheets are another matter: every file written goes through
:mod:`efficacy.tabular.writing`, which never lets a value become a formula.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _

#: An HTML tag, a comment, the opening of a scripting element, or a script address.
_MARKUP = re.compile(
    r"</?[a-zA-Z][a-zA-Z0-9:-]*(\s[^<>]*)?/?>"
    r"|<!--"
    r"|<\s*/?\s*(script|iframe|img|svg|object|embed|style|link|meta)\b"
    r"|javascript\s*:",
    re.IGNORECASE,
)
#: Line breaks and tabs are how people write; every other control character is not.
_ALLOWED_CONTROLS = frozenset("\n\r\t")


def free_text_problem(text: str, *, limit: int, required: bool = False) -> str | None:
    """Why ``text`` is refused, or None: empty (when required), longer than ``limit``
    characters, with control characters, or scripted."""
    if required and not text.strip():
        return _("Write a few words.")
    if len(text) > limit:
        return _("Keep it to %(limit)s characters or fewer (this is %(length)s).") % {
            "limit": limit,
            "length": len(text),
        }
    if any(unicodedata.category(c) == "Cc" and c not in _ALLOWED_CONTROLS for c in text):
        return _("The text contains invisible control characters; retype it as plain text.")
    if _MARKUP.search(text):
        return _("Write plain text: HTML tags such as <b> or <script> are not accepted.")
    return None

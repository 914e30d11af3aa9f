"""What free text the voice app takes: one rule for every form and public page.

Wins, suggestions, check-in notes, commitments, exit-ticket answers and survey
window titles are stored as plain text and always shown escaped; on top of that,
text that could only be an attempt to script a page is refused with a message,
and so are invisible control characters (bidirectional overrides among them) and
text longer than the field allows. "2 < 3" and "a < b" are plain text; ``<b>``,
``</p>``, ``<img src=x>``, a comment, the opening of a scripting element (even
unclosed) and a ``javascript:`` address are not.
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
#: The bidirectional embeddings, overrides and isolates (U+202A to U+202E, U+2066 to
#: U+2069): invisible, and shown they reorder the text after them, so a win or an
#: answer would read as other words ("Trojan Source"). The marks U+200E and U+200F,
#: which right-to-left writing needs, are not among them.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


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
    if any(_is_control(c) for c in text):
        return _("The text contains invisible control characters; retype it as plain text.")
    if _MARKUP.search(text):
        return _("Write plain text: HTML tags such as <b> or <script> are not accepted.")
    return None


def _is_control(c: str) -> bool:
    if c in _BIDI_CONTROLS:
        return True
    return unicodedata.category(c) == "Cc" and c not in _ALLOWED_CONTROLS

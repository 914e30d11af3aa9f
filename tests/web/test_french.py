"""The French catalogue: complete, compiled, faithful to its placeholders, and shown to people.

The catalogue is read with a small PO parser below (no polib in the environment), so
these tests need no gettext tools: the committed ``django.mo`` is compared with the
``django.po`` it must have been compiled from.
"""

from __future__ import annotations

import ast
import gettext
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

LC_MESSAGES = Path(__file__).resolve().parents[2] / "efficacy" / "locale" / "fr" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return f"django.po line {self.line}: {self.msgid!r}"


def _unquote(text: str) -> str:
    # A PO string literal uses C escapes, a subset of Python's; non-ASCII stays as is.
    return ast.literal_eval(text.strip())


def parse_po(path: Path) -> list[Entry]:
    """Every active entry of a PO file (obsolete ``#~`` entries left out), header included.

    Entries are separated by blank lines, as msgmerge and msgcat always write them.
    """
    entries: list[Entry] = []
    number = 0
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry = Entry(number + 1)
        target: tuple[str, int] | None = None
        for offset, raw in enumerate(block.splitlines()):
            line = raw.strip()
            where = f"django.po line {number + 1 + offset}"
            if not line or line.startswith("#~"):
                continue
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                assert target is not None, f"{where}: a string with no keyword before it"
                kind, index = target
                if kind == "msgstr":
                    entry.msgstr[index] += _unquote(line)
                else:
                    setattr(entry, kind, (getattr(entry, kind) or "") + _unquote(line))
            else:
                keyword, _, rest = line.partition(" ")
                if keyword.startswith("msgstr["):
                    target = ("msgstr", int(keyword[len("msgstr[") : -1]))
                    entry.msgstr[target[1]] = _unquote(rest)
                elif keyword == "msgstr":
                    target = ("msgstr", 0)
                    entry.msgstr[0] = _unquote(rest)
                elif keyword in {"msgctxt", "msgid", "msgid_plural"}:
                    target = (keyword, 0)
                    setattr(entry, keyword, _unquote(rest))
                else:
                    raise AssertionError(f"{where}: unexpected {line!r}")
        if entry.msgstr:
            entries.append(entry)
        number += block.count("\n") + 2
    return entries


@pytest.fixture(autouse=True)
def _english_after_each_test():
    # A request in French activates French in the thread and nothing deactivates it: the
    # tests that run next in this process would read French ("rôle inconnu", not
    # "unknown role").
    with translation.override("en"):
        yield


@pytest.fixture(scope="module")
def catalogue() -> list[Entry]:
    entries = parse_po(PO)
    assert len(entries) > 100, "the parser found almost nothing: is django.po there?"
    return entries


def messages_of(catalogue: list[Entry]) -> list[Entry]:
    return [entry for entry in catalogue if entry.msgid]


# A named printf placeholder with its conversion (%(n)d, %(gain).2f, %(byte)02x) or a
# str.format field ({name}); unnamed ones are left out on purpose: "% of students"
# is ordinary text that happens to parse as "% o".
PLACEHOLDER = re.compile(r"%\(\w+\)[#0\- +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|\{\w*\}")


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def test_the_parser_reads_plurals_and_continued_lines(tmp_path):
    # Guard the helper itself, so a parsing bug cannot make the catalogue tests vacuous.
    sample = "\n".join(
        [
            'msgid ""',
            'msgstr ""',
            '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"',
            "",
            "#, fuzzy, python-format",
            'msgid "%(n)s cat"',
            'msgid_plural "%(n)s cats"',
            'msgstr[0] "%(n)s chat"',
            'msgstr[1] ""',
            '"%(n)s chats"',
            "",
            '#~ msgid "gone"',
            '#~ msgstr "parti"',
            "",
            "#. a comment",
            'msgid ""',
            '"a long \\"quoted\\" "',
            '"line"',
            'msgstr "une longue ligne"',
        ]
    )
    path = tmp_path / "sample.po"
    path.write_text(sample, encoding="utf-8")
    header, cat, long = parse_po(path)
    assert header.msgid == ""
    assert "nplurals=2" in header.msgstr[0]
    assert cat.flags == {"fuzzy", "python-format"}
    assert cat.msgid_plural == "%(n)s cats"
    assert cat.msgstr == {0: "%(n)s chat", 1: "%(n)s chats"}
    assert long.msgid == 'a long "quoted" line'
    assert long.msgstr == {0: "une longue ligne"}


def test_the_catalogue_header_is_french_utf8_with_french_plurals(catalogue):
    header = catalogue[0]
    assert header.msgid == ""
    assert "fuzzy" not in header.flags
    assert "Language: fr\n" in header.msgstr[0]
    assert "charset=UTF-8" in header.msgstr[0]
    assert "Plural-Forms: nplurals=2; plural=(n > 1);" in header.msgstr[0]


def test_every_message_is_translated_and_none_is_fuzzy(catalogue):
    untranslated = [e.where for e in messages_of(catalogue) if not all(e.msgstr.values())]
    fuzzy = [e.where for e in messages_of(catalogue) if "fuzzy" in e.flags]
    assert untranslated == []
    assert fuzzy == []


def test_every_plural_message_has_both_french_forms(catalogue):
    plurals = [e for e in messages_of(catalogue) if e.msgid_plural is not None]
    assert plurals, "the interface has plural messages; the parser must see them"
    wrong = [e.where for e in plurals if sorted(e.msgstr) != [0, 1]]
    assert wrong == []


def test_translations_keep_the_placeholders_of_their_message(catalogue):
    wrong = []
    for entry in messages_of(catalogue):
        expected = placeholders(entry.msgid) | placeholders(entry.msgid_plural or "")
        for index, text in entry.msgstr.items():
            # A singular form may leave out the count ("un membre"), never add a name.
            found = placeholders(text)
            every_name = index > 0 or entry.msgid_plural is None
            if found - expected or (every_name and found != expected):
                wrong.append(f"{entry.where} -> {text!r}")
    assert wrong == []


def test_the_placeholder_check_catches_a_renamed_or_dropped_name():
    assert placeholders("%(name)s a quitté l'équipe.") == placeholders("%(name)s left the team.")
    assert placeholders("%(nom)s a quitté l'équipe.") != placeholders("%(name)s left the team.")
    assert placeholders("Gain de %(gain).2f") != placeholders("Gain %(gain).2f for %(n)d")
    assert placeholders("ligne %(row)s") != placeholders("row %(row)d")


def test_the_compiled_catalogue_matches_the_po_file(catalogue):
    # A stale .mo (the .po edited, compilemessages not run) fails here.
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    expected: dict[object, str] = {}
    for entry in messages_of(catalogue):
        msgid = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            expected[msgid] = entry.msgstr[0]
        else:
            for index, text in entry.msgstr.items():
                expected[(msgid, index)] = text
    actual = {key: value for key, value in compiled._catalog.items() if key != ""}
    missing = sorted(str(key) for key in expected.keys() - actual.keys())
    extra = sorted(str(key) for key in actual.keys() - expected.keys())
    changed = sorted(
        str(key) for key in expected.keys() & actual.keys() if expected[key] != actual[key]
    )
    hint = "run `cd efficacy && ../.venv/bin/efficacy compilemessages -l fr` and commit django.mo"
    assert missing == [], hint
    assert extra == [], hint
    assert changed == [], hint
    assert compiled.ngettext("%(n)s member", "%(n)s members", 1) == "%(n)s membre"
    assert compiled.ngettext("%(n)s member", "%(n)s members", 2) == "%(n)s membres"


@pytest.mark.django_db
def test_the_sign_in_page_is_french_for_a_browser_that_asks_for_french(client):
    response = client.get(reverse("login"), headers={"accept-language": "fr-CA,fr;q=0.9"})
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr">' in body
    assert "Se connecter" in body
    assert "Sign in" not in body


@pytest.mark.django_db
def test_the_sign_in_page_stays_english_for_an_english_browser(client):
    response = client.get(reverse("login"), headers={"accept-language": "en-CA,en;q=0.9"})
    body = response.content.decode()
    assert '<html lang="en">' in body
    assert "Sign in" in body
    assert "Se connecter" not in body


def test_a_leader_who_picks_french_sees_the_school_page_in_french(client, world):
    client.force_login(world.leader_a)
    school = reverse("front:school", args=[world.school_a.pk])
    english = client.get(school).content.decode()
    assert "Sign out" in english

    response = client.post(reverse("set_language"), {"language": "fr", "next": school})
    assert response.status_code == 302
    assert response["Location"] == school

    body = client.get(school).content.decode()
    assert '<html lang="fr">' in body
    assert "Se déconnecter" in body
    assert "Direction d" in body  # the role beside the leader's name
    assert "Équipes" in body
    assert "Liste du personnel" in body
    assert "Sign out" not in body


# --- every string the code marks for translation has a French entry ------------------

EFFICACY = LC_MESSAGES.parents[2]
# What `make messages` reads: the code and templates, never caches or vendored files.
SOURCES = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo", "vendor", "*.sqlite3*")


def test_every_string_marked_for_translation_has_a_french_entry(tmp_path, monkeypatch, settings):
    # makemessages runs on a copy of the package (it writes template conversions beside
    # the templates and merges into the catalogue), so the committed catalogue is never
    # touched; a string the code marks but django.po lacks comes back empty or fuzzy.
    copy = tmp_path / "efficacy"
    shutil.copytree(EFFICACY, copy, ignore=SOURCES)
    before = PO.read_bytes()
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["fr"], no_obsolete=True, add_location="file", verbosity=0)
    assert PO.read_bytes() == before, "makemessages must never write the committed catalogue"
    refreshed = messages_of(parse_po(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in refreshed if not all(e.msgstr.values()) or "fuzzy" in e.flags]
    assert not missing, (
        "these strings have no French translation: run `make messages`, translate each empty "
        "or fuzzy entry in efficacy/locale/fr/LC_MESSAGES/django.po, then run `make messages` "
        "again:\n" + "\n".join(missing)
    )

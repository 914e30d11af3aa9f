"""Reading an instrument's YAML: every problem, each with its line, or a :class:`Definition`.

The YAML is composed into PyYAML's node tree (``yaml.compose`` with the safe
loader: no Python object is ever built) and walked by hand, so that each value
keeps the line it was written on and a mapping that names a key twice is caught
(PyYAML's own loader silently keeps the last one). Aliases (``*name``) are
refused outright: an instrument never needs them, and they are how a small file
expands into a huge one. The file is bounded (:data:`MAX_BYTES`, :data:`MAX_ITEMS`).

The format is documented in ``FORMAT.md`` beside this module.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import yaml

from efficacy.tabular.problems import Problem, Problems, _, number
from efficacy.voice.instruments.definition import (
    FALLBACK_LANGUAGE,
    Definition,
    Item,
    Option,
    Scale,
    Subscale,
)

#: The largest file read: a long published scale in two languages is a few tens of KB.
MAX_BYTES = 256 * 1024
MAX_ITEMS = 200
MAX_SUBSCALES = 30
MIN_OPTIONS = 5
MAX_OPTIONS = 11
MIN_ITEMS_PER_SUBSCALE = 2
#: The largest option value, either side of zero: answers are scored as floats, and real
#: scales run from 0 or 1 to at most 11.
MAX_VALUE = 1_000
#: The longest text of each kind, in characters.
MAX_CHARS = {"title": 200, "description": 2_000, "index": 200, "name": 200, "label": 100,
             "text": 500}  # fmt: skip

INSTRUMENT_KEY = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")
CODE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,39}")
ASCII_SPACE = re.compile(r"[ \t\r\n]+")
LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})?")

TOP_KEYS = {"key": True, "version": True, "languages": True, "title": True,
            "description": False, "index": False, "scales": True, "subscales": True,
            "items": True}  # fmt: skip
SCALE_KEYS = {"options": True}
OPTION_KEYS = {"value": True, "label": True}
SUBSCALE_KEYS = {"key": True, "name": True}
ITEM_KEYS = {"key": True, "subscale": True, "scale": False, "reverse": False, "text": True}

INT_TAG = "tag:yaml.org,2002:int"
BOOL_TAG = "tag:yaml.org,2002:bool"
NULL_TAG = "tag:yaml.org,2002:null"


class InstrumentInvalid(ValueError):
    """The file is not a valid instrument; ``problems`` lists every reason, with its line."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = Problems(sorted(problems, key=lambda p: p.line or 0))
        super().__init__(f"the instrument has {self.problems.total} problem(s)")


class _AliasFound(Exception):
    def __init__(self, mark: yaml.Mark):
        self.mark = mark


class _Composer(yaml.SafeLoader):
    """The safe loader's composer, refusing aliases before they are expanded."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            raise _AliasFound(self.peek_event().start_mark)
        return super().compose_node(parent, index)


def parse(text: str, *, file: str = "instrument.yaml") -> Definition:
    """The instrument ``text`` defines, or :class:`InstrumentInvalid` with every problem.

    ``file`` names the file in the problems (``FILE.yaml:LINE: message``).
    """
    if len(text.encode("utf-8", errors="replace")) > MAX_BYTES:
        raise InstrumentInvalid([Problem(
            file, None, None,
            _("The file is larger than %(limit)s KB.") % {"limit": MAX_BYTES // 1024},
            _("An instrument's YAML is a few pages of text; check that this is the right file."),
        )])  # fmt: skip
    root = _compose(text, file)
    reader = _Reader(file)
    definition = reader.instrument(root)
    if reader.problems or definition is None:
        raise InstrumentInvalid(reader.problems)
    return definition


def top_level_line(text: str, key: str) -> int | None:
    """The line of the top-level ``key`` of a valid instrument's YAML (for a problem
    found after parsing, such as a version already loaded with other content)."""
    root = yaml.compose(text, Loader=_Composer)
    if isinstance(root, yaml.MappingNode):
        for key_node, _value in root.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return int(key_node.start_mark.line) + 1
    return None


def _compose(text: str, file: str) -> yaml.Node:
    def fail(message: str, hint: str, mark: yaml.Mark | None = None) -> InstrumentInvalid:
        line = None if mark is None else int(mark.line) + 1
        return InstrumentInvalid([Problem(file, line, None, message, hint)])

    try:
        root = yaml.compose(text, Loader=_Composer)
    except _AliasFound as alias:
        raise fail(
            _("Aliases (*name) are not allowed in an instrument."),
            _("write the value out in full"),
            alias.mark,
        ) from None
    except yaml.MarkedYAMLError as error:
        what = " ".join(str(error.problem or error.context or "").split())
        hint = (
            # PyYAML reads YAML 1.1, where a question mark ends a text inside { }.
            _("inside { } a question mark ends the text: write each language on its own "
              "line, or put the text in quotes")
            if "'?'" in what
            else _("check the indentation, the colons and the quotes on this line and the one "
                   "above")
        )  # fmt: skip
        raise fail(
            _("This is not valid YAML: %(what)s.") % {"what": what},
            hint,
            error.problem_mark or error.context_mark,
        ) from None
    except yaml.YAMLError as error:
        raise fail(_("This is not valid YAML: %(what)s.") % {"what": error}, "") from None
    except RecursionError:
        raise fail(_("The file is nested too deeply to be an instrument."), "") from None
    if root is None:
        raise fail(_("The file is empty."), _("see FORMAT.md for an example instrument"))
    return root


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _nearest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return _("did you mean '%(word)s'?") % {"word": close[0]} if close else ""


def _language_name(code: str) -> str:
    names = {"en": _("English"), "fr": _("French")}
    return names.get(code, code)


@dataclass
class _Reader:
    """Walks the node tree, collecting every problem rather than stopping at the first."""

    file: str
    problems: list[Problem] = field(default_factory=list)
    languages: tuple[str, ...] | None = None
    _scalars: yaml.SafeLoader = field(default_factory=lambda: yaml.SafeLoader(""))
    #: Each subscale's entry, to point a subscale with too few items at its line.
    _subscale_nodes: dict[str, yaml.Node] = field(default_factory=dict)

    def problem(self, node: yaml.Node | None, where: str, message: str, hint: str = "") -> None:
        line = None if node is None else _line(node)
        self.problems.append(Problem(self.file, line, where or None, message, hint))

    # --- shapes ------------------------------------------------------------------

    def mapping(
        self, node: yaml.Node, where: str, keys: dict[str, bool], what: str
    ) -> dict[str, tuple[yaml.Node, yaml.Node]] | None:
        """The mapping's entries by key, after checking it is a mapping, that no key is
        written twice, that every key is known and every required key is there."""
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, where, _("%(what)s should be a mapping of 'name: value' lines.")
                         % {"what": what}, _("see FORMAT.md for the layout"))  # fmt: skip
            return None
        entries: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(key_node, where, _("A key should be a plain word."))
                continue
            key = str(key_node.value)
            if key in entries:
                first = _line(entries[key][0])
                self.problem(
                    key_node, where,
                    _("'%(key)s' is written twice here (first on line %(first)d).")
                    % {"key": key, "first": first},
                    _("YAML would silently keep only the last one: remove one of them"),
                )  # fmt: skip
                continue
            if key not in keys:
                self.problem(
                    key_node, where,
                    _("'%(key)s' is not one of the keys expected here: %(keys)s.")
                    % {"key": key, "keys": ", ".join(keys)},
                    _nearest(key, keys),
                )  # fmt: skip
                continue
            entries[key] = (key_node, value_node)
        for key, required in keys.items():
            if required and key not in entries:
                self.problem(node, where, _("%(what)s has no '%(key)s'.")
                             % {"what": what, "key": key}, _("see FORMAT.md"))  # fmt: skip
        return entries

    def sequence(self, node: yaml.Node, where: str, what: str) -> list[yaml.Node] | None:
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            self.problem(node, where, _("%(what)s should be a list, one entry per '- ' line.")
                         % {"what": what}, _("see FORMAT.md for the layout"))  # fmt: skip
            return None
        return list(node.value)

    def string(self, node: yaml.Node, where: str, what: str, *, max_chars: int = 200) -> str | None:
        """A scalar as written (``No`` stays the word "No", not YAML's false)."""
        if not isinstance(node, yaml.ScalarNode):
            self.problem(node, where, _("%(what)s should be text on one line, or a "
                                        "block of text.") % {"what": what})  # fmt: skip
            return None
        # Runs of spaces and line breaks become one space; a non-breaking space (French
        # punctuation) is kept.
        value = ASCII_SPACE.sub(" ", str(node.value)).strip(" ")
        if not value or (node.tag == NULL_TAG and node.style is None and value in ("~", "null")):
            self.problem(node, where, _("%(what)s is empty.") % {"what": what})
            return None
        if len(value) > max_chars:
            self.problem(node, where, _("%(what)s is %(n)s characters long; the most is %(max)s.")
                         % {"what": what, "n": number(len(value)), "max": number(max_chars)},
                         _("shorten it"))  # fmt: skip
            return None
        return value

    def code(self, node: yaml.Node, where: str, what: str, pattern: re.Pattern[str]) -> str | None:
        value = self.string(node, where, what, max_chars=80)
        if value is not None and not pattern.fullmatch(value):
            hint = (
                _("lower-case letters, digits and hyphens, e.g. 'my-district-climate'")
                if pattern is INSTRUMENT_KEY
                else _("a letter, then letters, digits or underscores, e.g. 'gc1'")
            )
            self.problem(node, where, _("%(what)s '%(value)s' is not a valid key.")
                         % {"what": what, "value": value}, hint)  # fmt: skip
            return None
        return value

    def integer(self, node: yaml.Node, where: str, what: str) -> int | None:
        if isinstance(node, yaml.ScalarNode) and node.tag == INT_TAG:
            try:
                value = int(self._scalars.construct_object(node))
            except ValueError:  # thousands of digits: Python refuses to convert them
                value = None
            if value is not None and abs(value) <= MAX_VALUE:
                return value
            self.problem(node, where,
                         _("%(what)s is too large: a value is a whole number from %(low)d "
                           "to %(high)d.") % {"what": what, "low": -MAX_VALUE, "high": MAX_VALUE},
                         _("number the options 1, 2, 3, … (or 0, 1, 2, …)"))  # fmt: skip
            return None
        self.problem(node, where, _("%(what)s should be a whole number.") % {"what": what})
        return None

    def boolean(self, node: yaml.Node, where: str, what: str) -> bool | None:
        if isinstance(node, yaml.ScalarNode) and node.tag == BOOL_TAG:
            return bool(self._scalars.construct_object(node))
        self.problem(node, where, _("%(what)s should be true or false.") % {"what": what})
        return None

    def texts(self, node: yaml.Node, where: str, what: str, kind: str) -> dict[str, str] | None:
        """One text per language: ``{en: ..., fr: ...}``, every language of the instrument."""
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, where, _("%(what)s should give one line per language "
                                        "(en: …, fr: …).") % {"what": what},
                         _("see FORMAT.md"))  # fmt: skip
            return None
        out: dict[str, str] = {}
        lines: dict[str, int] = {}
        ok = True
        for key_node, value_node in node.value:
            code = str(getattr(key_node, "value", ""))
            if code in lines:
                self.problem(
                    key_node, where,
                    _("'%(key)s' is written twice here (first on line %(first)d).")
                    % {"key": code, "first": lines[code]},
                    _("YAML would silently keep only the last one: remove one of them"),
                )  # fmt: skip
                ok = False
                continue
            lines[code] = _line(key_node)
            if self.languages is not None and code not in self.languages:
                self.problem(
                    key_node, f"{where}.{code}",
                    _("%(what)s has a text in '%(code)s', which is not one of the instrument's "
                      "languages (%(languages)s).")
                    % {"what": what, "code": code, "languages": ", ".join(self.languages)},
                    _nearest(code, self.languages) or _("add the language under 'languages'"),
                )  # fmt: skip
                ok = False
                continue
            text = self.string(value_node, f"{where}.{code}", what, max_chars=MAX_CHARS[kind])
            if text is None:
                ok = False
            else:
                out[code] = text
        for code in self.languages or ():
            if code not in lines:
                self.problem(
                    node, f"{where}.{code}",
                    _("%(what)s has no %(language)s text (%(code)s).")
                    % {"what": what, "language": _language_name(code), "code": code},
                    _("add a line '%(code)s: …' under it") % {"code": code},
                )  # fmt: skip
                ok = False
        return out if ok and out else None

    # --- the instrument ------------------------------------------------------------

    def instrument(self, root: yaml.Node) -> Definition | None:
        top = self.mapping(root, "", TOP_KEYS, _("The instrument"))
        if top is None:
            return None

        def get(key: str, read: Callable[[yaml.Node], object]) -> object:
            return read(top[key][1]) if key in top else None

        key = get("key", lambda n: self.code(n, "key", _("The key"), INSTRUMENT_KEY))
        version = get("version", lambda n: self.string(n, "version", _("The version"),
                                                       max_chars=40))  # fmt: skip
        self.languages = self.read_languages(top["languages"][1]) if "languages" in top else None
        title = get("title", lambda n: self.texts(n, "title", _("The title"), "title"))
        description = get("description", lambda n: self.texts(
            n, "description", _("The description"), "description"))  # fmt: skip
        index = get("index", lambda n: self.texts(n, "index", _("The index's name"), "index"))
        scales = get("scales", self.read_scales)
        subscales = get("subscales", self.read_subscales)
        items = get("items", lambda n: self.read_items(
            n,
            scales if isinstance(scales, dict) else None,
            subscales if isinstance(subscales, tuple) else None,
        ))  # fmt: skip
        if self.problems:
            return None
        # No problem means every part was read: the checks below only tell mypy so.
        assert isinstance(key, str)
        assert isinstance(version, str)
        assert self.languages
        assert isinstance(title, dict)
        assert isinstance(scales, dict)
        assert isinstance(subscales, tuple)
        assert isinstance(items, tuple)
        return Definition(
            key=key,
            version=version,
            languages=self.languages,
            title=title,
            description=description if isinstance(description, dict)
            else dict.fromkeys(self.languages, ""),
            index=index if isinstance(index, dict) else title,
            scales=scales,
            subscales=subscales,
            items=items,
        )  # fmt: skip

    def read_languages(self, node: yaml.Node) -> tuple[str, ...] | None:
        nodes = self.sequence(node, "languages", _("The languages"))
        if nodes is None:
            return None
        codes: list[str] = []
        for code_node in nodes:
            code = self.code(code_node, "languages", _("A language"), LANGUAGE)
            if code is None:
                return None
            if code in codes:
                self.problem(
                    code_node,
                    "languages",
                    _("The language '%(code)s' is listed twice.") % {"code": code},
                )
                return None
            codes.append(code)
        if FALLBACK_LANGUAGE not in codes:
            self.problem(node, "languages", _("The languages must include English (en)."),
                         _("English is shown when a reader's language is missing"))  # fmt: skip
            return None
        return tuple(codes)

    def read_scales(self, node: yaml.Node) -> dict[str, Scale] | None:
        entries = self.mapping_of_names(node, "scales", _("The scales"))
        if entries is None:
            return None
        scales: dict[str, Scale] = {}
        for name, (key_node, value_node) in entries.items():
            scale = self.read_scale(name, key_node, value_node)
            if scale is not None:
                scales[name] = scale
        if len(scales) != len(entries) or not scales:
            return None
        first = next(iter(scales.values()))
        for name, scale in scales.items():
            if (scale.min, scale.max) != (first.min, first.max):
                self.problem(
                    entries[name][0], f"scales.{name}",
                    _("The scale '%(name)s' runs from %(min)d to %(max)d, but '%(first)s' runs "
                      "from %(first_min)d to %(first_max)d.")
                    % {"name": name, "min": scale.min, "max": scale.max, "first": first.key,
                       "first_min": first.min, "first_max": first.max},
                    _("every scale of an instrument shares the same lowest and highest values, "
                      "so that the index (the mean of all items) is on one scale"),
                )  # fmt: skip
        return scales if len({(s.min, s.max) for s in scales.values()}) == 1 else None

    def mapping_of_names(
        self, node: yaml.Node, where: str, what: str
    ) -> dict[str, tuple[yaml.Node, yaml.Node]] | None:
        """A mapping whose keys are names the author chooses (the scales)."""
        if not isinstance(node, yaml.MappingNode) or not node.value:
            self.problem(node, where, _("%(what)s should be a mapping of 'name: value' lines.")
                         % {"what": what}, _("see FORMAT.md for the layout"))  # fmt: skip
            return None
        names = {str(k.value): True for k, _v in node.value if isinstance(k, yaml.ScalarNode)}
        entries = self.mapping(node, where, dict.fromkeys(names, False), what)
        if entries is None:
            return None
        for name, (key_node, _value) in entries.items():
            if not CODE.fullmatch(name):
                self.problem(key_node, where, _("The scale name '%(name)s' is not a valid key.")
                             % {"name": name},
                             _("a letter, then letters, digits or underscores"))  # fmt: skip
        return entries

    def read_scale(self, name: str, key_node: yaml.Node, node: yaml.Node) -> Scale | None:
        where = f"scales.{name}"
        what = _("The scale '%(name)s'") % {"name": name}
        entries = self.mapping(node, where, SCALE_KEYS, what)
        if entries is None or "options" not in entries:
            return None
        options_node = entries["options"][1]
        nodes = self.sequence(options_node, f"{where}.options", _("The options of '%(name)s'")
                              % {"name": name})  # fmt: skip
        if nodes is None:
            return None
        options_key = entries["options"][0]
        if len(nodes) < MIN_OPTIONS:
            self.problem(
                options_key, f"{where}.options",
                _("The scale '%(name)s' has %(n)d options; a scale needs at least %(min)d.")
                % {"name": name, "n": len(nodes), "min": MIN_OPTIONS},
                _("five or more options measure more finely; label each one"),
            )  # fmt: skip
        if len(nodes) > MAX_OPTIONS:
            self.problem(
                options_key, f"{where}.options",
                _("The scale '%(name)s' has %(n)d options; a scale has at most %(max)d.")
                % {"name": name, "n": len(nodes), "max": MAX_OPTIONS},
            )  # fmt: skip
        options: list[Option] = []
        previous: int | None = None
        broken = False
        for number_, option_node in enumerate(nodes, start=1):
            here = f"{where}.options[{number_}]"
            option_what = _("Option %(n)d of '%(name)s'") % {"n": number_, "name": name}
            option = self.mapping(option_node, here, OPTION_KEYS, option_what)
            if option is None:
                previous = None
                continue
            value = (
                self.integer(option["value"][1], f"{here}.value", _("The value"))
                if "value" in option else None
            )  # fmt: skip
            label = (
                self.texts(option["label"][1], f"{here}.label", _("The label"), "label")
                if "label" in option else None
            )  # fmt: skip
            if value is not None and previous is not None and value != previous + 1:
                broken = True
                self.problem(
                    option["value"][1], f"{here}.value",
                    _("The options of '%(name)s' must have consecutive values, lowest first: "
                      "after %(previous)d comes %(expected)d, not %(value)d.")
                    % {"name": name, "previous": previous, "expected": previous + 1,
                       "value": value},
                    _("number the options 1, 2, 3, … (or 0, 1, 2, …) without gaps or repeats"),
                )  # fmt: skip
            # Only the first break in the run is reported: the values after it follow from it.
            previous = None if value is None or broken else value
            if value is not None and label is not None:
                options.append(Option(value=value, label=label))
        if len(options) != len(nodes) or not MIN_OPTIONS <= len(nodes) <= MAX_OPTIONS:
            return None
        values = [o.value for o in options]
        if values != list(range(values[0], values[0] + len(values))):
            return None
        return Scale(key=name, options=tuple(options))

    def read_subscales(self, node: yaml.Node) -> tuple[Subscale, ...] | None:
        nodes = self.sequence(node, "subscales", _("The subscales"))
        if nodes is None:
            return None
        if len(nodes) > MAX_SUBSCALES:
            self.problem(node, "subscales", _("An instrument has at most %(max)d subscales.")
                         % {"max": MAX_SUBSCALES})  # fmt: skip
            return None
        subscales: list[Subscale] = []
        lines: dict[str, int] = {}
        for number_, subscale_node in enumerate(nodes, start=1):
            here = f"subscales[{number_}]"
            entries = self.mapping(subscale_node, here, SUBSCALE_KEYS,
                                   _("Subscale %(n)d") % {"n": number_})  # fmt: skip
            if entries is None:
                continue
            key = (
                self.code(entries["key"][1], f"{here}.key", _("The subscale key"), CODE)
                if "key" in entries else None
            )  # fmt: skip
            what = _("The name of subscale '%(key)s'") % {"key": key or number_}
            name = self.texts(entries["name"][1], f"{here}.name", what, "name") \
                if "name" in entries else None  # fmt: skip
            if key is not None and key in lines:
                self.problem(entries["key"][1], f"{here}.key",
                             _("The subscale key '%(key)s' is used twice (first on line "
                               "%(first)d).") % {"key": key, "first": lines[key]},
                             _("give each subscale its own key"))  # fmt: skip
                continue
            if key is not None:
                lines[key] = _line(entries["key"][1])
                self._subscale_nodes[key] = subscale_node
            if key is not None and name is not None:
                subscales.append(Subscale(key=key, name=name))
        return tuple(subscales) if len(subscales) == len(nodes) else None

    def read_items(
        self,
        node: yaml.Node,
        scales: dict[str, Scale] | None,
        subscales: tuple[Subscale, ...] | None,
    ) -> tuple[Item, ...] | None:
        nodes = self.sequence(node, "items", _("The items"))
        if nodes is None:
            return None
        if len(nodes) > MAX_ITEMS:
            self.problem(node, "items", _("The instrument has %(n)s items; the most is %(max)s.")
                         % {"n": number(len(nodes)), "max": number(MAX_ITEMS)},
                         _("a survey staff answer in a few minutes is far shorter"))  # fmt: skip
            return None
        scale_keys = set(scales) if scales is not None else None
        subscale_keys = [s.key for s in subscales] if subscales is not None else None
        only_scale = next(iter(scale_keys)) if scale_keys and len(scale_keys) == 1 else None
        items: list[Item] = []
        lines: dict[str, int] = {}
        for number_, item_node in enumerate(nodes, start=1):
            item = self.read_item(number_, item_node, scale_keys, subscale_keys, only_scale, lines)
            if item is not None:
                items.append(item)
        if subscales is not None:
            for subscale in subscales:
                count = sum(
                    1 for item_node in nodes if self._subscale_of(item_node) == subscale.key
                )
                if count < MIN_ITEMS_PER_SUBSCALE:
                    self.problem(
                        self._subscale_nodes.get(subscale.key, node), "subscales",
                        _("The subscale '%(key)s' needs at least %(min)d items; it has "
                          "%(n)d.") % {"key": subscale.key, "n": count,
                                       "min": MIN_ITEMS_PER_SUBSCALE},
                        _("one item alone cannot tell its reliability; add items or merge "
                          "the subscale into another"),
                    )  # fmt: skip
        return tuple(items) if len(items) == len(nodes) else None

    @staticmethod
    def _subscale_of(item_node: yaml.Node) -> str | None:
        if isinstance(item_node, yaml.MappingNode):
            for key_node, value_node in item_node.value:
                if getattr(key_node, "value", None) == "subscale":
                    return str(getattr(value_node, "value", ""))
        return None

    def read_item(
        self,
        number_: int,
        node: yaml.Node,
        scale_keys: set[str] | None,
        subscale_keys: list[str] | None,
        only_scale: str | None,
        lines: dict[str, int],
    ) -> Item | None:
        here = f"items[{number_}]"
        entries = self.mapping(node, here, ITEM_KEYS, _("Item %(n)d") % {"n": number_})
        if entries is None:
            return None
        key = (
            self.code(entries["key"][1], f"{here}.key", _("The item key"), CODE)
            if "key" in entries else None
        )  # fmt: skip
        if key is not None:
            here = f"items[{key}]"
            if key in lines:
                self.problem(entries["key"][1], here,
                             _("The item key '%(key)s' is used twice (first on line %(first)d).")
                             % {"key": key, "first": lines[key]},
                             _("give each item its own key"))  # fmt: skip
                key = None
            else:
                lines[key] = _line(entries["key"][1])
        label = key or str(number_)
        subscale = None
        if "subscale" in entries:
            value_node = entries["subscale"][1]
            subscale = self.string(value_node, f"{here}.subscale", _("The subscale"))
            if subscale is not None and subscale_keys is not None and subscale not in subscale_keys:
                self.problem(
                    value_node, f"{here}.subscale",
                    _("Item %(item)s names the subscale '%(subscale)s', which is not one of the "
                      "subscales: %(subscales)s.")
                    % {"item": label, "subscale": subscale, "subscales": ", ".join(subscale_keys)},
                    _nearest(subscale, subscale_keys) or _("add it under 'subscales' first"),
                )  # fmt: skip
                subscale = None
        scale = only_scale
        if "scale" in entries:
            value_node = entries["scale"][1]
            scale = self.string(value_node, f"{here}.scale", _("The scale"))
            if scale is not None and scale_keys is not None and scale not in scale_keys:
                self.problem(
                    value_node, f"{here}.scale",
                    _("Item %(item)s names the scale '%(scale)s', which is not one of the "
                      "scales: %(scales)s.")
                    % {"item": label, "scale": scale, "scales": ", ".join(sorted(scale_keys))},
                    _nearest(scale, scale_keys) or _("add it under 'scales' first"),
                )  # fmt: skip
                scale = None
        elif scale_keys is not None and only_scale is None:
            self.problem(node, here, _("Item %(item)s has no 'scale'.") % {"item": label},
                         _("with more than one scale, each item names its own"))  # fmt: skip
        reverse: bool | None = False
        if "reverse" in entries:
            reverse = self.boolean(entries["reverse"][1], f"{here}.reverse", _("'reverse'"))
        text = (
            self.texts(entries["text"][1], f"{here}.text",
                       _("The text of item %(item)s") % {"item": label}, "text")
            if "text" in entries else None
        )  # fmt: skip
        if key is None or subscale is None or scale is None or reverse is None or text is None:
            return None
        return Item(key=key, subscale=subscale, scale=scale, reverse=reverse, text=text)

"""Loading instruments: a district's own from its YAML, and the ones Efficacy ships.

A row is never changed once a survey window uses it (``Instrument``'s
docstring): the same file loaded twice is one row (its SHA-256, or the same
definition written differently), and a new wording under a version already
loaded is refused with the line to change. Nothing is stored unless the whole
file is valid (:func:`efficacy.voice.instruments.parse`).
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from efficacy.access.instruments import instrument_district_for, require_instrument_loader
from efficacy.audit.models import Action as Audit
from efficacy.audit.services import record
from efficacy.roster.models import District, User
from efficacy.tabular import Problem
from efficacy.voice.instruments import SHIPPED, InstrumentInvalid, parse, top_level_line
from efficacy.voice.models import Instrument

#: The keys of the instruments Efficacy ships begin with this; a district's may not.
RESERVED_PREFIX = "efficacy-"


def instrument_load(
    *, text: str, user: User | None, district: District | None = None, file: str = "instrument.yaml"
) -> Instrument:
    """Store the instrument ``text`` defines for ``district``, or return the row that
    already holds it; raise :class:`InstrumentInvalid` (every problem, with its line).

    ``user`` is the person loading it from the web: they must be allowed to
    (``PermissionDenied`` otherwise), and it goes to their own district. ``None`` is
    the command line, run by a server operator, for any district.
    """
    if user is not None:
        require_instrument_loader(user)
        own = instrument_district_for(user)
        if district is None:
            district = own
        elif own is None or district.pk != own.pk:
            raise PermissionDenied(_("An instrument is loaded for your own district only."))
    definition = parse(text, file=file)
    if district is not None and definition.key.startswith(RESERVED_PREFIX):
        raise InstrumentInvalid([Problem(
            file, top_level_line(text, "key"), "key",
            _("Keys beginning with '%(prefix)s' are kept for the instruments Efficacy ships.")
            % {"prefix": RESERVED_PREFIX},
            _("give your instrument a key of its own, such as 'district-climate'"),
        )])  # fmt: skip
    sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    fields = {"source": text, "sha256": sha256, "definition": definition.to_json(),
              "loaded_by": user}  # fmt: skip
    for _attempt in range(2):
        existing = Instrument.objects.filter(
            district=district, key=definition.key, version=definition.version
        ).first()
        if existing is not None:
            if existing.sha256 == sha256 or existing.definition == fields["definition"]:
                return existing
            raise InstrumentInvalid([Problem(
                file, top_level_line(text, "version"), "version",
                _("Version %(version)s of '%(key)s' is already loaded, with other wording.")
                % {"version": definition.version, "key": definition.key},
                _("a survey may already use that version: give this wording a new version, "
                  "such as '%(version)s.1'") % {"version": definition.version},
            )])  # fmt: skip
        try:
            with transaction.atomic():
                created = Instrument.objects.create(
                    district=district, key=definition.key, version=definition.version, **fields
                )
                record(actor=user, action=Audit.INSTRUMENT_LOADED, target=created,
                       detail={"district": district.pk if district else None,
                               "key": definition.key, "version": definition.version})  # fmt: skip
                return created
        except IntegrityError:
            continue  # loaded at the same moment by someone else: read theirs
    raise RuntimeError("an instrument version could neither be stored nor read")  # pragma: no cover


def shipped_instrument(key: str) -> Instrument:
    """The row of an instrument Efficacy ships (``SHIPPED``), created on first use.

    Its YAML is read from the package; while no survey window uses its version,
    an edited file updates the row (a development draft). Once a window uses it,
    a changed wording must come with a new version: otherwise this raises, for the
    developer who changed the file, never silently rewriting past surveys.
    """
    try:
        path = SHIPPED[key]
    except KeyError:
        raise ValueError(
            f"no instrument ships with key {key!r}; the keys are {', '.join(SHIPPED)}"
        ) from None
    text = path.read_text(encoding="utf-8")
    sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    row = Instrument.objects.filter(district=None, key=key, sha256=sha256).first()
    if row is not None:
        return row
    definition = parse(text, file=path.name)
    if definition.key != key:
        raise ValueError(f"{path.name} says key {definition.key!r}, SHIPPED says {key!r}")
    row = Instrument.objects.filter(district=None, key=key, version=definition.version).first()
    if row is None:
        return instrument_load(text=text, user=None, district=None, file=path.name)
    if row.windows.exists() and row.definition != definition.to_json():
        raise RuntimeError(
            f"{path.name} changed, but version {definition.version} is used by survey windows: "
            "give the new wording a new version"
        )
    row.source, row.sha256, row.definition = text, sha256, definition.to_json()
    row.save(update_fields=["source", "sha256", "definition"])
    return row


def instruments_ship() -> list[Instrument]:
    """Every instrument Efficacy ships, in the database and current (the list page)."""
    return [shipped_instrument(key) for key in SHIPPED]

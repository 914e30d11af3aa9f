"""A survey instrument as loaded: its YAML, exactly as written, and what it says.

An instrument is defined in YAML (the format is documented in
``efficacy/voice/instruments/FORMAT.md``); the ones Efficacy ships live beside
it. A row is never changed once a survey window uses it: a new wording is a new
version, so every past window is read with the items it asked.
"""

from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from efficacy.roster.models import District
from efficacy.voice.instruments import Definition


class Instrument(models.Model):
    """One version of one instrument (``key`` and ``version`` as its YAML names them)."""

    key = models.SlugField(_("key"), max_length=80)
    version = models.CharField(_("version"), max_length=40)
    #: Empty for the instruments Efficacy ships; a district's own (a licensed published
    #: scale, say) belongs to that district.
    district = models.ForeignKey(
        District, null=True, blank=True, on_delete=models.PROTECT, related_name="instruments"
    )
    #: The YAML as it was loaded, and its SHA-256: the same file loaded twice is one row.
    source = models.TextField()
    sha256 = models.CharField(max_length=64)
    #: The parsed, validated definition (items, subscales, scale, labels, languages).
    definition = models.JSONField()
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "key", "version"], name="instrument_version_unique"
            ),
            models.UniqueConstraint(
                fields=["key", "version"],
                condition=models.Q(district__isnull=True),
                name="shipped_instrument_version_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.version}"

    @cached_property
    def parsed(self) -> Definition:
        """What the instrument asks (items, subscales, scales, texts), as a :class:`Definition`."""
        return Definition.from_json(self.definition)

    @property
    def is_shipped(self) -> bool:
        """One of the instruments Efficacy ships (as opposed to a district's own)."""
        return self.district_id is None

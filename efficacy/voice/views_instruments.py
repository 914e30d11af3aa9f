"""The instruments pages: the list a person may use, one instrument's questions, its
YAML, and the form where a school leader or a district administrator loads their own.

Every view fetches through :mod:`efficacy.access.instruments` (another district's
instrument is a 404) and writes through :mod:`efficacy.voice.services.instruments`.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import path
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from efficacy.access.instruments import (
    access_instrument,
    can_load_instrument,
    can_see_instruments,
    instrument_district_for,
    instruments_for,
)
from efficacy.downloads import file_response
from efficacy.tabular import Problems
from efficacy.voice.instruments import Definition, InstrumentInvalid
from efficacy.voice.models import Instrument
from efficacy.voice.services.instruments import instrument_load, instruments_ship


def max_instrument_bytes() -> int:
    return int(settings.EFFICACY_MAX_INSTRUMENT_BYTES)


class InstrumentForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Instrument file (.yaml)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml,text/yaml"}),
    )
    text = forms.CharField(
        label=gettext_lazy("…or paste its YAML"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload is not None and upload.size > max_instrument_bytes():
            raise forms.ValidationError(
                _("This file is %(size)s; an instrument's YAML is at most %(limit)s.")
                % {"size": filesizeformat(upload.size),
                   "limit": filesizeformat(max_instrument_bytes())}
            )  # fmt: skip
        return upload

    def clean_text(self):
        text = self.cleaned_data["text"]
        if len(text.encode("utf-8")) > max_instrument_bytes():
            raise forms.ValidationError(
                _("The pasted YAML is longer than %(limit)s.")
                % {"limit": filesizeformat(max_instrument_bytes())}
            )
        return text

    def yaml(self) -> tuple[str, str] | None:
        """The YAML to load and the name its problems are reported under, or None with
        the reason on the form (no file and nothing pasted, a file that is not UTF-8)."""
        upload = self.cleaned_data["file"]
        if upload is not None:
            try:
                return upload.read().decode("utf-8-sig"), upload.name or "instrument.yaml"
            except UnicodeDecodeError:
                self.add_error("file", _("This file is not UTF-8 text; save it as UTF-8 YAML."))
                return None
        if self.cleaned_data["text"].strip():
            return self.cleaned_data["text"], _("pasted YAML")
        self.add_error("file", _("Choose a YAML file, or paste its text."))
        return None


@login_required
def instruments(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not can_see_instruments(user):
        raise PermissionDenied
    instruments_ship()  # the shipped ones exist, current, before they are listed
    language = get_language() or "en"
    rows = [
        {
            "instrument": i,
            "title": i.parsed.text(i.parsed.title, language),
            "items": len(i.parsed.items),
        }
        for i in instruments_for(user).select_related("district")
    ]
    context = {"rows": rows, "can_load": can_load_instrument(user)}
    return render(request, "voice/instruments.html", context)


@login_required
def instrument(request: HttpRequest, instrument_id: int) -> HttpResponse:
    the_instrument = access_instrument(request.user, instrument_id)
    definition = the_instrument.parsed
    language = get_language() or "en"
    context = {
        "instrument": the_instrument,
        "definition": definition,
        "title": definition.text(definition.title, language),
        "description": definition.text(definition.description, language),
        "index": definition.text(definition.index, language),
        "subscales": _subscales(definition, language),
        "languages": definition.languages,
    }
    return render(request, "voice/instrument.html", context)


def _subscales(definition: Definition, language: str) -> list[dict]:
    """Each subscale with its questions; options shown once when its items share a scale."""
    shown = []
    for subscale in definition.subscales:
        items = definition.items_of(subscale.key)
        shared = len({item.scale for item in items}) == 1
        shown.append({
            "key": subscale.key,
            "name": definition.text(subscale, language),
            "options": definition.options(items[0].key, language) if shared else None,
            "items": [
                {"key": item.key, "text": definition.text(item, language),
                 "reverse": item.reverse,
                 "options": None if shared else definition.options(item.key, language)}
                for item in items
            ],
        })  # fmt: skip
    return shown


@login_required
def instrument_yaml(request: HttpRequest, instrument_id: int) -> HttpResponse:
    """The YAML exactly as loaded: to read, or to start a district's own from."""
    the_instrument = access_instrument(request.user, instrument_id)
    name = f"{the_instrument.key}-{the_instrument.version}.yaml"
    return file_response(the_instrument.source, name, "text/yaml; charset=utf-8")


@login_required
def instrument_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not can_load_instrument(user):
        raise PermissionDenied(
            _("Only a school leader or a district administrator loads an instrument.")
        )
    posted = request.method == "POST"
    form = InstrumentForm(request.POST if posted else None, request.FILES if posted else None)
    problems: Problems | None = None
    if posted and form.is_valid():
        given = form.yaml()
        if given is not None:
            text, name = given
            newest = Instrument.objects.order_by("-pk").values_list("pk", flat=True).first()
            try:
                loaded = instrument_load(text=text, user=user, file=name)
            except InstrumentInvalid as invalid:
                problems = invalid.problems
                # The file's text goes in the box, to be corrected there and checked again.
                form = InstrumentForm({"text": text})
                form.is_valid()
            else:
                if loaded.pk > (newest or 0):
                    messages.success(request, _("Instrument loaded."))
                else:
                    messages.info(
                        request, _("This instrument was already loaded; nothing changed.")
                    )
                return redirect("voice:instrument", instrument_id=loaded.pk)
    status = 400 if posted else 200
    context = {
        "form": form,
        "problems": problems,
        "district": instrument_district_for(user),
        "limit": max_instrument_bytes(),
    }
    return render(request, "voice/instrument_new.html", context, status=status)


urlpatterns = [
    path("instruments/", instruments, name="instruments"),
    path("instruments/new/", instrument_new, name="instrument_new"),
    path("instruments/<int:instrument_id>/", instrument, name="instrument"),
    path("instruments/<int:instrument_id>/yaml/", instrument_yaml, name="instrument_yaml"),
]

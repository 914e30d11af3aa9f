"""Forms of the evidence pages. They only parse input; the services decide.

The grid's cells are not a Django form: their names are ``score-<student>-<occasion>``
and :func:`cell_name` builds them, so the page, the htmx cell and "Save all" agree.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePosixPath
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from efficacy.cycles.evidence.gradebook import LINE_ITEMS, RESULTS
from efficacy.cycles.models import InquiryCycle, Score
from efficacy.tabular import Problems, zip_members
from efficacy.tabular.limits import score_upload_limits


def cell_name(student_id: int, occasion_id: int) -> str:
    return f"score-{student_id}-{occasion_id}"


#: Headings of the class list, by ``entry_rank`` (see ``views._offered_classes``).
CLASS_GROUPS = {
    0: _("Your classes"),
    1: _("Classes of the cycle's courses"),
    2: _("Other classes with students of the cycle"),
}


class ClassChoiceField(forms.ModelChoiceField):
    """One class; grouped under :data:`CLASS_GROUPS` when the queryset carries an
    ``entry_rank`` and more than one group has classes."""

    def label_from_instance(self, obj) -> str:
        return obj.label

    def grouped(self) -> None:
        groups: dict[int, list[tuple[int, str]]] = {}
        for obj in self.queryset:
            rank = getattr(obj, "entry_rank", None)
            if rank is None:
                return
            groups.setdefault(rank, []).append((obj.pk, self.label_from_instance(obj)))
        if len(groups) > 1:
            # Validation still goes through the queryset; only the display is grouped.
            self.choices = [(CLASS_GROUPS[rank], groups[rank]) for rank in sorted(groups)]


def _class_first(fields: dict, classes: QuerySet, **error_messages: str) -> dict:
    """``fields`` after a "class" field choosing one of ``classes``. "class" is the URL's
    word; a Python keyword, so the field is added by name."""
    choose = ClassChoiceField(
        label=_("Class"),
        queryset=classes,
        empty_label=None,
        error_messages={"invalid_choice": _("Choose one of the classes listed."), **error_messages},
    )
    choose.grouped()
    return {"class": choose, **fields}


class GridChoiceForm(forms.Form):
    """Which class and measure the grid shows (GET ``?class=&measure=``)."""

    measure = forms.ModelChoiceField(label=_("Measure"), queryset=None, empty_label=None)

    def __init__(self, *args, cycle: InquiryCycle, classes: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = _class_first(self.fields, classes, required=_("Choose a class."))
        self.fields["measure"].queryset = cycle.measures.all()
        self.fields["measure"].error_messages["invalid_choice"] = _(
            "Choose one of this cycle's measures."
        )


class TemplateForm(forms.Form):
    """The template's class (required) and, optionally, one measure and one occasion."""

    measure = forms.ModelChoiceField(
        label=_("Measure"), queryset=None, required=False, empty_label=_("All measures")
    )
    occasion = forms.ModelChoiceField(
        label=_("Occasion"), queryset=None, required=False, empty_label=_("All occasions")
    )

    def __init__(self, *args, cycle: InquiryCycle, classes: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = _class_first(self.fields, classes)
        self.fields["measure"].queryset = cycle.measures.all()
        self.fields["occasion"].queryset = cycle.occasions.all()


def _check_size(upload) -> None:
    limit = settings.EFFICACY_MAX_SCORE_UPLOAD_BYTES
    if upload.size > limit:
        raise forms.ValidationError(
            gettext("This file is %(size)s; the limit is %(limit)s. Split it into smaller files "
                    "(for example one per class) and upload each.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )  # fmt: skip


class ScoresUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Scores file (.csv or .xlsx)"),
        help_text=_(
            "Columns: student, class, measure, occasion, score. The downloaded template has them."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument"
                ".spreadsheetml.sheet"
            }
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        _check_size(upload)
        if not upload.name.lower().endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError(
                gettext(
                    "“%(name)s” is not a CSV or Excel file. Save it as .csv (UTF-8) or .xlsx "
                    "and upload it again."
                )
                % {"name": upload.name}
            )
        return upload


class GradebookLinkForm(forms.Form):
    line_item = forms.CharField(
        label=_("Gradebook column (lineItem sourcedId)"),
        max_length=255,
        help_text=_("The sourcedId in the first column of lineItems.csv, e.g. li-1."),
    )
    measure = forms.ModelChoiceField(label=_("Measure"), queryset=None, empty_label=None)
    occasion = forms.ModelChoiceField(label=_("Occasion"), queryset=None, empty_label=None)

    def __init__(self, *args, cycle: InquiryCycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].queryset = cycle.measures.all()
        self.fields["occasion"].queryset = cycle.occasions.all()


class GradebookUploadForm(forms.Form):
    """One zip holding lineItems.csv and results.csv, or the two files themselves."""

    export = forms.FileField(
        label=_("Gradebook export (.zip)"),
        required=False,
        help_text=_("A OneRoster 1.1 or 1.2 zip with lineItems.csv and results.csv in it."),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )
    line_items = forms.FileField(
        label=_("Or lineItems.csv"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    results = forms.FileField(
        label=_("and results.csv"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean(self):
        data = super().clean()
        for name in ("export", "line_items", "results"):
            if data.get(name):
                try:
                    _check_size(data[name])
                except forms.ValidationError as error:
                    self.add_error(name, error)
                    return data
        if data.get("export"):
            data["files"] = self._from_zip(data["export"])
        elif data.get("line_items") and data.get("results"):
            data["files"] = (data["line_items"].read(), data["results"].read())
        else:
            raise forms.ValidationError(
                gettext(
                    "Upload the gradebook export as one .zip, or choose both lineItems.csv "
                    "and results.csv."
                )
            )
        return data

    def _from_zip(self, upload) -> tuple[bytes, bytes] | None:
        content = upload.read()
        if not zipfile.is_zipfile(io.BytesIO(content)):
            self.add_error(
                "export",
                gettext("This is not a zip file. Upload the gradebook export as a .zip."),
            )
            return None
        wanted = {LINE_ITEMS.lower(), RESULTS.lower()}
        problems = Problems()
        members = zip_members(
            content,
            upload.name or "export.zip",
            limits=score_upload_limits(),
            problems=problems,
            keep=lambda info: PurePosixPath(info.filename).name.lower() in wanted,
        )
        if members is None:
            self.add_error("export", problems.lines())
            return None
        found: dict[str, bytes] = {}
        for name, data in members.items():
            found.setdefault(PurePosixPath(name).name.lower(), data)
        missing = [n for n in (LINE_ITEMS, RESULTS) if n.lower() not in found]
        if missing:
            self.add_error(
                "export",
                gettext("The zip has no %(files)s. Export the gradebook as OneRoster CSV files.")
                % {"files": gettext(" and ").join(missing)},
            )
            return None
        return found[LINE_ITEMS.lower()], found[RESULTS.lower()]


class DeleteChoiceForm(forms.Form):
    """What to delete: a measure at an occasion, in one class or all of them."""

    measure = forms.ModelChoiceField(label=_("Measure"), queryset=None, empty_label=None)
    occasion = forms.ModelChoiceField(label=_("Occasion"), queryset=None, empty_label=None)

    def __init__(self, *args, cycle: InquiryCycle, classes: QuerySet, all_classes: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.cycle = cycle
        self.fields["measure"].queryset = cycle.measures.all()
        self.fields["occasion"].queryset = cycle.occasions.all()
        # A member deletes only their own classes' scores, so they choose one.
        self.fields["class"] = ClassChoiceField(
            label=_("Class"),
            queryset=classes,
            required=not all_classes,
            empty_label=_("All classes") if all_classes else None,
            error_messages={"invalid_choice": _("Choose one of the classes listed.")},
        )

    def scores(self) -> QuerySet[Score]:
        data = self.cleaned_data
        scores = Score.objects.filter(
            measure__cycle=self.cycle, measure=data["measure"], occasion=data["occasion"]
        )
        if data.get("class") is not None:
            scores = scores.filter(school_class=data["class"])
        return scores

    def what(self) -> str:
        data = self.cleaned_data
        where = data["class"].title if data.get("class") is not None else gettext("all classes")
        return gettext("%(measure)s at %(occasion)s, %(where)s") % {
            "measure": data["measure"].name,
            "occasion": data["occasion"].name,
            "where": where,
        }

    def as_query(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "measure": data["measure"].pk,
            "occasion": data["occasion"].pk,
            "class": data["class"].pk if data.get("class") is not None else "",
        }


class DeleteConfirmForm(DeleteChoiceForm):
    reason = forms.CharField(
        label=_("Why are these scores being deleted?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The team sees the reason in the cycle's deletion history."),
        error_messages={
            "required": _("Say why the scores are being deleted; the team will see it.")
        },
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(
                gettext("Say why the scores are being deleted; the team will see it.")
            )
        return reason

"""The district dashboard's downloads: each table as CSV and XLSX, the evidence as Parquet."""

from __future__ import annotations

import csv
import io
import json
import re

import pandas as pd
import pyarrow.parquet as pq
import pytest
from django.urls import reverse
from openpyxl import load_workbook

from efficacy.analysis import prepost_effect
from efficacy.cycles.models import CycleStatus, InquiryCycle
from efficacy.dashboards import exports
from efficacy.roster.models import Student
from tests.dashboards.district_fixtures import district_cycles

pytestmark = pytest.mark.django_db


def download(client, person, url, **params):
    client.force_login(person)
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response


def test_the_schools_table_downloads_as_csv_with_the_pages_figures(client, world):
    district_cycles(world)
    url = reverse("dashboards:district_export", args=["schools"])
    body = download(client, world.analyst, url, format="csv").content.decode()
    rows = {row[0]: row for row in csv.reader(io.StringIO(body))}
    assert rows["School"][:6] == ["School", "Cycles", "Planning", "Implementing", "Reviewing",
                                  "Closed"]  # fmt: skip
    north = rows["Northview Secondary"]
    # Cycles, by stage, evidence entered (none due: no measure yet), closed with an effect.
    assert north[1:8] == ["5", "1", "0", "0", "4", "", "3"]
    assert float(north[8]) == pytest.approx(0.3)
    assert "Hillcrest Secondary" not in rows


def test_an_export_keeps_the_pages_filters(client, world):
    district_cycles(world)
    url = reverse("dashboards:district_export", args=["cycles"])
    body = download(client, world.analyst, url, format="csv", school=world.school_b.pk)
    rows = list(csv.reader(io.StringIO(body.content.decode())))
    assert [row[2] for row in rows[1:]] == ["Reading aloud"]


def test_every_table_downloads_as_xlsx(client, world):
    district_cycles(world)
    for key in ("schools", "board", "cycles", "school_effects", "efficacy"):
        url = reverse("dashboards:district_export", args=[key])
        response = download(client, world.analyst, url, format="xlsx")
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet.max_row >= 2, key


def test_an_unknown_table_or_format_is_a_404(client, world):
    client.force_login(world.analyst)
    assert client.get(reverse("dashboards:district_export", args=["nope"]),
                      {"format": "csv"}).status_code == 404  # fmt: skip
    assert client.get(reverse("dashboards:district_export", args=["schools"]),
                      {"format": "pdf"}).status_code == 404  # fmt: skip


def test_a_school_leader_downloads_no_district_table(client, world):
    client.force_login(world.leader_a)
    url = reverse("dashboards:district_export", args=["schools"])
    assert client.get(url, {"format": "csv"}).status_code == 403
    assert client.get(reverse("dashboards:district_evidence")).status_code == 403


# --- the Parquet extract -------------------------------------------------------------------


@pytest.fixture
def closed_scored(scored):
    InquiryCycle.objects.filter(pk=scored.pk).update(status=CycleStatus.CLOSED)
    return scored


def read_parquet(content: bytes) -> tuple[pd.DataFrame, dict[bytes, bytes]]:
    table = pq.read_table(io.BytesIO(content))
    return table.to_pandas(), table.schema.metadata


def test_the_evidence_extract_keeps_groups_at_the_threshold_under_a_pseudonym(
    client, world, closed_scored, settings
):
    # 8 focus and 6 comparison students: with a threshold of 7 only the focus group stays.
    settings.EFFICACY_MIN_STUDENT_N = 7
    response = download(client, world.analyst, reverse("dashboards:district_evidence"))
    frame, metadata = read_parquet(response.content)
    assert list(frame.columns) == exports.EXTRACT_COLUMNS
    assert set(frame["group"]) == {"focus"}
    assert frame["student_key"].nunique() == 8
    assert set(frame["school"]) == {"Northview Secondary"}
    dropped = json.loads(metadata[exports.DROPPED_KEY])
    assert dropped == [{"cycle": closed_scored.pk, "school": "Northview Secondary",
                        "group": "comparison"}]  # fmt: skip
    readme = metadata[exports.README_KEY].decode()
    assert "comparison" in readme
    # No size of what was dropped (the cycle's id is there, and may hold a 6).
    assert not re.search(r"\b6\b", readme.split("(cycle, school, group):")[1])
    # No database id, roster id, student number or name is in the file.
    students = Student.objects.filter(scores__measure__cycle=closed_scored).distinct()
    identifying = {str(v) for s in students for v in (s.pk, s.sourced_id, s.identifier,
                                                      s.given_name, s.family_name) if v}  # fmt: skip
    cells = {str(v) for v in frame.astype(str).to_numpy().ravel()}
    assert not identifying & cells
    assert not any(any(name in cell for name in identifying if len(name) > 2) for cell in cells)


def test_the_extract_is_what_efficacy_analysis_reads(client, world, closed_scored, settings):
    from tests.cycles.fixtures import FOCUS_POST, FOCUS_PRE

    settings.EFFICACY_MIN_STUDENT_N = 7
    response = download(client, world.analyst, reverse("dashboards:district_evidence"))
    frame, _metadata = read_parquet(response.content)
    wide = frame.pivot_table(index="student_key", columns="occasion_kind", values="score")
    result = prepost_effect(wide["baseline"], wide["final"], min_n=7)
    expected = prepost_effect(FOCUS_PRE, FOCUS_POST, min_n=7)
    assert result.n == len(FOCUS_PRE)
    assert result.d_av == pytest.approx(expected.d_av)


def test_a_new_download_gives_students_new_keys(client, world, closed_scored, settings):
    settings.EFFICACY_MIN_STUDENT_N = 5
    url = reverse("dashboards:district_evidence")
    first, _m = read_parquet(download(client, world.analyst, url).content)
    second, _m = read_parquet(download(client, world.analyst, url).content)
    assert set(first["student_key"]).isdisjoint(second["student_key"])
    assert set(first["group"]) == {"focus", "comparison"}


def test_the_extract_leaves_out_open_cycles_and_other_districts(client, world, scored, settings):
    settings.EFFICACY_MIN_STUDENT_N = 5
    frame, metadata = read_parquet(
        download(client, world.analyst, reverse("dashboards:district_evidence")).content
    )
    assert frame.empty
    assert json.loads(metadata[exports.DROPPED_KEY]) == []

"""After a bulk write the planner's statistics are fresh (efficacy/database.py): on
PostgreSQL a table just filled is otherwise planned as if it were nearly empty."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from efficacy.access.roster import ROSTER_SCOPE_ALL
from efficacy.database import refresh_statistics
from efficacy.roster.models import Enrollment, Student
from efficacy.roster.oneroster import roster_import
from efficacy.roster.oneroster.generate import district_generate

pytestmark = pytest.mark.django_db


def _planner_rows(model) -> float:
    """The number of rows PostgreSQL's planner believes ``model``'s table holds."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s",
                       [model._meta.db_table])  # fmt: skip
        return cursor.fetchone()[0]


def test_a_roster_import_leaves_the_planner_knowing_how_many_rows_it_wrote(tmp_path):
    source = district_generate(tmp_path / "export", students=60, staff=6, classes=4,
                               enrollments=180)  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        roster_import(source=source, scope=ROSTER_SCOPE_ALL)
    analyzed = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("ANALYZE")]
    if connection.vendor != "postgresql":
        assert analyzed == []  # SQLite plans these queries well from its indexes
        return
    assert len(analyzed) == 1
    assert '"roster_enrollment"' in analyzed[0]
    assert _planner_rows(Enrollment) == Enrollment.objects.count() > 0
    assert _planner_rows(Student) == Student.objects.count() == 60


def test_with_no_model_every_table_is_analyzed(world):
    with CaptureQueriesContext(connection) as queries:
        refresh_statistics()
    sql = [q["sql"] for q in queries.captured_queries]
    assert sql == (["ANALYZE"] if connection.vendor == "postgresql" else [])

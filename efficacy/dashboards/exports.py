"""The district dashboard's downloads: each table as CSV or XLSX, and the evidence of the
filtered closed cycles as Parquet for analysts.

The Parquet extract is the long table ``efficacy analyze`` reads
(:func:`efficacy.cycles.impact.district.district_evidence_frame`): one row per score,
for the focus and comparison groups at or above the reporting threshold, each student
under a key drawn afresh for every file. The file's metadata carries a README (what
the columns are and what was left out) and the groups that were dropped, by cycle and
school, never with their size.
"""

from __future__ import annotations

import io
import json
import secrets
from collections.abc import Mapping
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from django.utils.translation import gettext as _

from efficacy import privacy
from efficacy.access.roster import Person
from efficacy.cycles.impact.district import EXTRACT_COLUMNS, DroppedGroup, district_evidence_frame
from efficacy.dashboards.district import filtered_closed_cycles

PARQUET_TYPE = "application/vnd.apache.parquet"
#: The keys of the extract's metadata.
README_KEY = b"efficacy.readme"
DROPPED_KEY = b"efficacy.dropped"
THRESHOLD_KEY = b"efficacy.min_student_n"


def _readme(min_n: int, dropped: list[DroppedGroup]) -> str:
    lines = [
        _("Evidence of the district's closed inquiry cycles, one row per score."),
        _(
            "Columns: %(columns)s. student_key is a pseudonym valid in this file only: it "
            "pairs a student's scores, and is neither a database nor a roster id; the next "
            "download gives every student another one."
        )
        % {"columns": ", ".join(EXTRACT_COLUMNS)},
        _(
            "Only focus and comparison groups of at least %(n)d students are included; "
            "no name, grade, pathway, class or attribute is."
        )
        % {"n": min_n},
    ]
    if dropped:
        lines.append(_("Groups left out, below the reporting threshold (cycle, school, group):"))
        lines += [f"{d.cycle}, {d.school}, {d.group}" for d in dropped]
    else:
        lines.append(_("No group was left out."))
    return "\n".join(lines)


def evidence_parquet(user: Person, params: Mapping[str, Any]) -> bytes:
    """The Parquet extract of the closed cycles the filters in ``params`` keep."""
    min_n = privacy.min_student_n()
    frame, dropped = district_evidence_frame(
        filtered_closed_cycles(user, params), secret=secrets.token_bytes(32), min_n=min_n
    )
    table = pa.Table.from_pandas(frame, preserve_index=False)
    metadata = {
        **(table.schema.metadata or {}),
        README_KEY: _readme(min_n, dropped).encode(),
        DROPPED_KEY: json.dumps(
            [{"cycle": d.cycle, "school": d.school, "group": d.group} for d in dropped]
        ).encode(),
        THRESHOLD_KEY: str(min_n).encode(),
    }
    out = io.BytesIO()
    pq.write_table(table.replace_schema_metadata(metadata), out)
    return out.getvalue()

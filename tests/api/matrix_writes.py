"""The URL-wide matrix's rows for the API's writes (see ``tests/web/test_url_matrix.py``;
``tests/api/test_writes_matrix.py`` asks the same rows with each person's read-write
token).

Evidence in bulk answers as the evidence upload page: the team's members write (an
empty batch here, under a new external id each time: 201), an analyst who reads the
cycle is refused (403), anyone else finds no cycle (404). The roster import answers as
the Import page: administrators (202, queued), everyone else 403; an import run is an
administrator's of that scope (404 for the others). A retired account is not an
authentication (401), nor is no token.
"""

from __future__ import annotations

import io
import uuid
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.api.matrix_api import api
from tests.web.matrix_base import ADMINS, TEAM, Row, the_cycle, the_run


def a_roster_zip() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("manifest.csv", "propertyName,value\nmanifest.version,1.0\n")
    return SimpleUploadedFile("export.zip", buffer.getvalue(), content_type="application/zip")


ROWS: dict[str, Row] = {
    "api:evidence-batch": Row(
        args=the_cycle,
        method="post",
        content_type="application/json",
        data=lambda w, t: {"external_id": str(uuid.uuid4()), "scores": []},
        answers=api(TEAM, 201, forbidden={"analyst"}),
        anonymous=401,
    ),
    "api:roster-imports": Row(
        method="post",
        data=lambda w, t: {"file": a_roster_zip()},
        answers=api(ADMINS, 202),
        otherwise=403,
        anonymous=401,
    ),
    "api:roster-import": Row(args=the_run, answers=api(ADMINS), anonymous=401),
}


def things(world, made: dict) -> dict:
    return {}

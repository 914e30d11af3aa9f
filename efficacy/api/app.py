"""The one ``NinjaAPI`` of Efficacy: version 1, mounted at ``/api/`` (endpoints under
``/api/v1/``), its OpenAPI schema at ``/api/schema/`` and its documentation (ninja's
Swagger UI, served from our static files) at ``/api/docs/``.

Every operation has a ``url_name`` (``api:<name>``): the audit log names the
student-level ones by it.
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from efficacy.api import problems
from efficacy.api.auth import AUTH
from efficacy.api.ratelimit import ApiRate
from efficacy.api.routers import cycles, practice, roster, surveys, writes


class EfficacyAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        # Every operation may answer a problem: the schema says so (RFC 9457 bodies).
        return problems.document(super().get_openapi_schema(*args, **kwargs))


api = EfficacyAPI(
    title="Efficacy API",
    version="1",
    description=(
        "Read and write Efficacy's data with the same rules as its pages. Authenticate with"
        " a personal access token (`Authorization: Bearer TOKEN`) or a signed-in session."
        " Errors are RFC 9457 problem details; lists are pages of `count`, `next`,"
        " `previous` and `results` (`limit`, at most 1000, and `offset`)."
    ),
    urls_namespace="api",
    openapi_url="/schema/",
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/docs/",
    auth=AUTH,
    throttle=[ApiRate()],
)
problems.install(api)

#: The version every endpoint's path starts with.
PREFIX = "/v1/"

api.add_router(PREFIX, roster.router)
api.add_router(PREFIX, cycles.router)
api.add_router(PREFIX, practice.router)
api.add_router(PREFIX, surveys.router)
api.add_router(PREFIX, writes.router)

"""The REST API (django-ninja): every read and write of the pages, through the same
access layer, with an OpenAPI schema at ``/api/schema/`` and its documentation at
``/api/docs/``."""

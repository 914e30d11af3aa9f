"""Limit/offset pages for every list of the API: ``count``, ``next``, ``previous``
and ``results``, in a stable order (by id).

An endpoint takes ``page: Query[PageParams]`` and answers
``paginate(request, queryset, page, to_item)``; its response schema is
``Page[ItemOut]``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Schema
from pydantic import Field

from efficacy.api.types import MAX_ID

T = TypeVar("T")

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


class PageParams(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="At most this many results.")
    offset: int = Field(0, ge=0, le=MAX_ID, description="Skip this many results first.")


class Page(Schema, Generic[T]):
    count: int = Field(description="How many results there are in all.")
    next: str | None = Field(description="The address of the next page, if any.")
    previous: str | None = Field(description="The address of the previous page, if any.")
    results: list[T]


def each(convert: Callable[[Any], dict[str, Any]]) -> Callable[[Iterable[Any]], list[Any]]:
    """``to_item`` for :func:`paginate` that converts the page's rows one by one."""

    def many(rows: Iterable[Any]) -> list[Any]:
        return [convert(row) for row in rows]

    return many


def _url(request: HttpRequest, limit: int, offset: int) -> str:
    query = request.GET.copy()
    query["limit"] = str(limit)
    query["offset"] = str(offset)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def paginate(
    request: HttpRequest,
    items: QuerySet[Any],
    page: PageParams,
    to_item: Callable[[Iterable[Any]], list[Any]] | None = None,
) -> dict[str, Any]:
    """One page of ``items`` ordered by id; ``to_item`` turns the page's rows into
    results (all at once, so that it can fetch what they need in a few queries)."""
    ordered = items.order_by("pk")
    count = ordered.count()
    rows = list(ordered[page.offset : page.offset + page.limit])
    results = to_item(rows) if to_item is not None else rows
    return _page(request, page, count, results)


def paginate_list(request: HttpRequest, results: list[Any], page: PageParams) -> dict[str, Any]:
    """A page of a list already built in order (figures of a service, not rows)."""
    return _page(request, page, len(results), results[page.offset : page.offset + page.limit])


def _page(request: HttpRequest, page: PageParams, count: int, results: Any) -> dict[str, Any]:
    """The page's answer: the count of all, links to the next and previous pages, its results."""
    following = page.offset + page.limit
    return {
        "count": count,
        "next": _url(request, page.limit, following) if following < count else None,
        "previous": (
            _url(request, page.limit, max(page.offset - page.limit, 0)) if page.offset > 0 else None
        ),
        "results": results,
    }

"""Rate limits of the pages anyone can post to without an account (exit tickets,
the suggestion box): a fixed window per key, counted in the database so that every
server process shares it.

A key is an HMAC of what is limited (``scope`` and the client's address, or a
ticket), keyed with ``SECRET_KEY``: the table never holds an address, so it
cannot be read back into who answered. Rows older than an hour are pruned as
new windows are written.

Usage::

    allowed = hit(scope="ticket-answer", subject=client_ip(request), limit=20, per=60)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from efficacy.voice.models import RateBucket

#: Counters older than this are deleted when a new window starts.
KEEP = dt.timedelta(hours=1)


def _key(scope: str, subject: str) -> str:
    message = f"{scope}\0{subject}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _window_start(now: dt.datetime, per: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(int(now.timestamp()) // per * per, tz=dt.UTC)


def _count(key: str, start: dt.datetime) -> int:
    """Requests counted so far in the window starting at ``start``."""
    count = RateBucket.objects.filter(key=key, window_start=start).values_list("count", flat=True)
    return count.first() or 0


def hit(*, scope: str, subject: str | None, limit: int, per: int) -> bool:
    """Count one request of ``subject`` in ``scope``; False once more than ``limit``
    arrived in the current window of ``per`` seconds."""
    now = timezone.now()
    start = _window_start(now, per)
    key = _key(scope, subject or "unknown")
    updated = RateBucket.objects.filter(key=key, window_start=start).update(count=F("count") + 1)
    if not updated:
        try:
            with transaction.atomic():
                RateBucket.objects.create(key=key, window_start=start, count=1)
        except IntegrityError:  # another process started the window first
            RateBucket.objects.filter(key=key, window_start=start).update(count=F("count") + 1)
        else:
            RateBucket.objects.filter(window_start__lt=now - KEEP).delete()
    return _count(key, start) <= limit


def exceeded(*, scope: str, subject: str | None, limit: int, per: int) -> bool:
    """Whether ``subject`` has already made more than ``limit`` requests in ``scope``'s
    current window, without counting one: for limits that count only failures (wrong
    exit-ticket codes) yet must then refuse every request, right or wrong."""
    start = _window_start(timezone.now(), per)
    return _count(_key(scope, subject or "unknown"), start) > limit

"""Background work of the dashboards: the weekly digest (django-tasks).

``efficacy send_digests`` queues one :func:`digest_send_task` per subscribed person;
a worker (``efficacy worker``) writes and sends it (:func:`efficacy.dashboards.digest.digest_send`).
"""

from __future__ import annotations

from django_tasks import task

from efficacy.dashboards.digest import digest_send
from efficacy.roster.models import User


@task()
def digest_send_task(*, user_id: int, base_url: str) -> None:
    """Send one person's weekly digest (nothing if they are gone, unsubscribed, were
    sent one this week, or have nothing due). Returns nothing: a stored result says
    nothing about the person."""
    user = User.objects.filter(pk=user_id).first()
    if user is not None:
        digest_send(user=user, base_url=base_url)

"""Counters behind the rate limits of the public endpoints (exit tickets, suggestions).

One row per (key, fixed window): ``key`` is a keyed hash of what is limited (an
address, a ticket), never the address itself, so the table cannot be read back
into who answered. Old rows are pruned as new ones are written.
"""

from __future__ import annotations

from django.db import models


class RateBucket(models.Model):
    key = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="one_bucket_per_window")
        ]
        indexes = [models.Index(fields=["window_start"], name="rate_bucket_window")]

    def __str__(self) -> str:
        return f"{self.key} from {self.window_start:%Y-%m-%d %H:%M}"

"""The dashboards' own records: each kind in its module, imported here for Django."""

from efficacy.dashboards.models.digest import DigestSubscription

__all__ = ["DigestSubscription"]

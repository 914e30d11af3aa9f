"""The dashboards' own records: each kind in its module, imported here for Django."""

from efficacy.dashboards.models.digest import DigestSubscription
from efficacy.dashboards.models.reports import Report

__all__ = ["DigestSubscription", "Report"]

"""What the dashboards hold about a staff member, for their data export (:mod:`efficacy.rights`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from efficacy.dashboards.models.digest import DigestSubscription
from efficacy.dashboards.models.reports import Report
from efficacy.rights.collectors import STAFF, Row, register, rows
from efficacy.roster.models import User


@register(STAFF, "digest_settings", _("The person's weekly digest settings."))
def _digest(user: User) -> list[Row]:
    return rows(DigestSubscription.objects.filter(user=user))


@register(STAFF, "reports_requested", _("Reports the person requested (not their contents, which are school figures)."))  # fmt: skip
def _reports(user: User) -> list[Row]:
    return rows(Report.objects.filter(requested_by=user).order_by("pk"), exclude={"html", "pdf"})

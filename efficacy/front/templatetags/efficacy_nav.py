from __future__ import annotations

from django import template

from efficacy.front.navigation import navigation_for

register = template.Library()


@register.inclusion_tag("_nav.html", takes_context=True)
def main_navigation(context) -> dict:
    request = context["request"]
    items = navigation_for(request.user)
    return {"items": items, "current": request.path}

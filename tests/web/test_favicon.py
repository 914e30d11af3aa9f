"""The site's icon: linked from every page and answered at /favicon.ico."""

from __future__ import annotations

from django.templatetags.static import static
from django.urls import reverse


def test_favicon_ico_leads_to_the_sites_icon_instead_of_a_404(client, db):
    response = client.get("/favicon.ico", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == static("favicon.svg")
    assert response["Content-Type"].startswith("image/svg+xml")


def test_every_page_links_its_icon(client, db):
    body = client.get(reverse("login")).content.decode()
    assert f'<link rel="icon" href="{static("favicon.svg")}" type="image/svg+xml">' in body

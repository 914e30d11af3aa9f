"""The API's routers, one per domain: each reads through :mod:`efficacy.access`."""

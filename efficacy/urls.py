from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from efficacy.dashboards import views_home as dashboards_views_home
from efficacy.front import language as front_language

urlpatterns = [
    # Browsers and feed readers ask for /favicon.ico whatever the page links to.
    # Its address is found when asked: collected static files have hashed names.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("favicon.svg"), permanent=True)),
    path("", dashboards_views_home.home, name="home"),
    path("api/", include("efficacy.api.urls")),
    path("accounts/tokens/", include("efficacy.api.urls_tokens")),
    path("accounts/", include("efficacy.front.account_urls")),
    # Sign-in with the school's OpenID Connect provider (django-allauth, only what it needs).
    path("auth/", include("efficacy.front.oidc.urls")),
    # Django's view, keeping a signed-in person's choice on their account.
    path("i18n/setlang/", front_language.set_language, name="set_language"),
    path("", include("efficacy.front.urls")),
    path("", include("efficacy.roster.urls")),
    path("", include("efficacy.cycles.urls")),
    path("", include("efficacy.practice.urls")),
    path("", include("efficacy.voice.urls")),
    path("", include("efficacy.dashboards.urls")),
    path("rights/", include("efficacy.rights.urls")),
    path("audit/", include("efficacy.audit.urls")),
    # /healthz: the database and the background workers, for probes (no sign-in).
    path("", include("efficacy.ops.urls")),
]

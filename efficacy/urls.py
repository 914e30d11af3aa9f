from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from efficacy.front import views as front_views

urlpatterns = [
    # Browsers and feed readers ask for /favicon.ico whatever the page links to.
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
    path("", front_views.home, name="home"),
    path("accounts/", include("efficacy.front.account_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("efficacy.front.urls")),
    path("", include("efficacy.roster.urls")),
    path("", include("efficacy.cycles.urls")),
    path("", include("efficacy.practice.urls")),
    path("", include("efficacy.voice.urls")),
    path("", include("efficacy.dashboards.urls")),
]

from django.urls import include, path

from efficacy.roster import views as roster_views

urlpatterns = [
    path("", roster_views.home, name="home"),
    path("accounts/", include("efficacy.roster.account_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("efficacy.roster.urls")),
    path("", include("efficacy.cycles.urls")),
]

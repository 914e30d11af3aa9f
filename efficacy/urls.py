from django.urls import include, path

from efficacy.front import views as front_views

urlpatterns = [
    path("", front_views.home, name="home"),
    path("accounts/", include("efficacy.front.account_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("efficacy.front.urls")),
    path("", include("efficacy.roster.urls")),
    path("", include("efficacy.cycles.urls")),
]

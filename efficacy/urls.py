from django.urls import include, path

urlpatterns = [
    path("", include("efficacy.roster.urls")),
]

from django.urls import path

from efficacy.roster import views

urlpatterns = [
    path("", views.home, name="home"),
]

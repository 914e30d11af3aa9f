from django.urls import path

from efficacy.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.audit_log, name="log"),
    path("export.<str:fmt>", views.audit_export, name="export"),
]

from django.urls import path

from efficacy.ops import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
]

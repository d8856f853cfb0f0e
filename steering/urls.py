from django.urls import path

from . import views

app_name = "steering"

urlpatterns = [
    path("sturing/", views.overview, name="overview"),
]

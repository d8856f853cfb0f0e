from django.urls import path

from . import views

urlpatterns = [
    path("sturing", views.SteeringView.as_view(), name="sturing"),
]

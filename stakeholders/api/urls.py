from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

# Dutch, plural, kebab-case resource names and no trailing slash, as the API Design Rules ask.
router = SimpleRouter(trailing_slash=False)
router.register("organisaties", views.OrganisationViewSet, basename="organisatie")
router.register("contactpersonen", views.ContactViewSet, basename="contactpersoon")
router.register("interacties", views.InteractionViewSet, basename="interactie")
router.register("relaties", views.RelationViewSet, basename="relatie")
router.register("labels", views.LabelViewSet, basename="label")

urlpatterns = [
    path(
        "organisaties/<int:id>/contactpersonen",
        views.OrganisationContactsView.as_view(),
        name="organisatie-contactpersonen",
    ),
    *router.urls,
]

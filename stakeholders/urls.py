from django.urls import path

from . import views

app_name = "stakeholders"

urlpatterns = [
    path("organisaties/", views.organisation_list, name="organisation-list"),
    path("organisaties/plannen/", views.organisations_plan, name="organisations-plan"),
    path("organisaties/nieuw/", views.organisation_create, name="organisation-create"),
    path("organisaties/<int:pk>/", views.organisation_detail, name="organisation-detail"),
    path("organisaties/<int:pk>/bewerken/", views.organisation_update, name="organisation-update"),
    path("organisaties/<int:pk>/contact-vastleggen/", views.interaction_log, name="interaction-log"),
    path("organisaties/<int:pk>/contactpersonen/nieuw/", views.contact_create, name="contact-create"),
    path("contact-vastleggen/", views.interaction_start, name="interaction-start"),
    path("vervolgacties/<int:pk>/afronden/", views.follow_up_complete, name="follow-up-complete"),
    path("interacties/", views.interaction_list, name="interaction-list"),
    path("contactpersonen/", views.contact_list, name="contact-list"),
    path("contactpersonen/<int:pk>/", views.contact_detail, name="contact-detail"),
    path("contactpersonen/<int:pk>/bewerken/", views.contact_update, name="contact-update"),
    path("contactpersonen/<int:pk>/gegevens.json", views.contact_export, name="contact-export"),
    path("contactpersonen/<int:pk>/wissen/", views.contact_erase, name="contact-erase"),
    path("kaart/", views.map_view, name="map"),
]

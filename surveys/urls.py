from django.urls import path

from . import views, workspace

app_name = "surveys"

urlpatterns = [
    path("s/", views.answer, name="answer"),
    path("s/bedankt/", views.thanks, name="thanks"),
    path("s/<str:token>/", views.redeem, name="redeem"),
    path("enquetes/uitnodigingen/<int:invitation_id>/interview/", views.interview, name="interview"),
    path("enquetes/", views.round_list, name="round-list"),
    path("enquetes/nieuw/", workspace.round_create, name="round-create"),
    path("enquetes/<int:round_id>/", views.round_detail, name="round-detail"),
    path("enquetes/<int:round_id>/bewerken/", workspace.round_update, name="round-update"),
    path("enquetes/<int:round_id>/doelgroep/", workspace.round_target, name="round-target"),
    path("enquetes/<int:round_id>/herinneren/", workspace.round_remind, name="round-remind"),
    path("enquetes/<int:round_id>/sluiten/", workspace.round_close, name="round-close"),
    path("enquetes/<int:round_id>/inplannen/", views.round_schedule, name="round-schedule"),
    path("enquetes/<int:round_id>/resultaten/", views.results, name="results"),
    path("enquetes/<int:round_id>/resultaten.csv", views.results_csv, name="results-csv"),
]

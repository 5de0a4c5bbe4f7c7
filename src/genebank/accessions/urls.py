from django.urls import path

from genebank.accessions import views

app_name = "accessions"
urlpatterns = [
    path("", views.accession_list, name="list"),
    path("export.csv", views.accession_export, name="export"),
    path("new/", views.accession_create, name="create"),
    path("next-number/", views.next_number, name="next_number"),
    path("<int:pk>/", views.accession_detail, name="detail"),
    path("<int:pk>/edit/", views.accession_edit, name="edit"),
    path("<int:pk>/deaccession/", views.accession_deaccession, name="deaccession"),
    path("<int:pk>/history/", views.accession_history_view, name="history"),
    path("missions/", views.mission_list, name="mission_list"),
    path("missions/new/", views.mission_create, name="mission_create"),
    path("missions/<int:pk>/", views.mission_detail, name="mission_detail"),
    path("missions/<int:pk>/edit/", views.mission_edit, name="mission_edit"),
]

from django.urls import path

from genebank.accessions import views

app_name = "accessions"
urlpatterns = [
    path("", views.accession_list, name="list"),
]

from django.urls import path

from genebank.viability import views

app_name = "viability"
urlpatterns = [
    path("due/", views.DueList.as_view(), name="due"),
]

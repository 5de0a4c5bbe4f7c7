from django.urls import path

from genebank.home import views

urlpatterns = [
    path("", views.home, name="home"),
]

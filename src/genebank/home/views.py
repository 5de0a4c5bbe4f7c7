"""The home page: a dashboard of the panels each app registers for it (core.registry)."""

from django.shortcuts import render


def home(request):
    return render(request, "home/home.html")

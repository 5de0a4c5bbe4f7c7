from django.urls import path

from genebank.exchange import views

app_name = "exchange"
urlpatterns = [
    path("import/", views.import_start, name="import_start"),
    path("import/<int:pk>/columns/", views.import_columns, name="import_columns"),
    path("import/<int:pk>/", views.import_preview, name="import_preview"),
    path("import/<int:pk>/problems.csv", views.import_problems_csv, name="import_problems_csv"),
    path("import/<int:pk>/commit/", views.import_commit, name="import_commit"),
    path("import/<int:pk>/discard/", views.import_discard, name="import_discard"),
    path("pdci/", views.pdci_summary, name="pdci_summary"),
]

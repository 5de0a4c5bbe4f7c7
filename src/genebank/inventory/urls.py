from django.urls import path

from genebank.inventory import views

app_name = "inventory"
urlpatterns = [
    path("", views.LotList.as_view(), name="lot_list"),
    path("lots/<int:pk>/", views.lot_detail, name="lot_detail"),
    path("lots/<int:pk>/withdraw/", views.lot_withdraw, name="lot_withdraw"),
    path("lots/<int:pk>/adjust/", views.lot_adjust, name="lot_adjust"),
    path("lots/<int:pk>/move/", views.lot_move, name="lot_move"),
    path("lots/<int:pk>/process/", views.lot_process, name="lot_process"),
    path("receive/<int:accession_pk>/", views.receive, name="receive"),
    path("processing/", views.ProcessingList.as_view(), name="processing"),
    path("locations/", views.location_list, name="location_list"),
    path("locations/add/", views.location_add, name="location_add"),
    path("locations/<int:pk>/", views.location_detail, name="location_detail"),
    path("locations/<int:pk>/add/", views.location_add, name="location_add_inside"),
    path("locations/<int:pk>/move/", views.location_move, name="location_move"),
    path("locations/<int:pk>/readings/", views.location_readings, name="location_readings"),
    path("locations/<int:pk>/stocktake/", views.stocktake_start, name="stocktake_start"),
    path("stocktakes/<int:pk>/", views.stocktake_detail, name="stocktake_detail"),
    path("stocktakes/<int:pk>/reconcile/", views.stocktake_reconcile, name="stocktake_reconcile"),
    path("labels/", views.label_pdf, name="labels"),
    path("scan/", views.scan, name="scan"),
    path("alerts/", views.BelowReserveList.as_view(), name="alerts"),
    path("alerts/moisture/", views.StaleMoistureList.as_view(), name="alerts_moisture"),
    path("alerts/processing/", views.ProcessingOverdueList.as_view(), name="alerts_processing"),
]

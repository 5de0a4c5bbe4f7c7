from django.urls import path

from genebank.inventory import views

app_name = "inventory"
urlpatterns = [
    path("", views.lot_list, name="lot_list"),
    path("lots/<int:pk>/", views.lot_detail, name="lot_detail"),
    path("lots/<int:pk>/withdraw/", views.lot_withdraw, name="lot_withdraw"),
    path("lots/<int:pk>/adjust/", views.lot_adjust, name="lot_adjust"),
    path("locations/", views.location_list, name="location_list"),
    path("locations/<int:pk>/", views.location_detail, name="location_detail"),
    path("alerts/", views.alert_list, name="alerts"),
]

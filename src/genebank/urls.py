"""URL map of genebank."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("genebank.api_urls")),
    path("", include("genebank.home.urls")),
    path("", include("genebank.core.urls")),
    path("accessions/", include("genebank.accessions.urls")),
    path("exchange/", include("genebank.exchange.urls")),
    path("inventory/", include("genebank.inventory.urls")),
    path("viability/", include("genebank.viability.urls")),
]

handler403 = "genebank.core.views.permission_denied"
handler404 = "genebank.core.views.page_not_found"

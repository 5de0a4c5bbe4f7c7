"""The REST API's URL map (version 1)."""

from rest_framework.routers import DefaultRouter

from genebank.accessions.api import AccessionViewSet

app_name = "api"
router = DefaultRouter()
router.register("accessions", AccessionViewSet, basename="accession")
urlpatterns = router.urls

"""The top app: composes the whole (home page, navigation, the demo); no other app imports it."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "genebank.home"
    label = "home"
    verbose_name = _("Home")

    def ready(self):
        from genebank.core.security import exposure_checks
        from genebank.home.demo import demo_password_refusal

        exposure_checks.register(demo_password_refusal)

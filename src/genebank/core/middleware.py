"""Anonymous visitors see only the login page (and static assets, language switching)."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login

OPEN_PREFIXES = ("/login/", "/static/", "/i18n/", "/favicon.ico", "/api/")


class LoginRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated and not request.path.startswith(OPEN_PREFIXES):
            if request.path.startswith(settings.STATIC_URL):
                return self.get_response(request)
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)

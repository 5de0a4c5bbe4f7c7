"""Request middleware: the login wall, and a busy database answered with 503 instead of 500."""

from __future__ import annotations

import logging
import sqlite3

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import OperationalError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

OPEN_PREFIXES = ("/login/", "/static/", "/i18n/", "/favicon.ico", "/api/")
API_PREFIX = "/api/"
RETRY_AFTER_SECONDS = 5

log = logging.getLogger("genebank.database")


class LoginRequiredMiddleware:
    """Anonymous visitors see only the login page (and static assets, language switching)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated and not request.path.startswith(OPEN_PREFIXES):
            if request.path.startswith(settings.STATIC_URL):
                return self.get_response(request)
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)


def database_busy(exc: BaseException) -> bool:
    """Did this error come from waiting too long for another transaction's lock?

    SQLite: SQLITE_BUSY or SQLITE_LOCKED once the busy timeout has passed ("database is
    locked"). PostgreSQL: lock_timeout (LockNotAvailable), a serialization failure or a deadlock,
    after which the same request, sent again, normally succeeds.
    """
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if isinstance(cause, sqlite3.OperationalError):
        code = getattr(cause, "sqlite_errorcode", None)
        if code is not None:
            # Extended result codes (SQLITE_BUSY_SNAPSHOT...) keep the primary code in the low byte.
            return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
        return "locked" in str(cause) or "busy" in str(cause)
    try:
        from psycopg import errors
    except ImportError:  # an installation without the PostgreSQL driver
        return False
    return isinstance(
        cause, errors.LockNotAvailable | errors.SerializationFailure | errors.DeadlockDetected
    )


class DatabaseBusyMiddleware:
    """A write that waited too long for another (a large import) is answered with 503 and
    Retry-After: the user, or the API client, tries again in a moment; nothing broke."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not database_busy(exception):
            return None
        log.warning("database busy: %s %s: %s", request.method, request.path, exception)
        message = _("The database is busy with other work; try again in a moment.")
        if request.path.startswith(API_PREFIX):
            response = JsonResponse({"detail": message}, status=503)
        else:
            response = render(request, "core/busy.html", {"message": message}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

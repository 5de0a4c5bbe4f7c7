"""The security log (failed logins, roles given, changed and switched off) and its log filters.

Imported by the logging configuration before the apps are ready: no models here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from genebank.core.registry import Registry

security_log = logging.getLogger("genebank.security")

# What `genebank serve` asks before it serves on an address other machines reach. An app that
# knows of a danger registers a check (the top app: demo accounts that keep the published
# password); check(host) gives the reason to refuse, translated, or "" to let it serve.
exposure_checks: Registry[Callable[[str], str]] = Registry("checks before serving to others")


@receiver(user_login_failed)
def log_failed_login(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in `credentials`; only the username is logged.
    security_log.warning(
        "login failed: username %r from %s",
        credentials.get("username", ""),
        request.META.get("REMOTE_ADDR", "?") if request is not None else "?",
    )


class ForbiddenWithoutTraceback(logging.Filter):
    """A 403 is a refusal working as designed: one line, not a traceback, in the request log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True

"""The demo's one danger: accounts that keep the published password, refused on the network.

`genebank demo` (management/commands/demo.py) composes each app's own demo data; the demo users
and their password are the accessions app's (accessions.demo). HomeConfig.ready() registers
demo_password_refusal among the checks `genebank serve` runs (core.security.exposure_checks).
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from genebank.accessions.demo import DEMO_PASSWORD, DEMO_USERS


def accounts_with_the_demo_password() -> list[str]:
    """The active demo accounts whose password is still the published one.

    Only the demo usernames are checked: checking a password costs a deliberately slow hash,
    and only `genebank demo` sets this one.
    """
    names = [username for username, _role in DEMO_USERS]
    accounts = get_user_model().objects.filter(username__in=names, is_active=True)
    return sorted(a.username for a in accounts if a.check_password(DEMO_PASSWORD))


def demo_password_refusal(host: str) -> str:
    """Why `genebank serve` must not serve on this host, or "" when no demo password is left."""
    exposed = accounts_with_the_demo_password()
    if not exposed:
        return ""
    return _(
        "Refusing to serve on %(host)s: the demo accounts %(accounts)s still have "
        "the published password 'genebank-demo', which anyone could use. Change "
        "their passwords (genebank changepassword USERNAME) or switch them off, "
        "or serve only on 127.0.0.1. For a real genebank, start from an empty "
        "GENEBANK_DATA_DIR and create the first administrator with "
        "`genebank createsuperuser`."
    ) % {"host": host, "accounts": ", ".join(exposed)}

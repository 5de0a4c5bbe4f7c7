"""Django settings for genebank, read from GENEBANK_* environment variables with safe defaults."""

import os
import secrets
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r}: expected one of 1/0, true/false, yes/no, on/off")


def envlist(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def envint(name: str, default: int, minimum: int = 0) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r}: expected a whole number") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name}={value!r}: expected at least {minimum}")
    return number


def private_dir(path: Path) -> Path:
    """Create a directory only its owner may enter (the database, uploads and key live there)."""
    try:
        path.mkdir(mode=0o700, parents=True)
    except FileExistsError:
        return path  # an existing directory keeps the mode its owner gave it
    os.chmod(path, 0o700)  # mkdir's mode passes through the umask
    return path


def private_file(path: Path) -> None:
    """Create an empty file only its owner may read, unless it exists (SQLite accepts an empty
    file as a new database, and gives its -wal and -shm files the same mode)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass


DATA_DIR = private_dir(Path(os.environ.get("GENEBANK_DATA_DIR") or Path.cwd() / "data").resolve())


def _secret_key() -> str:
    if os.environ.get("GENEBANK_SECRET_KEY"):
        return os.environ["GENEBANK_SECRET_KEY"]
    # Generated once per data dir and kept there, so sessions survive restarts.
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        # Created readable by its owner only, from the first byte.
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = envbool("GENEBANK_DEBUG", False)
ALLOWED_HOSTS = envlist("GENEBANK_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "django_filters",
    "django_tables2",
    "rest_framework",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "genebank.core",
    "genebank.accessions",
    "genebank.exchange",
    "genebank.inventory",
    "genebank.viability",
    "genebank.home",  # the top app: composes the others
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "genebank.core.middleware.LoginRequiredMiddleware",
    "genebank.core.middleware.DatabaseBusyMiddleware",
]

# Content-Security-Policy (django-csp): scripts, styles and images from our own origin only, so
# text that slips into a page as HTML (a collecting site typed as '<img onerror=...>') cannot run.
# No 'unsafe-inline' anywhere: templates carry no <script> blocks, on*= or style= attributes
# (genebank.js reads data-* instead). Leaflet, Bootstrap and Popper set element.style from
# script, which style-src does not govern; img-src allows data: for Leaflet's and Bootstrap's
# inline SVG icons. JSON for scripts comes in json_script blocks, which are data, not code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

ROOT_URLCONF = "genebank.urls"
WSGI_APPLICATION = "genebank.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "genebank.core.context_processors.genebank",
            ],
        },
    },
]


def _database() -> dict:
    url = os.environ.get("GENEBANK_DATABASE_URL")
    if url:
        try:
            config = dj_database_url.parse(url, conn_max_age=60)
        except Exception as exc:  # dj_database_url raises several kinds
            raise ImproperlyConfigured(
                f"GENEBANK_DATABASE_URL is not a database URL: {exc}"
            ) from exc
        if config["ENGINE"] not in (
            "django.db.backends.postgresql",
            "django.db.backends.sqlite3",
        ):
            raise ImproperlyConfigured("GENEBANK_DATABASE_URL must be postgres:// or sqlite://")
        if not config.get("NAME"):
            raise ImproperlyConfigured("GENEBANK_DATABASE_URL names no database (…:5432/NAME)")
        if config["ENGINE"] == "django.db.backends.postgresql":
            config.setdefault("TEST", {})
            if os.environ.get("GENEBANK_TEST_DATABASE_NAME"):
                config["TEST"]["NAME"] = os.environ["GENEBANK_TEST_DATABASE_NAME"]
            return config
    else:
        config = {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "genebank.sqlite3"),
        }
        private_file(DATA_DIR / "genebank.sqlite3")
    # WAL lets readers work while one user writes; the busy timeout makes writers wait their
    # turn instead of failing with "database is locked"; IMMEDIATE takes the write lock at BEGIN
    # so two writers never deadlock upgrading read locks.
    config["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    # Tests use a file (one per test process), not Django's shared-cache in-memory database: in
    # shared-cache mode concurrent writers get "database table is locked" at once instead of
    # waiting, so the concurrency tests could not exercise the locking above.
    config.setdefault("TEST", {}).setdefault(
        "NAME", os.path.join(tempfile.gettempdir(), f"genebank-test-{os.getpid()}.sqlite3")
    )
    return config


DATABASES = {"default": _database()}

# Long work (imports, exports, label batches) runs as tasks queued in the database: no broker to
# install, the same on SQLite and PostgreSQL. `genebank serve` starts a worker beside the server;
# `genebank worker` runs one alone. What each task is doing is kept in genebank.core.models.Job.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Finished jobs (done or failed) are deleted with their result files after this many days.
JOB_RETENTION_DAYS = envint("GENEBANK_JOB_RETENTION_DAYS", 30, minimum=1)
# An MCPD export of the accession list with more rows than this runs as a job; so does a print of
# more labels than GENEBANK_LABEL_JOB_LABELS. Smaller ones download at once.
EXPORT_JOB_ROWS = envint("GENEBANK_EXPORT_JOB_ROWS", 20_000, minimum=1)
LABEL_JOB_LABELS = envint("GENEBANK_LABEL_JOB_LABELS", 500, minimum=1)
# SQLite page cache (MB) while an MCPD import writes: with the default 2 MB the import writes
# index pages to the write-ahead log and reads them back within its transaction. A laptop short
# of memory may set it lower.
IMPORT_CACHE_MB = envint("GENEBANK_IMPORT_CACHE_MB", 192, minimum=2)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Checked by every service that sets a password (genebank.core.services) and the password page.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("ar", _("Arabic"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("GENEBANK_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns when it is missing
STATICFILES_DIRS = [BASE_DIR / "static"]


def _xstatic_dirs() -> list[tuple[str, str]]:
    # Third-party assets come from their PyPI packages, installed with the app, never a CDN.
    import xstatic.pkg.bootstrap
    import xstatic.pkg.leaflet

    return [
        ("bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
        ("leaflet", xstatic.pkg.leaflet.BASE_DIR),
    ]


STATICFILES_DIRS += _xstatic_dirs()
# Served from the finders: no collectstatic step for a laptop install.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

MEDIA_ROOT = DATA_DIR / "uploads"
# Uploaded files hold unpublished passport data: readable by the genebank's own user only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Uploads: a file larger than GENEBANK_MAX_UPLOAD_MB is refused while it arrives (200,000
# accessions are about 40 MB as XLSX); file parts beyond 2.5 MB go to a temporary file, and a
# request body without files stays at Django's 2.5 MB.
try:
    MAX_UPLOAD_BYTES = int(os.environ.get("GENEBANK_MAX_UPLOAD_MB") or 200) * 1024 * 1024
except ValueError:
    raise ImproperlyConfigured("GENEBANK_MAX_UPLOAD_MB must be a whole number of MB") from None
DATA_UPLOAD_MAX_MEMORY_SIZE = FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_HANDLERS = [
    "genebank.core.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
# History pages read a record's rows by its id and sort those few: no index on the date
# (see genebank.core.audit).
SIMPLE_HISTORY_DATE_INDEX = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "forbidden_without_traceback": {
            "()": "genebank.core.security.ForbiddenWithoutTraceback",
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        # Each 403 as one line: a refusal is the permission table working, not a fault.
        "django.request": {"filters": ["forbidden_without_traceback"]},
        # Failed logins; roles given, changed, switched off; passwords changed.
        "genebank.security": {"level": "INFO"},
    },
}

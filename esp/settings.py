"""Django settings for ESP Tracker, read from the environment (see .env.example)."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("ESP_VAR_DIR", Path.cwd() / "var"))

DEBUG = os.environ.get("ESP_DEBUG", "") == "1"
# The development key is public (it is in this file): esp/wsgi.py refuses to serve with it
# unless ESP_DEBUG=1, and `esp check` reports it.
DEVELOPMENT_SECRET_KEY = "esp-insecure-development-key-set-ESP_SECRET_KEY"
SECRET_KEY = os.environ.get("ESP_SECRET_KEY") or DEVELOPMENT_SECRET_KEY
ALLOWED_HOSTS = [
    h for h in os.environ.get("ESP_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]

INSTALLED_APPS = [
    "esp.audit.apps.AuditedAdminConfig",  # django.contrib.admin, audited
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "django_htmx",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "esp.accounts",
    "esp.audit",
    "esp.programs",
    "esp.roster",
    "esp.progress",
    "esp.reports",
    "esp.mailing",
    "esp.web",
    "esp.attendance",
    "esp.api",
    "esp.selfreport",
    "esp.accountability",
    "esp.certification",
    "esp.callqueue",
    "esp.tbt",
    "esp.operations",
    "esp.playbooks",
    "esp.upkeep",
    "esp.breakouts",
    "esp.classrooms",
    "esp.pace",
]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "esp.api.authentication.ExpiringTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["esp.api.permissions.MatrixPermission"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ESP Tracker API",
    "DESCRIPTION": "Classes, agents, task statuses, notes, calls, ladder steps, attendance and "
    "the reports of the ESP Tracker specification (§15). Session or token authentication; "
    "every answer is limited to what the signed-in user may see.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "esp.lib.headers.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "esp.access.matrix.RouteAccessMiddleware",
    "esp.accounts.middleware.SessionLifetimeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "esp.lib.textcheck.TextRefusedMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # login throttling (django-axes)
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("ESP_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = 0.25  # hours: locked out for 15 minutes
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# the sign-in page, saying the account is locked and until when (issue 17 items 8, 9)
AXES_LOCKOUT_CALLABLE = "esp.accounts.views.sign_in_locked"
# A stale form's 403 in the site's layout, not Django's plain page (issue 17 item 8).
CSRF_FAILURE_VIEW = "esp.web.views.csrf_failure"

ROOT_URLCONF = "esp.urls"
WSGI_APPLICATION = "esp.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "esp.web.context.navigation",
                "esp.lib.headers.csp_nonce",
            ],
        },
    },
]


def _database() -> dict:
    url = os.environ.get("ESP_DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=60)
    else:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        config = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(VAR_DIR / "esp.sqlite3")}
    if config["ENGINE"].endswith("sqlite3"):
        # Every transaction takes the write lock when it begins (BEGIN IMMEDIATE), so a
        # writer waits its turn instead of failing when it upgrades from reading; a writer
        # waits up to ESP_SQLITE_TIMEOUT seconds for the lock (imports commit in batches).
        # A page cache of up to 64 MB per connection (SQLite's default is 2 MB): a season's
        # pages read from memory, not asked of the OS again (issue 14: 3-5% of a Today).
        config["OPTIONS"] = {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": float(os.environ.get("ESP_SQLITE_TIMEOUT", "20")),
        }
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("ESP_TIME_ZONE", "America/Chicago")
USE_I18N = False
USE_TZ = True
DATE_FORMAT = "m/d/Y"
SHORT_DATE_FORMAT = "m/d/Y"
DATETIME_FORMAT = "m/d/Y g:i A"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise serves from the finders too
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LOGIN_URL = "/sign-in/"
LOGIN_REDIRECT_URL = "/"
ESP_BASE_URL = os.environ.get("ESP_BASE_URL", "http://127.0.0.1:8000")
# Proof files live outside the web root, served only through a permission-checked view.
ESP_PROOF_DIR = os.environ.get("ESP_PROOF_DIR", str(VAR_DIR / "proofs"))
FILE_UPLOAD_PERMISSIONS = 0o600
# An image proof larger than this many pixels is refused from its header, before decoding
# (a 5K screenshot is 14.7 million; 25 million decoded take about 100 MB).
ESP_PROOF_MAX_PIXELS = int(os.environ.get("ESP_PROOF_MAX_PIXELS", "25000000"))
# R-C5 (issue 15 item 2): the first scorecard workbook goes at once; a re-score after it is
# held this many minutes, and every re-score within them goes in that one corrected workbook.
ESP_RESCORE_WINDOW_MINUTES = int(os.environ.get("ESP_RESCORE_WINDOW_MINUTES", "10"))
# The largest certifier's scorecard (.xlsx) the coordinator may upload for an agent.
ESP_SCORECARD_MAX_BYTES = int(os.environ.get("ESP_SCORECARD_MAX_BYTES", str(10 * 1_000_000)))

# Sessions end after 30 idle minutes and 12 hours in all. The 30 minutes are renewed by a
# request at most every ESP_SESSION_REFRESH_SECONDS (esp.accounts.middleware), not on every
# request: a page view writes nothing, so pages keep answering while an import holds SQLite's
# write lock (issue 14; docs/decisions-h-pages.md). A session thus ends between 25 and 30
# minutes after its last request.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = False
ESP_SESSION_REFRESH_SECONDS = 5 * 60
ESP_SESSION_MAX_SECONDS = 12 * 60 * 60
SESSION_COOKIE_SAMESITE = "Lax"

# API tokens stop working this many days after they are created (issue 12 item 8).
ESP_API_TOKEN_DAYS = int(os.environ.get("ESP_API_TOKEN_DAYS", "90"))

# Mail: SMTP when ESP_SMTP_HOST is set, else each message is written to a file in var/mail/.
if os.environ.get("ESP_SMTP_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["ESP_SMTP_HOST"]
    EMAIL_PORT = int(os.environ.get("ESP_SMTP_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("ESP_SMTP_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("ESP_SMTP_PASSWORD", "")
    EMAIL_USE_TLS = os.environ.get("ESP_SMTP_TLS", "").lower() in ("1", "true", "yes", "starttls")
    EMAIL_USE_SSL = os.environ.get("ESP_SMTP_TLS", "").lower() == "ssl"
    EMAIL_TIMEOUT = int(os.environ.get("ESP_SMTP_TIMEOUT", "30"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = os.environ.get("ESP_MAIL_FROM", "ESP Tracker <esp-tracker@localhost>")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Production behind a TLS-terminating proxy (README, "Running in production"): ESP_SECURE=1
# sends every request to HTTPS, marks the cookies secure and asks browsers to use HTTPS only.
# The proxy must set X-Forwarded-Proto (and strip it from what clients send).
ESP_SECURE = os.environ.get("ESP_SECURE", "").lower() in ("1", "true", "yes")
if ESP_SECURE:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("ESP_HSTS_SECONDS", str(365 * 24 * 60 * 60)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Errors go to standard error (gunicorn's and the worker's log): a 500 with its traceback,
# the request path and the user id (esp.lib.logs.RequestContextFilter), each failed send.
LOG_LEVEL = os.environ.get("ESP_LOG_LEVEL", "WARNING").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "esp.lib.logs.RequestContextFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "plain",
            "level": LOG_LEVEL,
        },
    },
    "root": {"handlers": ["stderr"], "level": LOG_LEVEL},
    "loggers": {"django.request": {"filters": ["request_context"]}},
}

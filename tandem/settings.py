"""Django settings for Tandem, read from the environment (see tandem/env.py)."""

import os
from pathlib import Path

import dj_database_url

from tandem.env import data_dir, env_bool, env_int, env_str, secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = data_dir()
NODE_MODULES = BASE_DIR / "node_modules"

SECRET_KEY = secret_key(DATA_DIR)
DEBUG = env_bool("TANDEM_DEBUG", False)
ALLOWED_HOSTS = env_str("TANDEM_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver,[::1]").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in env_str("TANDEM_CSRF_TRUSTED_ORIGINS").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",
    "tandem.core",
    "tandem.access",
    "tandem.sales",
    "tandem.activities",
    "tandem.partners",
    "tandem.messaging",
    "tandem.assignment",
    "tandem.channel",
    "tandem.reports",
    "tandem.pipeline",
    "tandem.calendar_app",
    "tandem.dashboards",
    "tandem.forecasts",
    "tandem.feed",
    "tandem.web",
    "tandem.setup",
    "tandem.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tandem.web.language.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tandem.web.accounts.MustChangePasswordMiddleware",
]

ROOT_URLCONF = "tandem.urls"
WSGI_APPLICATION = "tandem.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tandem" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tandem.web.context.navigation",
            ],
        },
    }
]


def _database() -> dict:
    url = env_str("DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=env_int("TANDEM_DB_CONN_MAX_AGE", 60))
        config.setdefault("OPTIONS", {})
        return config
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "tandem.sqlite3",
        # WAL lets the web server and the worker read while one of them writes.
        "OPTIONS": {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
        },
        # A file, not memory: concurrency tests need real locking between connections.
        # One per test process, so parallel runs never share it.
        "TEST": {"NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")},
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "access.User"
AUTHENTICATION_BACKENDS = ["tandem.access.auth.EmailBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
# Each language in its own name, so people find theirs whatever the page's language.
LANGUAGES = [
    ("en", "English"),
    ("it", "Italiano"),
    ("pt-br", "Português (Brasil)"),
    ("zh-hans", "简体中文"),
]
LOCALE_PATHS = [BASE_DIR / "tandem" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [
    BASE_DIR / "tandem" / "static",
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/alpinejs", NODE_MODULES / "alpinejs" / "dist"),
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/chart.js", NODE_MODULES / "chart.js" / "dist"),
    ("vendor/sortablejs", NODE_MODULES / "sortablejs"),
]
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "uploads"
MEDIA_URL = "/media/"

# Email: every message is kept in the Outbox (Setup), then delivered by SMTP when
# EMAIL_HOST is set; without it (the demo) email stays in the Outbox only.
EMAIL_BACKEND = "tandem.messaging.backends.OutboxBackend"
EMAIL_HOST = env_str("EMAIL_HOST")
TANDEM_EMAIL_DELIVERY_BACKEND = env_str(
    "TANDEM_EMAIL_DELIVERY_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "",
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Tandem <noreply@tandem.local>")

TASKS = {
    "default": {
        "BACKEND": env_str("TANDEM_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tandem.api.auth.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "tandem.api.pagination.CursorlessPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "tandem.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tandem API",
    "DESCRIPTION": "REST API for Tandem CRM. Every response passes through the same access rules as the pages.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "ENUM_NAME_OVERRIDES": {
        "OrgWideDefaultEnum": "tandem.access.models.OWD_CHOICES",
        "ShareTargetKindEnum": "tandem.access.models.TARGET_KINDS",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("TANDEM_LOG_LEVEL", "WARNING")},
}

"""Django settings for Omvärld: one file, every value read from the environment.

See ``omvarld.lib.env`` for the helpers; each call documents its variable, and the README lists
them all.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from omvarld.lib.env import envbool, envint, envsecret, envstr
from omvarld.lib.programme import read_look

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(envstr("OMVARLD_DATA_DIR", "var", "Folder for the SQLite database, collected static files and backups")).resolve()

DEBUG = envbool("DEBUG", False, "Show detailed error pages; never in production")
_INSECURE_KEY = "insecure-development-key-change-me"
SECRET_KEY = envsecret("SECRET_KEY", _INSECURE_KEY, "Signs sessions, sign-in links and unsubscribe tokens")
if envbool("OMVARLD_PRODUCTION", False, "Refuse to start with an unsafe configuration (weak SECRET_KEY, DEBUG on)"):
    if SECRET_KEY == _INSECURE_KEY or len(SECRET_KEY) < 32:
        raise ImproperlyConfigured(
            "SECRET_KEY is missing or weak: set it to a random string of at least 32 characters, "
            "e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
        )
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off when OMVARLD_PRODUCTION is on.")

ALLOWED_HOSTS = [h.strip() for h in envstr("ALLOWED_HOSTS", "127.0.0.1,localhost", "Comma-separated host names the site answers to").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in envstr("CSRF_TRUSTED_ORIGINS", "", "Comma-separated origins (https://example.org) trusted for form posts behind a proxy").split(",") if o.strip()]
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000", "The site's public address, used in emails and feeds").rstrip("/")
SITE_NAME = envstr("SITE_NAME", "Omvärld", "Name shown in the header, emails and feeds (set per programme)")
# A programme profile gives the site its name, tagline, logo and colours (MISSION M12).
PROFILE_FILE = envstr("OMVARLD_PROFILE", "", "Programme profile (YAML) whose name, tagline, logo and colours the site shows; written by `omvarld new-programme`")
PROGRAMME = read_look(PROFILE_FILE) if PROFILE_FILE else {}
if PROGRAMME and not os.environ.get("SITE_NAME"):
    SITE_NAME = PROGRAMME["name"]
PORT = envint("PORT", 8000, "Port that `omvarld serve` listens on")
WEB_WORKERS = envint("WEB_WORKERS", 2, "Number of gunicorn worker processes for `omvarld serve`")

# The "what's new" window (MISSION M6): items added or updated within it are flagged.
NEW_DAYS = envint("OMVARLD_NEW_DAYS", 30, "Days an added or updated item stays flagged new/updated")
# Sign-in (MISSION X2): emailed links expire and work once; failed tries are limited per user name.
SIGNIN_LINK_MINUTES = envint("OMVARLD_SIGNIN_LINK_MINUTES", 30, "Minutes an emailed sign-in link stays valid")
INVITE_DAYS = envint("OMVARLD_INVITE_DAYS", 7, "Days the sign-in link in an invitation stays valid")
SIGNIN_MAX_FAILURES = envint("OMVARLD_SIGNIN_MAX_FAILURES", 5, "Failed sign-ins per user name within 15 minutes before further tries are refused")
# Tests point fetching at a local server; production must never reach loopback or private ranges.
DIGEST_PLAN_INTERVAL = envint("OMVARLD_DIGEST_PLAN_INTERVAL", 60, "Seconds between a worker's passes that plan due digests and queue their sending")
FETCH_ALLOW_LOOPBACK = envbool("OMVARLD_FETCH_ALLOW_LOOPBACK", False, "Allow fetching from 127.0.0.1 (tests only)")
# Monitoring (omvarld.monitoring): limits of each fetch and of the scheduler.
FETCH_MAX_MB = envint("OMVARLD_FETCH_MAX_MB", 10, "Largest response body read from a source, in MB after decompression")
FETCH_TIMEOUT = envint("OMVARLD_FETCH_TIMEOUT", 30, "Seconds one fetch may take in total")
FETCH_CONNECT_TIMEOUT = envint("OMVARLD_FETCH_CONNECT_TIMEOUT", 10, "Seconds to wait for a source's server to accept the connection")
FETCH_CONCURRENCY = envint("OMVARLD_FETCH_CONCURRENCY", 8, "Fetches one worker runs at the same time")
FETCH_PER_HOST = envint("OMVARLD_FETCH_PER_HOST", 1, "Fetches from one host (host:port) at the same time, across all workers")
FETCH_HOST_DELAY_MS = envint("OMVARLD_FETCH_HOST_DELAY_MS", 1000, "Pause between two fetches from the same host in one worker, in milliseconds")
FETCH_MAX_ERRORS = envint("OMVARLD_FETCH_MAX_ERRORS", 10, "Failed fetches in a row after which a source is paused")
FETCH_FULLTEXT_PER_FETCH = envint("OMVARLD_FETCH_FULLTEXT", 5, "Teaser entries per fetch whose full article text is fetched and extracted (0: none)")
OPML_MAX_OUTLINES = envint("OMVARLD_OPML_MAX_OUTLINES", 2000, "Most outlines (feeds and folders) an imported OPML list may have; a longer list is refused whole")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks_db",
    "omvarld.core",
    "omvarld.accounts",
    "omvarld.catalogue",
    "omvarld.editorial",
    "omvarld.demo",
    "omvarld.subscriptions",
    "omvarld.monitoring",
    "omvarld.newsdesk",
    "omvarld.api",
    "omvarld.personal",
    "omvarld.trends",
    "omvarld.analytics",
    "omvarld.atlas",
    "omvarld.events",
    "omvarld.webinars",
    "omvarld.partnerships",
    "omvarld.ambassadors",
    "omvarld.panel",
    "omvarld.surveys",
    "omvarld.programmes",
    "omvarld.glossary",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "omvarld.api.http_cache.CachedAnswersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "omvarld.urls"
WSGI_APPLICATION = "omvarld.wsgi.application"

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
                "django.template.context_processors.i18n",
                "omvarld.core.context_processors.site",
                "omvarld.accounts.context_processors.capabilities",
                "omvarld.programmes.context_processors.look",
            ],
        },
    },
]

_SQLITE_URL = f"sqlite:///{DATA_DIR / 'omvarld.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", "", "Database; empty means SQLite in OMVARLD_DATA_DIR, postgres://user:pass@host/db selects PostgreSQL")
        or _SQLITE_URL,
        conn_max_age=envint("DB_CONN_MAX_AGE", 60, "Seconds a PostgreSQL connection is kept open between requests"),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets readers proceed while the worker writes; IMMEDIATE transactions take the write
    # lock up front so two writers queue on the busy timeout instead of failing with
    # "database is locked" half-way through.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    # Tests use a file too, not Django's shared in-memory database: its table locks fail at once
    # instead of waiting out the busy timeout, so tests of the threaded fetcher would see
    # "database table is locked" that production never does.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = envstr("TIME_ZONE", "Europe/Stockholm", "Time zone for dates shown and for digest send times")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 3600

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "catalogue:home"
LOGOUT_REDIRECT_URL = "catalogue:home"

TASKS = {
    "default": {
        "BACKEND": envstr("TASKS_BACKEND", "django_tasks_db.DatabaseBackend", "Background task backend (django_tasks_db.DatabaseBackend, or django.tasks.backends.immediate.ImmediateBackend)"),
    }
}

DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "Omvärld <omvarld@localhost>", "Sender address of all mail")
MAILERS = {
    "default": {
        "BACKEND": envstr("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend", "Django mail backend; django.core.mail.backends.console.EmailBackend prints mail instead of sending"),
        "OPTIONS": {
            "host": envstr("EMAIL_HOST", "127.0.0.1", "SMTP server for outgoing mail"),
            "port": envint("EMAIL_PORT", 25, "SMTP port"),
            "username": envstr("EMAIL_HOST_USER", "", "SMTP user name"),
            "password": envsecret("EMAIL_HOST_PASSWORD", "", "SMTP password"),
            "use_tls": envbool("EMAIL_USE_TLS", False, "Use STARTTLS to the SMTP server"),
            "timeout": 30,
        },
    }
}
if MAILERS["default"]["BACKEND"] != "django.core.mail.backends.smtp.EmailBackend":
    MAILERS["default"]["OPTIONS"] = {}

# Email subscriptions and digests (omvarld.subscriptions)
SUBSCRIPTIONS_DIGEST_HOUR = envint("SUBSCRIPTIONS_DIGEST_HOUR", 7, "Local hour (TIME_ZONE) at which daily digests, and on Mondays weekly ones, are due")
SUBSCRIPTIONS_BATCH_SIZE = envint("SUBSCRIPTIONS_BATCH_SIZE", 200, "Mails per background sending task")
SUBSCRIPTIONS_DOMAIN_RATE = envint("SUBSCRIPTIONS_DOMAIN_RATE", 300, "Most mails per minute to one recipient domain, per sending process")
SUBSCRIPTIONS_SEND_THREADS = envint("SUBSCRIPTIONS_SEND_THREADS", 1, "SMTP connections `omvarld send-digests` sends over at once (background workers each use one)")
SUBSCRIPTIONS_SEND_LEASE = envint("SUBSCRIPTIONS_SEND_LEASE", 600, "Seconds after which a mail claimed by a worker that died is sent again")
SUBSCRIPTIONS_CONFIRM_HOURS = envint("SUBSCRIPTIONS_CONFIRM_HOURS", 48, "Hours a confirmation link stays valid; meanwhile no second one is sent to the address")
SUBSCRIPTIONS_ADDRESS_LIMIT = envint("SUBSCRIPTIONS_ADDRESS_LIMIT", 3, "Most confirmation mails to one address per day")
SUBSCRIPTIONS_IP_LIMIT = envint("SUBSCRIPTIONS_IP_LIMIT", 20, "Most subscribe requests from one client IP address per hour")
SUBSCRIPTIONS_BOUNCE_TOKEN = envsecret("SUBSCRIPTIONS_BOUNCE_TOKEN", "", "Bearer token for POST /subscriptions/bounces/ (bounce and complaint reports); empty turns the endpoint off")

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", False, "Send the session cookie over HTTPS only")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO", "Log level: DEBUG, INFO, WARNING, ERROR")},
}

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
PRODUCTION = envbool("OMVARLD_PRODUCTION", False, "Refuse to start with an unsafe configuration: weak SECRET_KEY, DEBUG on, ALLOWED_HOSTS=*, an http:// SITE_URL, loopback fetching, insecure cookies; turns HTTPS redirect and HSTS on")
if PRODUCTION:
    if SECRET_KEY == _INSECURE_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured(
            "SECRET_KEY is missing or weak: set it to a random string of at least 50 characters, "
            "e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
        )
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off when OMVARLD_PRODUCTION is on.")

ALLOWED_HOSTS = [h.strip() for h in envstr("ALLOWED_HOSTS", "127.0.0.1,localhost", "Comma-separated host names the site answers to").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in envstr("CSRF_TRUSTED_ORIGINS", "", "Comma-separated origins (https://example.org) trusted for form posts behind a proxy").split(",") if o.strip()]
# A programme profile gives the site its name, tagline, logo and colours (MISSION M12).
PROFILE_FILE = envstr("OMVARLD_PROFILE", "", "Programme profile (YAML) whose name, tagline, logo and colours the site shows; written by `omvarld new-programme`")
PROGRAMME = read_look(PROFILE_FILE) if PROFILE_FILE else {}
PORT = envint("PORT", 8000, "Port that `omvarld serve` listens on")
# Absolute links (mails, feeds, the API, embed snippets) point here; unset, to where `omvarld serve` listens.
SITE_URL = (envstr("SITE_URL", "", "The site's public address, used in emails, feeds, the API and embed snippets; unset: http://127.0.0.1:PORT").rstrip("/")
            or f"http://127.0.0.1:{PORT}")
SITE_NAME = envstr("SITE_NAME", "Omvärld", "Name shown in the header, emails and feeds (set per programme)")
if PROGRAMME and not os.environ.get("SITE_NAME"):
    SITE_NAME = PROGRAMME["name"]
WEB_WORKERS = envint("WEB_WORKERS", 2, "Number of web server worker processes for `omvarld serve`")
WEB_THREADS = envint("WEB_THREADS", 8, "Python threads per web server process that run requests (`omvarld serve`)")
WEB_HEADER_TIMEOUT = envint("WEB_HEADER_TIMEOUT", 10, "Seconds a client has to send its request headers before `omvarld serve` closes the connection")

# The "what's new" window (MISSION M6): items added or updated within it are flagged.
NEW_DAYS = envint("OMVARLD_NEW_DAYS", 30, "Days an added or updated item stays flagged new/updated")
# Sign-in (MISSION X2): emailed links expire and work once; failed tries are limited per user name.
SIGNIN_LINK_MINUTES = envint("OMVARLD_SIGNIN_LINK_MINUTES", 30, "Minutes an emailed sign-in link stays valid")
INVITE_DAYS = envint("OMVARLD_INVITE_DAYS", 7, "Days the sign-in link in an invitation stays valid")
SIGNIN_MAX_FAILURES = envint("OMVARLD_SIGNIN_MAX_FAILURES", 5, "Failed sign-ins for one user name from one client address within 15 minutes before that address's further tries are refused")
SIGNIN_MAX_ACCOUNT_FAILURES = envint("OMVARLD_SIGNIN_MAX_ACCOUNT_FAILURES", 50, "Failed sign-ins for one user name from all addresses within 15 minutes before password sign-in to it pauses (a link by email still works)")
TRUSTED_PROXIES = envint("OMVARLD_TRUSTED_PROXIES", 0, "Reverse proxies in front of the site that append to X-Forwarded-For; the client address is read behind that many (0: the connection's address)")
# Four eyes (#18): "auto" requires a second editor to accept a suggestion once there are two editors.
FOUR_EYES = envstr("OMVARLD_FOUR_EYES", "auto", "An editor may not accept their own suggestion: true, false, or auto (on when at least two editors or administrators are active)").strip().lower()
if FOUR_EYES not in ("auto", "true", "false"):
    raise ImproperlyConfigured(f"OMVARLD_FOUR_EYES must be auto, true or false, not {FOUR_EYES!r}")
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
# Workers (omvarld.runtime): heartbeats, and when a worker counts as gone (#18).
HEARTBEAT_SECONDS = envint("OMVARLD_HEARTBEAT_SECONDS", 10, "Seconds between a worker's heartbeats")
HEARTBEAT_STALE = envint("OMVARLD_HEARTBEAT_STALE", 60, "Seconds without a heartbeat after which a worker counts as gone and its claims are released")
HEALTH_MAX_QUEUE_AGE = envint("OMVARLD_HEALTH_MAX_QUEUE_AGE", 600, "Seconds the oldest waiting task may wait before /health/ answers 503")
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
    "omvarld.outbox",
    "omvarld.runtime",
    "omvarld.glossary",
]

MIDDLEWARE = [
    # Counts page views (omvarld.analytics); stays first, outside any page cache.
    "omvarld.analytics.middleware.AnalyticsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "omvarld.api.middleware.ApiEnvelopeMiddleware",
    "omvarld.api.http_cache.CachedAnswersMiddleware",
    "omvarld.api.page_cache.EarlyPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "omvarld.api.page_cache.PageCacheMiddleware",
]

# The cache behind the API's answers and the public pages (#11): local memory in each web process
# by default; "db" keeps it in the database (`omvarld createcachetable` once), so several web
# machines share it; redis:// or valkey:// points at a Redis or Valkey server.
_CACHE_URL = envstr("OMVARLD_CACHE_URL", "", "Cache for public pages and API answers: empty = local memory per process, db = the database, redis://host:6379/0 or valkey://… = a Redis/Valkey server")
if _CACHE_URL.startswith(("redis://", "rediss://", "valkey://", "valkeys://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL.replace("valkey", "redis", 1), "KEY_PREFIX": "omvarld"}}
elif _CACHE_URL == "db":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "omvarld_cache", "OPTIONS": {"MAX_ENTRIES": 20000}}}
elif _CACHE_URL in ("", "locmem"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 2000}}}
else:
    raise ImproperlyConfigured(f"OMVARLD_CACHE_URL must be empty, db, redis://… or valkey://…, not {_CACHE_URL!r}")
PAGE_CACHE_SECONDS = envint("OMVARLD_PAGE_CACHE_SECONDS", 300, "Longest time a public page is served from the cache to visitors not signed in (any content change ends it at once; 0 turns the page cache off)")

ROOT_URLCONF = "omvarld.urls"
CSRF_FAILURE_VIEW = "omvarld.catalogue.views.csrf_failure"
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
# Short dates: lower-case month names in Swedish ("8 apr 2020"); see omvarld/formats/.
FORMAT_MODULE_PATH = ["omvarld.formats"]

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
            "host": envstr("EMAIL_HOST", "", "SMTP server for outgoing mail; unset: mail is kept in the outbox, readable by administrators at /outbox/"),
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
# The outbox (omvarld.outbox): every mail is queued in the database and sent by workers.
MAIL_RETRY_HOURS = envint("OMVARLD_MAIL_RETRY_HOURS", 24, "Hours a mail the server does not take is tried again (with growing pauses) before it is marked failed")
MAIL_SEND_LEASE = envint("OMVARLD_MAIL_LEASE", 600, "Seconds after which a mail claimed by a worker that died is sent again")

# Email subscriptions and digests (omvarld.subscriptions)
SUBSCRIPTIONS_DIGEST_HOUR = envint("SUBSCRIPTIONS_DIGEST_HOUR", 7, "Local hour (TIME_ZONE) at which daily digests, and on Mondays weekly ones, are due")
SUBSCRIPTIONS_BATCH_SIZE = envint("SUBSCRIPTIONS_BATCH_SIZE", 200, "Mails per background sending task")
SUBSCRIPTIONS_DOMAIN_RATE = envint("SUBSCRIPTIONS_DOMAIN_RATE", 300, "Most mails per minute to one recipient domain, per sending process")
MAIL_DOMAIN_RATE = SUBSCRIPTIONS_DOMAIN_RATE
SUBSCRIPTIONS_SEND_THREADS = envint("SUBSCRIPTIONS_SEND_THREADS", 1, "SMTP connections `omvarld send-digests` sends over at once (background workers each use one)")
SUBSCRIPTIONS_SEND_LEASE = envint("SUBSCRIPTIONS_SEND_LEASE", 600, "Seconds after which a mail claimed by a worker that died is sent again")
SUBSCRIPTIONS_CONFIRM_HOURS = envint("SUBSCRIPTIONS_CONFIRM_HOURS", 48, "Hours a confirmation link stays valid; meanwhile no second one is sent to the address")
SUBSCRIPTIONS_ADDRESS_LIMIT = envint("SUBSCRIPTIONS_ADDRESS_LIMIT", 3, "Most confirmation mails to one address per day")
SUBSCRIPTIONS_IP_LIMIT = envint("SUBSCRIPTIONS_IP_LIMIT", 20, "Most subscribe requests from one client IP address per hour")
SUBSCRIPTIONS_BOUNCE_TOKEN = envsecret("SUBSCRIPTIONS_BOUNCE_TOKEN", "", "Bearer token for POST /subscriptions/bounces/ (bounce and complaint reports); empty turns the endpoint off")

# Curator analytics (omvarld.analytics)
ANALYTICS_FLUSH_SECONDS = envint("OMVARLD_ANALYTICS_FLUSH_SECONDS", 5, "Seconds a web process gathers counted page views in memory before writing them in one insert (0: write each at once)")
ANALYTICS_ROLLUP_MINUTES = envint("OMVARLD_ANALYTICS_ROLLUP_MINUTES", 10, "Minutes between the worker's analytics rollups (today's figures lag by at most this)")

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", False, "Send the session cookie over HTTPS only")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# --- Hardening (#18) ------------------------------------------------------------------------------
# Content-Security-Policy on every page: scripts and styles only from the site's own static files
# (no inline script, no style="" in pages); json_script data blocks are not executed, so they pass.
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_SSL_REDIRECT = envbool("OMVARLD_HTTPS_REDIRECT", PRODUCTION, "Redirect plain-HTTP requests to HTTPS (default: on when OMVARLD_PRODUCTION is on)")
SECURE_HSTS_SECONDS = envint("OMVARLD_HSTS_SECONDS", 31536000 if PRODUCTION else 0, "Strict-Transport-Security max-age in seconds; 0 sends none (default: one year when OMVARLD_PRODUCTION is on)")
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("OMVARLD_HSTS_SUBDOMAINS", PRODUCTION, "Strict-Transport-Security covers subdomains too (default: on when OMVARLD_PRODUCTION is on)")
SECURE_HSTS_PRELOAD = envbool("OMVARLD_HSTS_PRELOAD", PRODUCTION, "Strict-Transport-Security asks for browser preloading (default: on when OMVARLD_PRODUCTION is on)")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SAMESITE = "Lax"
if TRUSTED_PROXIES:
    # The proxy terminates TLS and says so; only believed when a proxy is configured.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if PRODUCTION:
    _unsafe = []
    if "*" in ALLOWED_HOSTS or any(h.startswith(".") and h.count(".") < 2 for h in ALLOWED_HOSTS):
        _unsafe.append("ALLOWED_HOSTS must name the site's hosts, not * (any host)")
    if not SITE_URL.startswith("https://"):
        _unsafe.append(f"SITE_URL must be an https:// address, not {SITE_URL!r}")
    if FETCH_ALLOW_LOOPBACK:
        _unsafe.append("OMVARLD_FETCH_ALLOW_LOOPBACK must be off: fetching from loopback is for tests only")
    if not SESSION_COOKIE_SECURE:
        _unsafe.append("SESSION_COOKIE_SECURE must be on: session and CSRF cookies only over HTTPS")
    if _unsafe:
        raise ImproperlyConfigured("OMVARLD_PRODUCTION is on but the configuration is unsafe: " + "; ".join(_unsafe) + ".")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO", "Log level: DEBUG, INFO, WARNING, ERROR")},
}

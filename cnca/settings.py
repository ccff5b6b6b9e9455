"""Settings for the CNCA portal, read from the environment (12-factor).

Everything that differs between a laptop, CI and production comes from an
environment variable; docs/operations.md lists them. With none set the portal
runs on SQLite with Celery tasks executed eagerly, so `make run` needs no
services.
"""

import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from cnca.notifications import conf as _outbox_conf

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()


def _dotenv_path():
    """The `.env` file to read, or None: see "Development settings" in the README.

    ``DJANGO_ENV_FILE`` names another file, or none when empty. By default the
    checkout's `.env` (written by `make run`) is read, except under pytest: the
    test suite sees only the real environment, exactly as in CI, so a
    developer's `.env` never changes what the tests run against.
    """
    if "DJANGO_ENV_FILE" in os.environ:
        named = os.environ["DJANGO_ENV_FILE"].strip()
        if named and not Path(named).is_file():
            raise ImproperlyConfigured(f"DJANGO_ENV_FILE names {named}, which is not a file.")
        return Path(named) if named else None
    if "PYTEST_VERSION" in os.environ:
        return None
    return BASE_DIR / ".env"


# Development convenience: variables from `.env`, if present. Real environment
# variables always win (overwrite=False), so production is never changed by it.
if (_dotenv := _dotenv_path()) is not None and _dotenv.is_file():
    environ.Env.read_env(_dotenv, overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)

_DEV_SECRET_KEY = "django-insecure-dev-only-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment, or set DJANGO_DEBUG=true "
            "for a local development run."
        )
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The public address of the site, used in emails and feeds where no request exists.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# The terms the Innovation Fund's open data (awards as CSV and JSON) is published under.
OPEN_DATA_LICENCE = env.str(
    "OPEN_DATA_LICENCE",
    default="Creative Commons Attribution 4.0 International (CC BY 4.0): reuse freely, "
    "naming the Carbon Neutral Cities Alliance as the source.",
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_filters",
    "django_countries",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "cnca",
    "cnca.notifications",
    "cnca.contact",
    "members",
    "innovation_fund",
    "news",
    "resources",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cnca.urls"
WSGI_APPLICATION = "cnca.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cnca.context_processors.alliance",
            ],
        },
    },
]

# --- Data -----------------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
# The cache may share the broker's Redis server, but give it its own database
# (CACHE_URL=redis://host:6379/1) wherever the cache gets cleared, as in tests.
CACHE_URL = env.str("CACHE_URL", default=REDIS_URL)
if CACHE_URL:
    CACHES = {
        "default": {
            # An outage or a hung Redis degrades pages to the database, never a 500
            # (cnca/cache.py); these timeouts bound what one cache call can cost.
            "BACKEND": "cnca.cache.DegradingRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "cnca",
            "TIMEOUT": 300,
            "OPTIONS": {
                "socket_connect_timeout": env.float("CACHE_SOCKET_TIMEOUT", default=0.5),
                "socket_timeout": env.float("CACHE_SOCKET_TIMEOUT", default=0.5),
                "RETRY_AFTER": env.float("CACHE_RETRY_AFTER", default=10.0),
            },
        }
    }
else:
    # In-memory, one per process: a save in one process cannot clear the others'
    # copies, so nothing is kept longer than a minute.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "TIMEOUT": 60,
        }
    }

# /healthz (cnca/health.py): seconds each service may take to answer, and how
# long a process reuses its last answer. The checks' details (backends,
# exception names) are shown to staff, or to a request whose X-Healthz-Token
# header carries HEALTHZ_TOKEN; everyone else sees only the states.
HEALTHZ_TIMEOUT = env.float("HEALTHZ_TIMEOUT", default=0.5)
HEALTHZ_CACHE_SECONDS = env.float("HEALTHZ_CACHE_SECONDS", default=5.0)
HEALTHZ_TOKEN = env.str("HEALTHZ_TOKEN", default="")

# --- Users and login ----------------------------------------------------------

AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account:login"
LOGIN_REDIRECT_URL = "account:dashboard"
LOGOUT_REDIRECT_URL = "cnca:home"
CSRF_FAILURE_VIEW = "cnca.views.csrf_failure"
# How long the link in an invitation to set a password works (members/tokens.py).
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=7)

# Login throttling (django-axes), counted two ways independently: five failures
# for one login (from anywhere) lock that login, and five failures from one
# address (whatever logins it tries) lock that address, for an hour.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# A success must not wipe the address's count: with it, an attacker holding
# one account could sign in between guesses and spray other logins forever.
# Failures expire with the cool-off instead.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "members.auth.throttled_username"
# The client's address behind our TLS proxies (members.auth.client_ip): how many
# proxies in front of Django append to X-Forwarded-For. 0: the header is ignored.
# (AXES_PROXY_COUNT is the variable's former name.)
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=env.int("AXES_PROXY_COUNT", default=0))
AXES_CLIENT_IP_CALLABLE = "members.auth.client_ip"
AXES_VERBOSE = False

# --- Mail -----------------------------------------------------------------------
# EMAIL_URL names the mail server: smtp://user:pass@host:25, smtp+tls://...:587,
# smtp+ssl://...:465, consolemail:// (the default: print to the console),
# filemail:///path, memorymail://. It becomes Django's MAILERS["default"].

_email = env.email_url("EMAIL_URL", default="consolemail://")
_mailer_options = {}
if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend"):
    _mailer_options = {
        "host": _email["EMAIL_HOST"] or "localhost",
        "port": _email["EMAIL_PORT"] or 25,
        "username": _email["EMAIL_HOST_USER"] or "",
        "password": _email["EMAIL_HOST_PASSWORD"] or "",
        "use_tls": bool(_email.get("EMAIL_USE_TLS")),
        "use_ssl": bool(_email.get("EMAIL_USE_SSL")),
        "timeout": env.int("EMAIL_TIMEOUT", default=20),
    }
    # Django's SMTP backend that also keeps the server's refusal of single recipients.
    _email["EMAIL_BACKEND"] = "cnca.notifications.smtp.EmailBackend"
elif _email["EMAIL_BACKEND"].endswith("filebased.EmailBackend"):
    _mailer_options = {"file_path": "/" + _email["EMAIL_FILE_PATH"].lstrip("/")}
MAILERS = {"default": {"BACKEND": _email["EMAIL_BACKEND"], "OPTIONS": _mailer_options}}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="CNCA portal <portal@localhost>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# The outbox (cnca/notifications, docs/email-delivery.md) keeps its own defaults
# in cnca/notifications/conf.py; here only the NOTIFICATIONS_* variables set in
# the environment override them.
globals().update(_outbox_conf.from_environment(env))
_OUTBOX_RELAY_EVERY = globals().get(
    "NOTIFICATIONS_RELAY_EVERY", _outbox_conf.DEFAULTS["RELAY_EVERY"]
)
_OUTBOX_PURGE_EVERY = globals().get(
    "NOTIFICATIONS_PURGE_EVERY", _outbox_conf.DEFAULTS["PURGE_EVERY"]
)

# News by email (news/services.py): how long a confirmation link works.
NEWS_CONFIRMATION_DAYS = env.int("NEWS_CONFIRMATION_DAYS", default=3)

# The contact form (cnca/contact): where messages go (default: the alliance
# staff, i.e. active superusers) and how many one address or one IP address may
# send in a window of seconds.
CONTACT_RECIPIENTS = env.list("CONTACT_RECIPIENTS", default=[])
CONTACT_RATE_WINDOW = env.int("CONTACT_RATE_WINDOW", default=3600)
CONTACT_RATE_PER_ADDRESS = env.int("CONTACT_RATE_PER_ADDRESS", default=3)
CONTACT_RATE_PER_IP = env.int("CONTACT_RATE_PER_IP", default=10)

# --- Celery ---------------------------------------------------------------------
# cnca/celery.py reads every CELERY_* setting. With no broker the tasks run
# in-process, so the quick start needs neither Redis nor a worker.

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# Outside debug, running without a broker is a deploy-check error (cnca/checks.py)
# unless chosen on purpose here.
CELERY_EAGER_IN_PRODUCTION = env.bool("CELERY_EAGER_IN_PRODUCTION", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
# The queue the portal's tasks go to and its workers read (the benchmark uses its own).
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="celery")
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
# A task is acknowledged when it has finished, not when it starts: a worker that
# dies mid-task leaves the message to be delivered again. Every task is
# idempotent (the outbox row's state decides), so a redelivery is harmless, and
# a message that kills its worker cannot loop forever: the row counts its tries
# and the sweep fails it after NOTIFICATIONS_MAX_ATTEMPTS.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=180)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # An unacknowledged message goes back to the queue after this long; it must
    # outlast the longest task and the longest countdown (ETA) a task is given.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=2 * 3600),
    "socket_connect_timeout": 3,
    "socket_timeout": 10,
}
# Publishes made by workers (retry countdowns) give up quickly too. A request's
# publish does not use this: cnca.servicekit.publish makes one try on its own
# connection with NOTIFICATIONS_PUBLISH_TIMEOUT, and the relay covers the rest.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
# How often beat queues the Innovation Fund's due deadline reminders (seconds).
FUND_REMINDERS_EVERY = env.float("FUND_REMINDERS_EVERY", default=300.0)
CELERY_BEAT_SCHEDULE = {
    "committee-scoring-reminders": {
        "task": "innovation_fund.send_scoring_reminders",
        "schedule": env.int("COMMITTEE_REMINDERS_EVERY", default=300),
        "options": {"expires": 300},
    },
    "notifications-relay": {
        "task": "notifications.relay_queued_email",
        "schedule": _OUTBOX_RELAY_EVERY,
        "options": {"expires": _OUTBOX_RELAY_EVERY},
    },
    "notifications-sweep": {
        "task": "notifications.sweep_stuck_email",
        "schedule": _OUTBOX_RELAY_EVERY,
        "options": {"expires": _OUTBOX_RELAY_EVERY},
    },
    # Sent rows are deleted after NOTIFICATIONS_RETENTION_DAYS (sensitive ones included).
    "notifications-purge": {
        "task": "notifications.purge_sent_email",
        "schedule": _OUTBOX_PURGE_EVERY,
        "options": {"expires": _OUTBOX_PURGE_EVERY},
    },
    # Scheduled news items become published when their time comes, and public
    # items not yet mailed are mailed to subscribers (news/services.py).
    "news-due-mailings": {
        "task": "news.start_due_mailings",
        "schedule": 60.0,
        "options": {"expires": 60.0},
    },
    # Addresses that never confirmed a news subscription, once their link expired.
    "news-forget-unconfirmed": {
        "task": "news.forget_unconfirmed_subscribers",
        "schedule": 86400.0,
        "options": {"expires": 3600.0},
    },
    "fund-reminders": {
        "task": "innovation_fund.send_due_reminders",
        "schedule": FUND_REMINDERS_EVERY,
        "options": {"expires": FUND_REMINDERS_EVERY},
    },
}

# --- Internationalisation -----------------------------------------------------

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Private uploads (cnca/private_files.py): with a prefix such as "/_private/",
# Django only checks and answers X-Accel-Redirect; nginx sends the file from an
# `internal` location aliased to MEDIA_ROOT (docs/operations.md). Empty: Django
# streams the file itself.
PRIVATE_FILES_ACCEL_PREFIX = env.str("PRIVATE_FILES_ACCEL_PREFIX", default="")
FILE_UPLOAD_PERMISSIONS = 0o640
# Uploads (cnca/uploads.py: proposal attachments, resource files): the largest file, and the
# most pixels an image may have (a small file can decode into a huge image).
FUND_UPLOAD_MAX_BYTES = env.int("FUND_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
FUND_UPLOAD_MAX_PIXELS = env.int("FUND_UPLOAD_MAX_PIXELS", default=40_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Serve files straight from static/ in development, no collectstatic needed.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# --- Security -------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# CSRF_COOKIE_HTTPONLY stays off (Django's default): the token is in every form
# anyway, so hiding the cookie from JavaScript protects nothing, and it would
# stop a script from reading the token for an htmx/fetch request.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
if env.bool("SECURE_PROXY_SSL", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

_https = env.bool("HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=_https)
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if _https else 0)
# Both are decisions about the whole domain, not this site: includeSubDomains
# forces HTTPS on every sub-domain (some may still serve plain HTTP), and a
# preload list entry is shipped in browsers and takes months to undo. Opt in
# deliberately; until then Django's deploy warnings for them are silenced.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = [
    *([] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"]),
    *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
]
# The health check is polled over plain HTTP by load balancers.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Logging --------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "one_line": {
            "()": "cnca.logging.OneLineFormatter",
            "format": "%(asctime)s %(name)s %(message)s",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "quiet": {"class": "logging.StreamHandler", "formatter": "one_line"},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Scanners send requests for other host names all day; Django answers 400
        # and logs each at ERROR with a traceback. One plain line is enough, and
        # it stays out of error alerting.
        "django.security.DisallowedHost": {"handlers": ["quiet"], "propagate": False},
    },
}

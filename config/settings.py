"""Settings, all from environment variables (django-environ); defaults give the SQLite demo."""

from datetime import time, timedelta
from pathlib import Path
from typing import Any

import environ
from celery.schedules import crontab

from egov.identity.keys import oidc_private_key_pem
from egov.identity.protocol import SCOPES as OIDC_SCOPES
from egov.identity.protocol import pkce_required

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="demo-insecure-key-change-me-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "egov.core",
    "egov.org",
    "egov.accounts",
    "oauth2_provider",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "egov.identity",
    "egov.notifications",
    "egov.exchange",
    "egov.catalog",
    "egov.records",
    "egov.workflow",
    "egov.dossiers",
    "egov.payments",
    "egov.reports",
    "egov.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "egov.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "egov.identity.middleware.SecondFactorForOfficialsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "egov" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite is the embedded default so the demo needs no server; CI and production set DATABASE_URL.
DATABASE_URL = env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
else:
    # PostgreSQL: a process keeps its connection (a new one costs a server process) and, with
    # server-side parameters, psycopg prepares a statement from its 5th use on that connection, so the
    # server parses and plans the hot path's statements once (docs/dossiers.md, "Throughput benchmark").
    # Behind PgBouncer in transaction mode, before 1.21, set DATABASE_PREPARED=0.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if env.bool("DATABASE_PREPARED", default=True):
        DATABASES["default"].setdefault("OPTIONS", {}).update({"server_side_binding": True, "prepare_threshold": 5})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]

# Officials and administrators confirm every sign-in with a TOTP code (django-otp).
OFFICIALS_REQUIRE_2FA = env.bool("OFFICIALS_REQUIRE_2FA", default=True)
OTP_TOTP_ISSUER = "Dich vu cong Lam Dong"
# The demo's officials share this TOTP key (hex; base32 JBSWY3DPEHPK3PXP); used only by the demo data.
DEMO_TOTP_KEY = "48656c6c6f21deadbeef"
# Sign-in throttling (django-axes): after this many failures for one account from one address,
# that pair waits AXES_COOLOFF_TIME; an office behind one address is not locked out as a whole.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # its log lines would name the account, and a citizen's username is an ID number
AXES_LOCKOUT_TEMPLATE = "identity/locked.html"

# OpenID Connect provider (django-oauth-toolkit). ID tokens are signed RS256 with OIDC_RSA_PRIVATE_KEY;
# the demo makes its own key in var/. The issuer is the site's root (discovery at
# /.well-known/openid-configuration).
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": env.str("OIDC_RSA_PRIVATE_KEY", default="")
    or oidc_private_key_pem(BASE_DIR / "var" / "oidc-rsa.pem"),
    "OAUTH2_VALIDATOR_CLASS": "egov.identity.oidc.EgovValidator",
    "SCOPES": OIDC_SCOPES,
    "DEFAULT_SCOPES": ["openid"],
    "PKCE_REQUIRED": pkce_required,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "ID_TOKEN_EXPIRE_SECONDS": 3600,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 30 * 24 * 3600,
    "ROTATE_REFRESH_TOKEN": True,
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "OIDC_RP_INITIATED_LOGOUT_STRICT_REDIRECT_URIS": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"],
    # OAuth 2.0 Security BCP (RFC 9700): no implicit or password grant, PKCE with S256 only, tokens never in
    # URLs, redirect URIs matched exactly, and the issuer named in every authorization response.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
}
LOGIN_REDIRECT_URL = "catalog:home"
LOGOUT_REDIRECT_URL = "catalog:home"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Production keeps uploaded files in S3-compatible object storage (MinIO, Viettel/VNPT cloud...).
S3_BUCKET = env.str("S3_BUCKET", default="")
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
            "access_key": env.str("S3_ACCESS_KEY", default=""),
            "secret_key": env.str("S3_SECRET_KEY", default=""),
            "region_name": env.str("S3_REGION", default="") or None,
            "default_acl": None,
            "querystring_auth": True,  # files are private; the app serves them after its own checks
            "file_overwrite": False,
        },
    }
WHITENOISE_USE_FINDERS = True

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="egov@lamdong.gov.vn")

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# Public tracking (/tra-cuu/) answers to a dossier code and 4 digits of a phone number, so wrong tries
# are counted (django-ratelimit, in the cache above: Redis, shared by all processes, in production) per
# code and per client address. Past either rate ("tries/period") that code or address gets no answer
# until its window ends. Per code is the real guard (10,000 possible digits); per address stays loose,
# since many mobile users share one address.
TRACK_FAILURES_PER_CODE = env.str("TRACK_FAILURES_PER_CODE", default="5/h")
TRACK_FAILURES_PER_IP = env.str("TRACK_FAILURES_PER_IP", default="100/h")
# Behind a reverse proxy: the request header with the client's address (e.g. HTTP_X_REAL_IP).
RATELIMIT_IP_META_KEY = env.str("RATELIMIT_IP_META_KEY", default="") or None
# The working-day calendar is cached this long at most (changes through the services drop it at once).
CALENDAR_CACHE_SECONDS = env.int("CALENDAR_CACHE_SECONDS", default=300)

# SMS gateway adapter (dotted path); the console backend prints messages in the demo.
SMS_BACKEND = env.str("SMS_BACKEND", default="egov.notifications.sms.ConsoleSmsBackend")
# Payment platform adapter (dotted path, docs/payments.md); the fake gateway runs inside the demo.
PAYMENT_GATEWAY_BACKEND = env.str("PAYMENT_GATEWAY_BACKEND", default="egov.payments.gateway.FakeGateway")
# Key the fake gateway signs its callbacks with (HMAC-SHA256); a demo value, set it anywhere else.
PAYMENT_FAKE_SECRET = env.str("PAYMENT_FAKE_SECRET", default="demo-fake-gateway-secret-change-me")

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="memory://localhost/")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # Re-sends outbox messages whose sending was lost (broker down at commit time, worker crash).
    "notifications-send-pending": {"task": "egov.notifications.tasks.send_pending", "schedule": 60.0},
    # Warns whoever holds a step, and the agency's leaders, when it is due soon or late (idempotent).
    "workflow-deadline-sweep": {"task": "egov.workflow.tasks.deadline_sweep", "schedule": 900.0},
    # Re-sends exchange messages to central systems whose sending was lost or failed (backoff per message).
    "exchange-send-pending": {"task": "egov.exchange.tasks.send_pending", "schedule": 60.0},
    # Applies central ministries' replies to their steps (idempotent); also run right after each reply.
    "dossiers-central-replies": {"task": "egov.dossiers.tasks.central_replies_apply", "schedule": 300.0},
    # Compares yesterday's online payments with the gateway's statement (idempotent per day), at 01:30.
    "payments-reconcile-daily": {
        "task": "egov.payments.tasks.reconcile_daily",
        "schedule": crontab(hour=1, minute=30),
    },
    # With REPORTS_SOURCE = "facts": rebuild the report facts after midnight, so periods up to yesterday read them.
    "reports-facts-rebuild-nightly": {
        "task": "egov.reports.tasks.facts_rebuild_nightly",
        "schedule": crontab(hour=0, minute=20),
    },
}
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=5)

# Central ministries' systems through the LGSP / NDXP exchange (docs/exchange.md): the fake ministry in
# the demo and tests; "egov.exchange.backends.HttpCentralBackend" with the URL and token to go live.
CENTRAL_EXCHANGE_BACKEND = env.str("CENTRAL_EXCHANGE_BACKEND", default="egov.exchange.backends.FakeCentralBackend")
CENTRAL_EXCHANGE_URL = env.str("CENTRAL_EXCHANGE_URL", default="")
CENTRAL_EXCHANGE_TOKEN = env.str("CENTRAL_EXCHANGE_TOKEN", default="")
EXCHANGE_MAX_ATTEMPTS = env.int("EXCHANGE_MAX_ATTEMPTS", default=5)
# Celery tasks (dotted paths) run after a reply from a central system is recorded.
EXCHANGE_REPLY_CONSUMERS = ["egov.dossiers.tasks.central_replies_apply"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_pii": {"()": "egov.core.pii.MaskPIIFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["mask_pii"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs every step of every slip at INFO. Django's own handlers (console when DEBUG, e-mail to
    # ADMINS) would print tracebacks unmasked: its records go to the masked console above instead.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "django": {"handlers": [], "level": "INFO"},
    },
}

# --- The province this installation serves -------------------------------------------------
# Official unit code of the province (vietnam-provinces): 68 = Lâm Đồng since 1 July 2025.
PROVINCE_CODE = env.int("PROVINCE_CODE", default=68)
# Provincial part of electronic agency codes (QCVN 102:2016, "Hnn"). To be confirmed; configurable.
PROVINCE_EID_SUFFIX = env.str("PROVINCE_EID_SUFFIX", default="H39")
# Pre-merger provinces whose units are kept, inactive, as historic units (Đắk Nông, Bình Thuận, old Lâm Đồng).
MERGED_PROVINCE_CODES = env.list("MERGED_PROVINCE_CODES", cast=int, default=[68, 67, 60])
PROVINCE_MERGER_DATE = env.str("PROVINCE_MERGER_DATE", default="2025-07-01")

# --- Working-day calendar (DESIGN.md §4); each a setting, with defaults -----------------------
OFFICE_HOURS = [(time(7, 0), time(11, 30)), (time(13, 30), time(17, 0))]
RECEPTION_CUTOFF = time.fromisoformat(env.str("RECEPTION_CUTOFF", default="15:00"))
DUE_SOON_HOURS = env.int("DUE_SOON_HOURS", default=8)

# Reports (docs/reports.md). Roles that read every agency's figures; where counts come from ("raw":
# the dossiers themselves); the QĐ 766 weight table in force and per-component point overrides (the
# split the decision leaves unclear: to be confirmed; configurable).
REPORTS_PROVINCE_ROLES = env.list("REPORTS_PROVINCE_ROLES", default=["province_admin"])
REPORTS_SOURCE = env.str("REPORTS_SOURCE", default="raw")
REPORTS_766_VERSION = env.str("REPORTS_766_VERSION", default="2023.1")
REPORTS_766_POINTS: dict[str, float] = {}
NATIONAL_REPORTING_BACKEND = env.str("NATIONAL_REPORTING_BACKEND", default="egov.reports.national.LocalFakeBackend")
# An extension (with the apology letter) must be granted at least this much office time before the due
# moment (provincial practice: one working day; to be confirmed; configurable).
EXTENSION_MIN_NOTICE_HOURS = env.int("EXTENSION_MIN_NOTICE_HOURS", default=8)

# --- Dossiers ---------------------------------------------------------------------------------
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
# clamd to scan every upload: "unix:/run/clamav/clamd.ctl" or "host:3310"; empty = no scanning.
CLAMAV_ADDRESS = env.str("CLAMAV_ADDRESS", default="")
# Where the public tracking page lives (printed as a QR code on every slip).
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000")

# Federation with the national identity service (VNeID), OpenID Connect. VNEID_FAKE mounts a local
# stand-in at /gia-lap-vneid/ (demo, tests); production sets the real issuer and credentials.
VNEID_FAKE = env.bool("VNEID_FAKE", default="VNEID_ISSUER" not in env.ENVIRON)
VNEID_ISSUER = env.str("VNEID_ISSUER", default=f"{PUBLIC_BASE_URL}/gia-lap-vneid")
VNEID_CLIENT_ID = env.str("VNEID_CLIENT_ID", default="egov-lam-dong-demo")
VNEID_CLIENT_SECRET = env.str("VNEID_CLIENT_SECRET", default="demo-vneid-secret")
VNEID_ID_CLAIM = env.str("VNEID_ID_CLAIM", default="national_id")  # the claim with the 12-digit ID number
VNEID_FAKE_REDIRECT_URIS = [f"{PUBLIC_BASE_URL}/tai-khoan/vneid/xong/"]
# Rule set a new dossier is received under (DESIGN.md §2).
DOSSIER_RULE_SET = env.str("DOSSIER_RULE_SET", default="nd118_2025")

# --- Signed results (egov.records, docs/results.md) -------------------------------------------
# Where the demo CA and each agency's signing key and certificate are kept (PEM; never committed).
SIGNING_DIR = env.path("SIGNING_DIR", default=str(BASE_DIR / "var" / "pki"))
# Issue an agency's certificate from the demo CA on demand and trust that CA; off in production.
SIGNING_DEMO_CA = env.bool("SIGNING_DEMO_CA", default=True)
# PEM files of the root certificates a signed result must chain to (e.g. the government CA's root).
SIGNING_TRUST_ROOTS = env.list("SIGNING_TRUST_ROOTS", default=[])
# Passphrase of the agencies' key files, if they are encrypted (production).
SIGNING_KEY_PASSPHRASE = env.str("SIGNING_KEY_PASSPHRASE", default="")

# --- Search ---------------------------------------------------------------------------------
# Minimum trigram word similarity for a typo-tolerant match on PostgreSQL (0-1; lower finds more).
SEARCH_TRIGRAM_THRESHOLD = env.float("SEARCH_TRIGRAM_THRESHOLD", default=0.5)

if DEBUG:
    INTERNAL_IPS = ["127.0.0.1"]

# Front-end libraries come from npm at install time (`npm ci`), never from the repository.
STATICFILES_DIRS = [("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist")]
STATICFILES_DIRS += [("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist")]

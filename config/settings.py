"""trackbase settings: one module, every value from the environment, embedded defaults that need only Python."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("DATA_DIR", str(BASE_DIR / "data"))).resolve()


def _ensure_writable_directory(path: Path) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        problem = "it is a file, not a folder"
    except OSError as exc:
        problem = exc.strerror or str(exc)
    else:
        if os.access(path, os.W_OK | os.X_OK):
            return
        problem = "not writable"
    raise ImproperlyConfigured(
        f"DATA_DIR={path} cannot be used ({problem}). Point DATA_DIR at a folder you can write to (it is created "
        "if missing; unset it for ./data), and use the same DATA_DIR for `make run` and every manage.py command."
    )


_ensure_writable_directory(DATA_DIR)

DEBUG = env_bool("DEBUG", False)
DATABASE_URL = env_str("DATABASE_URL")
REDIS_URL = env_str("REDIS_URL")
# Embedded mode: no external database configured, everything lives under DATA_DIR.
EMBEDDED = not DATABASE_URL


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        return key
    if not (DEBUG or EMBEDDED):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off and DATABASE_URL is set (production).")
    # A dev key generated once into the data directory: stable across restarts, never committed.
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
JWT_SIGNING_KEY = env_str("JWT_SIGNING_KEY", SECRET_KEY)
if len(JWT_SIGNING_KEY.encode()) < 32:
    # HS256 needs at least 256 bits of key (RFC 7518 3.2); a short key makes every token forgeable sooner.
    raise ImproperlyConfigured(
        "SECRET_KEY (or JWT_SIGNING_KEY) must be at least 32 bytes; generate one with "
        "python -c 'import secrets; print(secrets.token_urlsafe(48))'."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS", [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
# Behind a TLS proxy every client speaks HTTPS: say so for a year (HSTS), keep cookies off plain HTTP and
# redirect a plain request. The proxy's own health probes come over plain HTTP and are not redirected.
SECURE_SSL_REDIRECT = BEHIND_TLS_PROXY
SECURE_REDIRECT_EXEMPT = [r"^health/?$", r"^ready/?$"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = BEHIND_TLS_PROXY
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 365 * 24 * 3600) if BEHIND_TLS_PROXY else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", False)
# Asking browsers to preload HSTS is the domain owner's decision (hstspreload.org, hard to undo), not a
# deployment default: with HSTS_PRELOAD off, the deploy check's reminder about it is silenced on purpose.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "trackbase.core",
    "trackbase.accounts",
    "trackbase.analytics",
    "trackbase.realtime",
    "trackbase.notifications",
    "trackbase.rail",
    "trackbase.wellness",
    "trackbase.cylinders",
    "trackbase.travel",
]

MIDDLEWARE = [
    "trackbase.core.middleware.RouteIndexMiddleware",
    "trackbase.core.middleware.RequestIdMiddleware",
    "trackbase.analytics.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "trackbase.core.middleware.LazyMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


# --- Databases: main (transactional) and analytics (request log), kept apart -------------------
MYSQL_DRIVER = env_str("MYSQL_DRIVER", "auto")
if MYSQL_DRIVER not in {"auto", "mysqlclient", "pymysql"}:
    raise ImproperlyConfigured(f"MYSQL_DRIVER={MYSQL_DRIVER!r}; choose auto, mysqlclient or pymysql.")


def _mysql_driver() -> str:
    """mysqlclient (C; the `mysql` extra, which needs libmysqlclient's headers to build) when installed, else
    PyMySQL (pure Python, no system headers: what a plain install has). bench/README.md has the numbers."""
    if MYSQL_DRIVER != "pymysql":
        try:
            import MySQLdb  # noqa: F401  (mysqlclient)

            return "mysqlclient"
        except ImportError:
            if MYSQL_DRIVER == "mysqlclient":
                raise ImproperlyConfigured("MYSQL_DRIVER=mysqlclient: not installed; pip install -e .[mysql]") from None
    import pymysql

    pymysql.install_as_MySQLdb()
    return "pymysql"


def _database(url: str | None, sqlite_name: str) -> dict:
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / sqlite_name,
            # Reusing a connection saves reopening the file and re-running the PRAGMAs on every request.
            "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 60),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    config = dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True)
    # A client that vanishes mid-transaction (a killed worker, a lost host) must not hold its row locks, such as an
    # Idempotency-Key's claim, until someone notices: the server ends such a transaction after this many seconds.
    idle_timeout = env_int("DB_IDLE_IN_TRANSACTION_SECONDS", 300)
    if config["ENGINE"] == "django.db.backends.mysql":
        _mysql_driver()
        config["OPTIONS"] = {
            **config.get("OPTIONS", {}),
            "charset": "utf8mb4",
            "isolation_level": "read committed",
            "init_command": f"SET sql_mode='STRICT_TRANS_TABLES', SESSION idle_transaction_timeout={idle_timeout}",
        }
    elif config["ENGINE"] == "django.db.backends.postgresql":
        config["OPTIONS"] = {
            **config.get("OPTIONS", {}),
            "options": f"-c idle_in_transaction_session_timeout={idle_timeout * 1000}",
            # TCP keepalives find a dead peer in about a minute instead of the kernel's two hours.
            "keepalives": 1,
            "keepalives_idle": 30,
            "keepalives_interval": 10,
            "keepalives_count": 3,
        }
    return config


DATABASES = {
    "default": _database(DATABASE_URL, "db.sqlite3"),
    "analytics": _database(env_str("ANALYTICS_DATABASE_URL", DATABASE_URL), "analytics.sqlite3"),
}
if DATABASES["analytics"]["NAME"] == DATABASES["default"]["NAME"]:
    # One server, two logical stores: the request log still never shares tables with the main data.
    DATABASES["analytics"]["NAME"] = f"{DATABASES['default']['NAME']}_analytics"
# The analytics store holds only the analytics app: migrate it with `migrate --database analytics analytics`.
# Test databases are built from the models for the same reason: django-tasks-db's migration 0019 inspects
# its table on every database before asking the router, which fails on MariaDB (django-tasks-db#48).
DATABASES["analytics"]["TEST"] = {"MIGRATE": False}
DATABASE_ROUTERS = ["trackbase.analytics.routers.AnalyticsRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, throttles, idempotency: local memory, or Redis shared by every worker ----------------
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        # Local memory's default of 300 entries is a few dozen users' principals and throttle counters: past it,
        # culling evicts the principals of active users and every request reloads its user.
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "trackbase",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    )
}
# Idempotency-Key records live in the main database (a unique constraint makes the claim race-safe).
IDEMPOTENCY_KEY_TTL_HOURS = env_int("IDEMPOTENCY_KEY_TTL_HOURS", 24)

# --- Background tasks (Django Tasks API) --------------------------------------------------------
TASK_BACKEND = env_str("TASK_BACKEND", "rq" if REDIS_URL else "database")
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if TASK_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASK_BACKEND={TASK_BACKEND!r}; choose one of {', '.join(_TASK_BACKENDS)}.")
if TASK_BACKEND == "rq" and not REDIS_URL:
    raise ImproperlyConfigured("TASK_BACKEND=rq needs REDIS_URL.")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASK_BACKEND]}}
if REDIS_URL:
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}

# --- Auth ---------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["trackbase.accounts.backends.UsernameOrEmailBackend"]
PASSWORD_HASHERS = [
    "trackbase.accounts.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "trackbase.accounts.validators.MixedCharacterClassesValidator"},
]
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 3600)

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env_int("JWT_ACCESS_MINUTES", 15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env_int("JWT_REFRESH_DAYS", 7)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    # Access tokens carry a hash of the password: a password change or reset invalidates them.
    "CHECK_REVOKE_TOKEN": True,
    "ALGORITHM": "HS256",
    "SIGNING_KEY": JWT_SIGNING_KEY,
    "AUTH_HEADER_TYPES": ("Bearer",),
    # SimpleJWT's access token, verified without PyJWT's per-call overhead (same checks, same errors).
    "AUTH_TOKEN_CLASSES": ("trackbase.accounts.access_tokens.AccessToken",),
}

# --- REST API -----------------------------------------------------------------------------------
THROTTLE_RATES = {
    "anon": env_str("THROTTLE_ANON", "120/min"),
    "user": env_str("THROTTLE_USER", "600/min"),
    "login": env_str("THROTTLE_LOGIN", "10/min"),
    "register": env_str("THROTTLE_REGISTER", "10/hour"),
    "password_reset": env_str("THROTTLE_PASSWORD_RESET", "5/hour"),
    "email_verify": env_str("THROTTLE_EMAIL_VERIFY", "10/hour"),
    "token_refresh": env_str("THROTTLE_TOKEN_REFRESH", "60/min"),
    "mock_engine": env_str("THROTTLE_MOCK_ENGINE", "10/min"),
}
# Failed sign-ins (trackbase/accounts/login_limits.py): THROTTLE_LOGIN per client address; per account,
# this many are free, then each further attempt waits LOGIN_BACKOFF_SECONDS, doubling, up to the maximum.
LOGIN_FAILURES_BEFORE_BACKOFF = env_int("LOGIN_FAILURES_BEFORE_BACKOFF", 5)
LOGIN_BACKOFF_SECONDS = env_int("LOGIN_BACKOFF_SECONDS", 30)
LOGIN_BACKOFF_MAX_SECONDS = env_int("LOGIN_BACKOFF_MAX_SECONDS", 900)
if LOGIN_FAILURES_BEFORE_BACKOFF < 1 or LOGIN_BACKOFF_SECONDS < 1 or LOGIN_BACKOFF_MAX_SECONDS < LOGIN_BACKOFF_SECONDS:
    raise ImproperlyConfigured(
        "LOGIN_FAILURES_BEFORE_BACKOFF and LOGIN_BACKOFF_SECONDS must be positive, and "
        "LOGIN_BACKOFF_MAX_SECONDS at least LOGIN_BACKOFF_SECONDS."
    )
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["trackbase.accounts.authentication.JWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["trackbase.core.renderers.ORJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "trackbase.core.parsers.ORJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "trackbase.core.throttles.AnonRateThrottle",
        "trackbase.core.throttles.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": THROTTLE_RATES,
    "DEFAULT_SCHEMA_CLASS": "trackbase.core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "trackbase.core.errors.problem_exception_handler",
    "UNAUTHENTICATED_USER": None,
    # Throttles key anonymous clients by address: trust only as many X-Forwarded-For hops as there are
    # proxies, or any client could pick a fresh address (and a fresh login-throttle bucket) per request.
    "NUM_PROXIES": env_int("TRUSTED_PROXY_COUNT", 1 if BEHIND_TLS_PROXY else 0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "trackbase API",
    "DESCRIPTION": "One backend for five tracker systems: rail, wellness, travel and cylinder tracking.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "UserRoleEnum": "trackbase.accounts.models.Role.choices",
        "WellnessRoleEnum": "trackbase.wellness.models.Role.choices",
        "PrivacyLevelEnum": "trackbase.accounts.privacy.PRIVACY_LEVELS",
        "CylinderStatusEnum": "trackbase.cylinders.models.STATUS_CHOICES",
        "CountryCodeEnum": "trackbase.travel.api.serializers.COUNTRY_CODES",
    },
    # `<id:...>` path ids (trackbase.core.routing.IdConverter).
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}},
    # Swagger UI groups operations by these tags, in this order; an untagged operation gets its app's name.
    "TAGS": [
        {"name": "auth", "description": "Registration, sign-in, tokens, passwords, email verification."},
        {"name": "profile", "description": "The signed-in user's own profile."},
        {"name": "devices", "description": "The signed-in user's push devices (APNs, FCM, Web Push)."},
        {"name": "notifications", "description": "One inbox for every tracker, and per-type channel settings."},
        {"name": "realtime", "description": "Socket.IO presence (the protocol itself is in docs/realtime.md)."},
        {"name": "rail", "description": "Trains, search, bookings, status events, favorites (seeds 000 and 001)."},
        {"name": "admin", "description": "User management for administrators."},
        {"name": "wellness", "description": "HuCares (seed 002) under /api/v1/, in its own envelope."},
        {"name": "wellness auth", "description": "HuCares sign-up and sign-in: passwords, PINs, tokens."},
        {"name": "wellness users", "description": "HuCares profile, avatar, search, export, account deletion."},
        {"name": "wellness groups", "description": "HuCares groups: members, roles, invites, access codes."},
        {"name": "wellness check-ins", "description": "HuCares weekly check-ins, per user and per group."},
        {"name": "wellness analytics", "description": "HuCares personal and group trends, comparison, insights."},
        {"name": "wellness notifications", "description": "HuCares' view of the shared inbox."},
        {"name": "cylinders", "description": "Gas cylinder tracking (seed 004): inventory, scans, reports."},
        {"name": "cylinders admin", "description": "Cylinder reports and exports for administrators (seed 004)."},
        {"name": "travel", "description": "Travel Time Tracker (seed 003): segments, sync, Schengen, import."},
    ],
}

# --- Rail ---------------------------------------------------------------------------------------
# Seconds a search page is served from the cache (0 turns it off): seat counts in search results may be
# this old; booking never reads them (bench/README.md has the numbers).
RAIL_SEARCH_CACHE_SECONDS = env_int("RAIL_SEARCH_CACHE_SECONDS", 2)

# --- Request log (analytics store) --------------------------------------------------------------
REQUEST_LOG_ENABLED = env_bool("REQUEST_LOG_ENABLED", True)
REQUEST_LOG_FLUSH_SECONDS = float(env_int("REQUEST_LOG_FLUSH_MS", 1000)) / 1000
REQUEST_LOG_BATCH_SIZE = env_int("REQUEST_LOG_BATCH_SIZE", 500)
REQUEST_LOG_MAX_BUFFER = env_int("REQUEST_LOG_MAX_BUFFER", 50_000)
# Days an entry is kept before the daily purge (trackbase.analytics.tasks.request_log_purge); 0 keeps all.
REQUEST_LOG_RETENTION_DAYS = env_int("REQUEST_LOG_RETENTION_DAYS", 90)
if REQUEST_LOG_RETENTION_DAYS < 0:
    raise ImproperlyConfigured("REQUEST_LOG_RETENTION_DAYS must be 0 (keep forever) or a number of days.")

# --- Email --------------------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    # Embedded: every message is written to a file under DATA_DIR/mail, where a developer can read it.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "mail"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "trackbase <no-reply@trackbase.local>")
# Where the links in account emails point: the frontend's /verify-email and /reset-password pages, or, with no
# FRONTEND_URL, the minimal pages this server serves itself at PUBLIC_URL (its own address as users reach it).
FRONTEND_URL = (env_str("FRONTEND_URL", "") or "").rstrip("/")
PUBLIC_URL = (env_str("PUBLIC_URL", "") or f"http://127.0.0.1:{env_int('PORT', 8000)}").rstrip("/")

# --- Push notifications (APNs, Web Push) ---------------------------------------------------------
# A platform whose credentials are missing is not an error: its messages are marked SKIPPED, with the
# reason, and no request leaves the machine. See docs/notifications.md.
APNS_KEY_PATH = env_str("APNS_KEY_PATH", "")  # the .p8 signing key from Apple's developer portal...
APNS_KEY = env_str("APNS_KEY", "")  # ...or its PEM contents
APNS_KEY_ID = env_str("APNS_KEY_ID", "")
APNS_TEAM_ID = env_str("APNS_TEAM_ID", "")
APNS_TOPIC = env_str("APNS_TOPIC", "")  # the app's bundle id
APNS_ENVIRONMENT = env_str("APNS_ENVIRONMENT", "production")
if APNS_ENVIRONMENT not in {"production", "sandbox"}:
    raise ImproperlyConfigured(f"APNS_ENVIRONMENT={APNS_ENVIRONMENT!r}; choose production or sandbox.")
APNS_BASE_URL = env_str(
    "APNS_BASE_URL",
    "https://api.push.apple.com" if APNS_ENVIRONMENT == "production" else "https://api.sandbox.push.apple.com",
)
VAPID_PRIVATE_KEY = env_str("VAPID_PRIVATE_KEY", "")  # URL-safe base64 raw key, PEM, or a path to a PEM file
VAPID_SUBJECT = env_str("VAPID_SUBJECT", "")
if VAPID_SUBJECT and not VAPID_SUBJECT.startswith(("mailto:", "https://")):
    raise ImproperlyConfigured(f"VAPID_SUBJECT={VAPID_SUBJECT!r}; use a mailto: or https:// URL (RFC 8292).")
# The server only POSTs to Web Push endpoints on these hosts (and their subdomains).
WEB_PUSH_ALLOWED_HOSTS = env_list(
    "WEB_PUSH_ALLOWED_HOSTS",
    [
        "fcm.googleapis.com",
        "android.googleapis.com",
        "push.services.mozilla.com",
        "web.push.apple.com",
        "notify.windows.com",
    ],
)
PUSH_MAX_ATTEMPTS = env_int("PUSH_MAX_ATTEMPTS", 5)
PUSH_TTL_SECONDS = env_int("PUSH_TTL_SECONDS", 24 * 3600)
PUSH_TIMEOUT_SECONDS = env_int("PUSH_TIMEOUT_SECONDS", 10)
if PUSH_MAX_ATTEMPTS < 1 or PUSH_TTL_SECONDS < 1 or PUSH_TIMEOUT_SECONDS < 1:
    raise ImproperlyConfigured("PUSH_MAX_ATTEMPTS, PUSH_TTL_SECONDS and PUSH_TIMEOUT_SECONDS must be positive.")

# --- Files, i18n, logging -----------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise serves collected files from here when present
WHITENOISE_USE_FINDERS = True
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"
# Embedded (`make run`): the app serves uploads itself. In production a proxy or the storage (S3) serves them.
SERVE_MEDIA = env_bool("SERVE_MEDIA", EMBEDDED)
# Uploaded and generated files (avatars, QR images, label sheets) live in MEDIA_ROOT, or in an S3 bucket when
# S3_BUCKET is set (django-storages; any S3-compatible service through S3_ENDPOINT_URL). Without keys, boto3
# finds credentials its usual way (AWS_* variables, an instance or task role).
S3_BUCKET = env_str("S3_BUCKET", "")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "region_name": env_str("S3_REGION") or None,
            "access_key": env_str("S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("S3_SECRET_ACCESS_KEY") or None,
            "location": env_str("S3_PREFIX", ""),
            "default_acl": None,  # private objects, reached through signed URLs
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)
# Any request body, uploads included, chunked or not (trackbase/core/bodies.py): above it, 413 before reading on.
REQUEST_BODY_MAX_BYTES = env_int("REQUEST_BODY_MAX_BYTES", 25 * 1024 * 1024)

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
_LOG_LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
if LOG_LEVEL not in _LOG_LEVELS:
    raise ImproperlyConfigured(f"LOG_LEVEL={LOG_LEVEL!r}; choose one of {', '.join(_LOG_LEVELS)}.")


def _at_least(level: str) -> str:
    return max(LOG_LEVEL, level, key=_LOG_LEVELS.index)


# Every logger writes through one JSON handler at LOG_LEVEL. Django's own loggers are reconfigured, not left
# at DEFAULT_LOGGING's: "django" is set to INFO there (so LOG_LEVEL=ERROR would not silence it) and carries
# handlers of its own. django.request reports every 4xx as a WARNING: a client's mistake (a 401, a 404, a 409
# NOT_ENOUGH_SEATS) is not an operator's problem and is in the request log anyway, so 4xx lines are DEBUG
# (trackbase.core.logging.ClientErrorFilter) and the logger sits at ERROR unless LOG_LEVEL is DEBUG, which
# skips building a record per 4xx.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "trackbase.core.logging.RequestIdFilter"},
        "client_errors": {"()": "trackbase.core.logging.ClientErrorFilter"},
    },
    "formatters": {"json": {"()": "trackbase.core.logging.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
            "level": LOG_LEVEL,
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"level": LOG_LEVEL, "handlers": [], "propagate": True},
        "django.server": {"level": LOG_LEVEL, "handlers": [], "propagate": True},
        "django.request": {
            "level": LOG_LEVEL if LOG_LEVEL == "DEBUG" else _at_least("ERROR"),
            "filters": ["client_errors"],
        },
        "django.db.backends": {"level": _at_least("WARNING")},
    },
}

# Bare-framework ceiling endpoints for bench/ (never on in production).
BENCH_ENDPOINTS = env_bool("BENCH_ENDPOINTS", False)

# Travel (seed 003): CSV import limits and the layover window; Sign in with Apple.
TRAVEL_IMPORT_MAX_BYTES = env_int("TRAVEL_IMPORT_MAX_BYTES", 10 * 1024 * 1024)
TRAVEL_IMPORT_MAX_ROWS = env_int("TRAVEL_IMPORT_MAX_ROWS", 100_000)
TRAVEL_LAYOVER_HOURS = env_int("TRAVEL_LAYOVER_HOURS", 24)
# Sync tombstones and finished import jobs are purged after this many days (daily job, config/schedule.py);
# a device whose updated_since is older than the tombstone retention gets 410 SYNC_WINDOW_EXPIRED.
TRAVEL_TOMBSTONE_RETENTION_DAYS = env_int("TRAVEL_TOMBSTONE_RETENTION_DAYS", 90)
TRAVEL_IMPORT_JOB_RETENTION_DAYS = env_int("TRAVEL_IMPORT_JOB_RETENTION_DAYS", 7)
if TRAVEL_TOMBSTONE_RETENTION_DAYS < 1 or TRAVEL_IMPORT_JOB_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("TRAVEL_TOMBSTONE_RETENTION_DAYS and TRAVEL_IMPORT_JOB_RETENTION_DAYS must be >= 1.")
APPLE_JWKS_URL = env_str("APPLE_JWKS_URL", "https://appleid.apple.com/auth/keys")
APPLE_ISSUER = env_str("APPLE_ISSUER", "https://appleid.apple.com")
APPLE_BUNDLE_IDS = env_list("APPLE_BUNDLE_IDS", [])
APPLE_JWKS_CACHE_SECONDS = env_int("APPLE_JWKS_CACHE_SECONDS", 3600)
APPLE_JWKS_REFETCH_COOLDOWN_SECONDS = env_int("APPLE_JWKS_REFETCH_COOLDOWN_SECONDS", 30)

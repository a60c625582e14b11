"""Settings shared by every environment (local, test, production)."""

from datetime import timedelta

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE

from config.env import BASE_DIR, env_bool, env_int, env_list, env_str

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = False
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    # Swagger UI's own files, served from static/ (no CDN: government intranets have no internet).
    "drf_spectacular_sidecar",
    "axes",
    # Two-factor sign-in: TOTP authenticator apps and one-time recovery codes (accounts/two_factor.py).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Project apps. ``accounts`` holds the custom user model, which none of the
    # domain apps should own (every app depends on it).
    "accounts",
    # The business audit log: append-only, hash-chained; a ground-floor app every app writes to.
    "audit",
    "zones",
    "indicators",
    "tasks",
    "evidence",
    "assessments",
    "inspections",
    "reports",
    "demo",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Ends a session 30 minutes after the user's last own request; polls do not extend it.
    "accounts.sessions.IdleSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session entered a second factor (django-otp).
    "django_otp.middleware.OTPMiddleware",
    # The request's user and IP for the audit log; records refused requests (403) and downloads.
    "audit.middleware.AuditMiddleware",
    # Before anything else: the second factor (entered, or set up where required), and a new
    # password where an administrator set one.
    "accounts.middleware.AccountGateMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Refuses control characters and over-long integers in any query string, form or JSON body.
    "config.middleware.RequestGuardMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Content-Security-Policy on every response (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    # Records every evidence file download (reports.DownloadRecord) after the evidence views answer.
    "reports.middleware.EvidenceDownloadRecordMiddleware",
    # Last, as django-axes asks: it turns a lockout flagged during the request
    # into the lockout page (accounts.views.lockout_response).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "notifications.context_processors.bell",
                "accounts.context_processors.nav",
            ],
            # {{ x|num }} everywhere: numbers shown one way (83.5, not 83.50).
            "builtins": ["common.numbers"],
        },
    },
]

# SQLite is the embedded default so that a fresh clone runs with nothing else
# installed (healthchecks does the same); DATABASE_URL switches to PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        # A kept connection the server has dropped (a restart) is replaced before a request uses it.
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# Argon2id (argon2-cffi), Django's first recommendation: memory-hard, and about half the
# CPU of PBKDF2's 1,000,000 rounds per login on this hardware. Hashes made with PBKDF2
# (older accounts) still verify and are re-hashed with Argon2id at the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    # 等保三级 password policy: ≥ 8 characters mixing letters, digits and symbols.
    # It covers Django's MinimumLength and Numeric validators, which would only
    # repeat its message.
    {"NAME": "accounts.validators.PasswordComplexityValidator"},
]

# 等保三级 login hardening (django-axes). AxesStandaloneBackend comes first: it
# refuses a locked-out username before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_VERBOSE = False  # no start-up banner in every management command
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
# Lock the account (the username as typed), whatever the IP: 账号锁定. Not by IP:
# a government office often reaches the portal through one NAT address, and five
# typos by colleagues must not lock the whole office out. axes.W006 warns about
# rotating user agents/cookies, which cannot get round a lock on the username.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# A correct password no longer clears the failures by itself: for an account with two-factor
# sign-in, wrong codes count toward the same lockout, and only a complete sign-in (password,
# and the code where there is one) clears them (accounts/signals.py, accounts/two_factor.py).
AXES_RESET_ON_SUCCESS = False
# Attempts during a lockout do not extend it: the account opens 15 minutes
# after the failure that locked it, as the message says.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Successful logins are recorded by accounts.LoginEvent (the audit log), not twice.
AXES_DISABLE_ACCESS_LOG = True
AXES_COOLOFF_MESSAGE = "登录失败次数过多，账号已锁定 15 分钟，请稍后再试。"
# The login page itself, with the message above, HTTP 429.
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout_response"

# Idle sessions end after 30 minutes, and the cookie dies with the browser. Every request the
# user makes pushes the expiry on (accounts.sessions.IdleSessionMiddleware saves the session);
# a poll (a view marked @background_request) does not, so an open page cannot keep it alive.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Two-factor sign-in (accounts/two_factor.py): required for the three admins, superusers and
# anyone with admin access; TWO_FACTOR_REQUIRED_FOR_ALL=true requires it of every account.
TWO_FACTOR_ENFORCED = env_bool("TWO_FACTOR_ENFORCED", True)
TWO_FACTOR_REQUIRED_FOR_ALL = env_bool("TWO_FACTOR_REQUIRED_FOR_ALL", False)
OTP_TOTP_ISSUER = "示范区创建管理平台"

# A refused CSRF check answers with the portal's 403 page and a Chinese reason (config/errors.py).
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
# Dates one way everywhere ("2026-12-01"): config/formats/zh_Hans/formats.py.
FORMAT_MODULE_PATH = ["config.formats"]
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Uploaded files are private: never under STATIC_URL, only served by views that
# check permission.
MEDIA_ROOT = env_str("MEDIA_ROOT", str(BASE_DIR / "media"))

# Cache: what every user of a zone sees the same and changes rarely (a published indicator
# system's tree, the 驾驶舱 aggregates), each invalidated by the write that changes it.
# Redis when REDIS_URL is set, else the Celery broker's Redis (docker-compose), so every
# gunicorn worker shares one cache and an invalidation reaches them all; otherwise local
# memory, which is per process: right for the embedded single-process server, and why a
# deployment with several worker processes must have Redis. Entries also expire after
# CACHE_TIMEOUT seconds. A Redis cache that is down is a miss, not an error (the broker's Redis
# down must not take the pages with it): common.cache.TolerantRedisCache, with short timeouts.
_CACHE_REDIS = env_str("REDIS_URL") or (
    env_str("CELERY_BROKER_URL") if env_str("CELERY_BROKER_URL").startswith(("redis://", "rediss://")) else ""
)
CACHES = {
    "default": (
        {
            "BACKEND": "common.cache.TolerantRedisCache",
            "LOCATION": _CACHE_REDIS,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
        if _CACHE_REDIS
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "portal"}
    )
    | {"KEY_PREFIX": "portal", "TIMEOUT": env_int("CACHE_TIMEOUT", 3600)}
}

# Celery: no broker configured -> jobs run in-process (eager), so the embedded
# default needs no Redis. With CELERY_BROKER_URL set a real worker runs them.
CELERY_TASK_ALWAYS_EAGER = not env_str("CELERY_BROKER_URL")
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or "memory://localhost/"
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# A job whose worker process died is given back to the queue, not dropped; every job is
# idempotent (it claims its row), so running it again is safe.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Jobs that survive a dead broker (common/jobs.py): a beat job runs every JOBS_SWEEP_SECONDS and
# sends again what the broker refused; a job sent but not finished after JOBS_STUCK_SECONDS is
# sent again too (its message was lost or its worker died), and one interrupted
# JOBS_MAX_ATTEMPTS times fails with a Chinese reason instead.
JOBS_SWEEP_SECONDS = env_int("JOBS_SWEEP_SECONDS", 60)
JOBS_STUCK_SECONDS = env_int("JOBS_STUCK_SECONDS", 600)
JOBS_MAX_ATTEMPTS = env_int("JOBS_MAX_ATTEMPTS", 3)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker child whose resident set has grown past this many KiB (a report PDF peaks at about
# 330 MB, python -m benchmarks.reports) is replaced once its job ends, so memory freed by the
# PDF layout but kept by the allocator does not stay with the worker for ever.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", 300_000)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# Redis: a message taken by a worker that died before acknowledging it (acks_late) is
# delivered again to another worker after this many seconds (kombu's default, 1 hour).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
# Reports: the rendering worker refreshes a heartbeat on its report; a redelivered job
# takes the report over once the heartbeat is older than this many seconds.
REPORTS_RENDER_LEASE_SECONDS = env_int("REPORTS_RENDER_LEASE_SECONDS", 60)
# Celery beat (docker-compose "beat"); crontab times are in CELERY_TIMEZONE (Asia/Shanghai).
# Supervision first (marks overdue assignments, creates the day's reminders), then the
# e-mail digest: one message per person with everything not yet e-mailed.
CELERY_BEAT_SCHEDULE = {
    "supervise-assignments": {
        "task": "tasks.jobs.supervise_assignments",
        "schedule": crontab(hour=7, minute=30),
    },
    "send-notification-digests": {
        "task": "notifications.jobs.send_notification_digests",
        "schedule": crontab(hour=8, minute=0),
    },
    # Jobs the broker refused (it was down when the change committed) or lost, and jobs whose
    # worker died, are sent again (common/jobs.py): nothing stays queued or running for ever.
    "resend-stuck-score-jobs": {
        "task": "assessments.jobs.resend_stuck_score_jobs",
        "schedule": timedelta(seconds=JOBS_SWEEP_SECONDS),
    },
    "resend-unsent-notices": {
        "task": "tasks.jobs.resend_unsent_notices",
        "schedule": timedelta(seconds=JOBS_SWEEP_SECONDS),
    },
    # Reports queued or rendering past their lease (a lost message, a dead worker) are sent
    # again, or failed with a Chinese reason after JOBS_MAX_ATTEMPTS interruptions (重试 works).
    "resend-stuck-report-jobs": {
        "task": "reports.jobs.resend_stuck_report_jobs",
        "schedule": timedelta(seconds=JOBS_SWEEP_SECONDS),
    },
    # The same for 自查报告 PDFs (inspections.report.selfcheck_reports_resend_stuck).
    "resend-stuck-selfcheck-reports": {
        "task": "inspections.jobs.resend_stuck_selfcheck_reports",
        "schedule": timedelta(seconds=JOBS_SWEEP_SECONDS),
    },
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    # JSON only: DRF's browsable API is an English page (Swagger UI at /api/docs/ is the
    # human-readable API, in the sidecar's local files).
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "示范区创建管理平台 API",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and Swagger UI are for signed-in users only; Swagger UI's files come from
    # drf-spectacular-sidecar (static/), never a CDN.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "RoundKindEnum": "assessments.models.AssessmentRound.Kind",
        "UnitKindEnum": "zones.models.Unit.Kind",
        "RoundAggregationEnum": "assessments.models.AssessmentRound.Aggregation",
        "ReportKindEnum": "reports.models.Report.Kind",
        "ReportStatusEnum": "reports.models.Report.Status",
        "OpinionConclusionEnum": "reports.models.ReviewOpinion.Conclusion",
    },
}

# Content-Security-Policy (django-csp), sent on every response. Scripts, style sheets, fonts,
# frames and XHR only from this site: no CDN, no inline <script>, no inline event handler
# (onsubmit=…), no eval (htmx runs with allowEval false, see templates/base.html). One
# exception, by decision: inline ``style`` attributes (style-src-attr 'unsafe-inline'). The
# templates use a few for widths and colours computed from data (progress bars, heat-map
# cells), and ECharts and Bootstrap set them on the elements they draw; a style attribute
# cannot run script, and <style> elements stay refused (style-src 'self').
# frame-ancestors 'self': the evidence preview shows PDFs in an <iframe> of the same site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "frame-ancestors": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    }
}

# Upper bound for the unpacked size of an uploaded .xlsx (zip bomb guard).
XLSX_MAX_UNPACKED_BYTES = env_int("XLSX_MAX_UNPACKED_BYTES", 100 * 1024 * 1024)

# Uploads stream to a temporary file on disk, never into memory, so memory does not
# grow with the file (benchmarks/uploads.py measures it). Every upload first passes
# UploadLimitHandler, which stops a file at the receiving view's limit (common/uploads.py)
# or at UPLOAD_MAX_BYTES while it streams.
FILE_UPLOAD_HANDLERS = [
    "common.files.UploadLimitHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 100 * 1024 * 1024)
# Progress-report attachments (任务进展附件): size limit per file.
TASK_ATTACHMENT_MAX_BYTES = env_int("TASK_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
FILE_UPLOAD_TEMP_DIR = env_str("FILE_UPLOAD_TEMP_DIR") or None
# Evidence (佐证材料) uploads: size limit per file, and the unpacked size allowed for a
# DOCX/XLSX/OFD (zip bomb guard; 0 = ten times the size limit).
EVIDENCE_MAX_UPLOAD_BYTES = env_int("EVIDENCE_MAX_UPLOAD_BYTES", 100 * 1024 * 1024)
EVIDENCE_MAX_UNPACKED_BYTES = env_int("EVIDENCE_MAX_UNPACKED_BYTES", 0)
# Private downloads: "" = Django streams the file; "X-Accel-Redirect" (nginx, an
# `internal` location at SENDFILE_URL_PREFIX aliased to MEDIA_ROOT) or "X-Sendfile"
# (Apache mod_xsendfile) = the web server sends it after the view has checked access.
SENDFILE_HEADER = env_str("SENDFILE_HEADER", "")
SENDFILE_URL_PREFIX = env_str("SENDFILE_URL_PREFIX", "/protected-media/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

"""Settings shared by every environment.

Every switch is an environment variable, read here and nowhere else (see README, "Configuration").
The defaults are the safe ones for a real deployment; ``dev`` and ``test`` relax what they must and
``production`` refuses to start while a required variable is missing.
"""

import datetime
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE

BASE_DIR = Path(__file__).resolve().parents[2]

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

# Runtime files of the embedded set-up (SQLite database, SQLite task queue, uploads).
VAR_DIR = Path(env.str("ATELIER_VAR_DIR", default=str(BASE_DIR / "var")))

# --- Core -----------------------------------------------------------------------------------------

# Empty when unset: production.py refuses to start; dev.py and test.py use a labelled dev-only key.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
DEBUG = False  # dev.py turns it on; nothing else may
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
ATELIER_BASE_URL = env.str("ATELIER_BASE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "project.core",
    "project.accounts",
    "project.stores",
    "forms",
    "workflows",
    "aftersales",
    "training",
    "bridges",
    "reports",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "huey.contrib.djhuey",
    "import_export",
    "axes",
    "csp",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before XFrameOptionsMiddleware: it reads the X-Frame-Options that one set (frame-ancestors).
    "project.core.security.ContentSecurityPolicyMiddleware",
    "project.core.security.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes requires: turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# The sign-in throttle (django-axes) refuses a locked-out user before the model backend is asked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "project.urls"
WSGI_APPLICATION = "project.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "project" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Database -------------------------------------------------------------------------------------

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'atelier.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web and worker processes read while one writes; IMMEDIATE takes the write lock
    # when a transaction starts, so two writers queue up instead of failing with "database is
    # locked" half-way through.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# --- Task queue -----------------------------------------------------------------------------------

REDIS_URL = env.str("REDIS_URL", default="")
_huey_common = {
    "name": env.str("HUEY_QUEUE_NAME", default="atelier"),
    # djhuey would otherwise run tasks inline whenever DEBUG is on; the worker is the real path.
    "immediate": env.bool("HUEY_IMMEDIATE", default=False),
    "consumer": {
        "workers": env.int("HUEY_WORKERS", default=2),
        "worker_type": "thread",
    },
}
if REDIS_URL:
    HUEY = {**_huey_common, "huey_class": "huey.PriorityRedisHuey", "url": REDIS_URL}
else:
    HUEY = {
        **_huey_common,
        "huey_class": "huey.SqliteHuey",
        "filename": env.str("HUEY_SQLITE_PATH", default=str(VAR_DIR / "huey.sqlite3")),
    }

# Wagtail's background work (reference index, file deletion) goes through huey too.
TASKS = {
    "default": {
        "BACKEND": "huey.contrib.djhuey.tasks_backend.HueyBackend",
        "ENQUEUE_ON_COMMIT": True,
    },
}

# --- Files ----------------------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Attachments (care-file photos, signatures, chargeback evidence) are never served by URL: views
# check permission and stream them from this storage.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage",
    },
}
# Case attachments: the largest file accepted and the content types (read from the bytes, not
# the file name) that may be attached.
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_MB", default=20) * 1024 * 1024
ATTACHMENT_CONTENT_TYPES = env.list(
    "ATTACHMENT_CONTENT_TYPES",
    default=[
        "application/pdf",
        "image/heic",
        "image/jpeg",
        "image/png",
        "image/webp",
        "text/plain",
    ],
)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=10 * 1024 * 1024)
# The whole body of an upload request (every file of it): refused by its Content-Length before
# anything is read, and reading stops once more arrives than announced. Each form field has its
# own, smaller limit on top (forms' "maximum file size").
UPLOAD_MAX_REQUEST_BYTES = env.int("UPLOAD_MAX_REQUEST_MB", default=50) * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "forms.abuse.RequestSizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- Cache ----------------------------------------------------------------------------------------

# The public forms' rate limits count posts and confirmation e-mails here, so every web process
# must share it: the default (memory of one process) suits the single web process of one machine;
# with several, use Redis (rediscache://host:6379/1) or the database (dbcache://atelier_cache, then
# run `manage.py createcachetable`).
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

# --- E-mail ---------------------------------------------------------------------------------------

vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="atelier@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Public form pages ----------------------------------------------------------------------------

# Posts to form pages (each step of a multi-step form counts) accepted per visitor address within
# the window; more are refused with 429 until the window ends. 0 switches the limit off.
FORMS_RATE_LIMIT_POSTS = env.int("FORMS_RATE_LIMIT_POSTS", default=30)
FORMS_RATE_LIMIT_WINDOW_SECONDS = env.int("FORMS_RATE_LIMIT_WINDOW_SECONDS", default=600)
# Confirmation e-mails of public form pages per hour: to one e-mail address, for one visitor
# address (IPv6: per /64), and from one form page altogether. Past any of them the submission is
# still taken and thanked for; only its e-mail is left out. 0 switches that limit off.
FORMS_CONFIRMATIONS_PER_RECIPIENT_HOURLY = env.int(
    "FORMS_CONFIRMATIONS_PER_RECIPIENT_HOURLY", default=3
)
FORMS_CONFIRMATIONS_PER_CLIENT_HOURLY = env.int("FORMS_CONFIRMATIONS_PER_CLIENT_HOURLY", default=5)
FORMS_CONFIRMATIONS_PER_FORM_HOURLY = env.int("FORMS_CONFIRMATIONS_PER_FORM_HOURLY", default=100)
# Reverse proxies in front of Django that append to X-Forwarded-For: 0 uses REMOTE_ADDR, 1 the
# address the (one) proxy saw, and so on. Too high a number lets visitors choose their address.
# The admin's sign-in throttle finds the client's address the same way (project.core.http).
FORMS_TRUSTED_PROXY_COUNT = env.int("FORMS_TRUSTED_PROXY_COUNT", default=0)
# Hours a file uploaded on an earlier step of an unfinished multi-step form is kept.
FORMS_PENDING_UPLOAD_HOURS = env.int("FORMS_PENDING_UPLOAD_HOURS", default=24)
# Days a quotation stays valid unless staff set another date.
QUOTATION_VALID_DAYS = env.int("QUOTATION_VALID_DAYS", default=30)

# --- Internationalisation -------------------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("ko", "한국어"),
    ("uk", "Українська"),
    ("zh-hans", "简体中文"),
]
# Atelier's own catalogues (customer-facing texts); see CONTRIBUTING.md, "Translations".
LOCALE_PATHS = [BASE_DIR / "locale"]
# Stored times are UTC; each store's own time zone is used for its business hours and display.
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Security (safe defaults; dev.py relaxes them for plain-HTTP runserver) -----------------------

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
# The health endpoint is probed over plain HTTP by load balancers inside the private network.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"  # Wagtail marks its own preview views SAMEORIGIN.

# Content-Security-Policy (django-csp) of every response. Public pages (forms, the customer's
# decision page) run only our own files: no inline script or style, except one carrying the
# request's nonce. frame-ancestors follows X-Frame-Options (project.core.security): 'none', or
# 'self' for the views Wagtail marks SAMEORIGIN (previews).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        # data: for the signature pad, which paints a drawing sent back with errors from its PNG.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        # Where browsers report what the policy blocked (an endpoint of the monitoring in use).
        "report-uri": env.str("CSP_REPORT_URI", default="") or None,
    },
}
# What the Wagtail admin (everything under its URL) needs on top. Wagtail 8 still renders inline
# <script> elements without a nonce (chooser widgets, InlinePanel, date inputs) and style
# attributes (in templates and in HTML its scripts insert): without 'unsafe-inline' the admin's
# editing screens break. No nonce here: a nonce would make browsers ignore 'unsafe-inline'.
# blob: for the previews Wagtail's image and document upload show before sending.
CONTENT_SECURITY_POLICY_ADMIN = {
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
    "img-src": [SELF, "data:", "blob:"],
}
# Browser features no Atelier page uses, switched off for every page and any frame in it (photos
# are taken through the file input, which needs no camera permission).
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "usb": [],
}

# --- Sign-in (Wagtail admin) ----------------------------------------------------------------------

# django-axes counts failed sign-ins per user name and address together: after
# LOGIN_FAILURE_LIMIT failures, that user name is refused from that address until
# LOGIN_COOLOFF_MINUTES have passed without another failure, or an administrator unlocks it
# (Settings > Sign-in lockouts). Other addresses and other users are not affected, so nobody can
# lock a colleague out from elsewhere. A successful sign-in clears the count.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "project.accounts.views.login_locked_out"
AXES_CLIENT_IP_CALLABLE = "project.core.http.client_address"
# Successful sign-ins are not recorded (no address kept for them); failures only while they count.
AXES_DISABLE_ACCESS_LOG = True
# Django's own admin is not served; lockouts are managed in Wagtail's Settings menu.
AXES_ENABLE_ADMIN = False
# No start-up banner on every manage.py command; failures and lockouts are still logged.
AXES_VERBOSE = False

# --- Logging --------------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # The huey consumer installs its own handler; propagating would print every line twice.
    "loggers": {"huey": {"level": env.str("LOG_LEVEL", default="INFO"), "propagate": False}},
}

# --- Wagtail --------------------------------------------------------------------------------------

WAGTAIL_SITE_NAME = "Atelier"
# Staff avatars stay on our servers: no third-party image requests from the admin.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Nor a request for Wagtail's latest release from the dashboard (the policy allows none either).
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILADMIN_BASE_URL = ATELIER_BASE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]

# seed_demo creates users with published passwords: only where a settings module allows it.
DEMO_DATA_ALLOWED = False

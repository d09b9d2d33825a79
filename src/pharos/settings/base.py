"""Settings shared by every environment. Values from outside come through ``env``."""

from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from pharos.settings.env import env_bool, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = Path(env_str("PHAROS_HOME", str(Path.cwd())))
VAR_DIR = Path(env_str("PHAROS_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "ninja",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "pharos.core",
    "pharos.privacy",
    "pharos.tenancy",
    "pharos.accounts",
    "pharos.audit",
    "pharos.jobs",
    "pharos.persons",
    "pharos.cases",
    "pharos.casework",
    "pharos.screening",
    "pharos.assistance",
    "pharos.referrals",
    "pharos.exports",
    "pharos.imports",
    "pharos.research",
    "pharos.standards",
    "pharos.linkage",
    "pharos.statistics",
    "pharos.releases",
    "pharos.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "pharos.core.middleware.RequestIdMiddleware",
    "pharos.accounts.sessions.SlidingSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "pharos.core.middleware.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "pharos.tenancy.middleware.ActingOrganisationMiddleware",
    "pharos.accounts.middleware.TwoFactorRequiredMiddleware",
    "pharos.core.middleware.CapabilityMiddleware",
]

ROOT_URLCONF = "pharos.urls"
WSGI_APPLICATION = "pharos.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pharos.core.context_processors.pharos",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'pharos.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the job worker read while the other writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "account_login"

# allauth: e-mail is the login; lock an account after repeated failures.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ALLOW_REGISTRATION = False
ACCOUNT_ADAPTER = "pharos.accounts.adapter.PharosAccountAdapter"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
# Never "remember me": every session ends when idle or when the browser closes (shared computers).
ACCOUNT_SESSION_REMEMBER = False
# A reset asked for an unknown address sends nothing (no account list to probe, no mail to strangers).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": env_str("PHAROS_LOGIN_LOCKOUT", "5/15m/key,20/15m/ip"),
    "reset_password": "5/h/ip,3/h/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Pharos"
MFA_ADAPTER = "allauth.mfa.adapter.DefaultMFAAdapter"

# Idle sessions end: requests slide the expiry (in steps of a minute, pharos.accounts.sessions),
# and closing the browser ends it.
SESSION_ENGINE = "pharos.accounts.sessions"
SESSION_COOKIE_AGE = env_int("PHAROS_SESSION_IDLE_SECONDS", 30 * 60)
PHAROS_SESSION_SLIDE_SECONDS = 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("pt-br", _("Brazilian Portuguese")),
    ("ru", _("Russian")),
    ("ar", _("Arabic")),
]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "pharos_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# Outgoing mail (password reset). The demo writes messages to var/mail/; production sets
# PHAROS_MAIL_BACKEND to Django's SMTP backend with PHAROS_SMTP_* variables.
_MAIL_BACKEND = env_str("PHAROS_MAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
if _MAIL_BACKEND == "smtp":
    _MAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
MAILERS = {
    "default": {
        "BACKEND": _MAIL_BACKEND,
        "OPTIONS": (
            {"file_path": str(VAR_DIR / "mail")}
            if _MAIL_BACKEND.endswith("filebased.EmailBackend")
            else {
                "host": env_str("PHAROS_SMTP_HOST", "localhost"),
                "port": env_int("PHAROS_SMTP_PORT", 587),
                "username": env_str("PHAROS_SMTP_USER", ""),
                "password": env_str("PHAROS_SMTP_PASSWORD", ""),
                "use_tls": env_bool("PHAROS_SMTP_TLS", True),
            }
        ),
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "pharos@localhost")

# Personal data at rest: see pharos.privacy. Keys are "id:base64" pairs, newest first.
PHAROS_FIELD_KEYS = env_list("PHAROS_FIELD_KEYS", [])
PHAROS_BLIND_INDEX_KEY = env_str("PHAROS_BLIND_INDEX_KEY", "")
# Encrypted attachments are sealed as they stream (pharos.privacy.files); this is the size a
# module takes unless it sets its own (imports take PHAROS_IMPORT_MAX_BYTES, 1 GiB).
PHAROS_ATTACHMENT_MAX_BYTES = env_int("PHAROS_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
# How long a break-the-glass opening of another organisation's case lasts (pharos.referrals).
PHAROS_BREAK_GLASS_HOURS = env_int("PHAROS_BREAK_GLASS_HOURS", 4)
# Small uploads stay in memory; larger ones go to disk sealed under a key only the request
# holds (pharos.privacy.uploads), never as Django's plaintext temporary file. Past
# PHAROS_UPLOAD_MAX_BYTES only the size is kept, so the form can say the file is too large.
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "pharos.privacy.uploads.SealedTemporaryUploadHandler",
]
PHAROS_UPLOAD_MAX_BYTES = env_int("PHAROS_UPLOAD_MAX_BYTES", 1024 * 1024 * 1024)
# The largest case file an import reads (pharos.imports.reading); rows stream, so size costs time.
PHAROS_IMPORT_MAX_BYTES = env_int("PHAROS_IMPORT_MAX_BYTES", 1024 * 1024 * 1024)

# Record linkage (pharos.linkage): the default match probability from which two records are one
# person, and from which a pair goes to the review queue (each run may set its own).
PHAROS_LINKAGE_THRESHOLD = env_int("PHAROS_LINKAGE_THRESHOLD_PERCENT", 60) / 100
PHAROS_LINKAGE_REVIEW_LOW = env_int("PHAROS_LINKAGE_REVIEW_LOW_PERCENT", 30) / 100
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("PHAROS_UPLOAD_MEMORY_BYTES", 4 * 1024 * 1024)
# Case attachments (pharos.casework): the most a case file may be, and the types accepted,
# checked on the file's content; years a closed case keeps personal data where the country
# has no retention rule of its own.
PHAROS_CASE_ATTACHMENT_MAX_BYTES = env_int("PHAROS_CASE_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
PHAROS_CASE_ATTACHMENT_TYPES = env_list(
    "PHAROS_CASE_ATTACHMENT_TYPES", ["application/pdf", "image/jpeg", "image/png", "text/plain"]
)
PHAROS_RETENTION_YEARS = env_int("PHAROS_RETENTION_YEARS", 5)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "pharos.core.logging.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

SECRET_KEY = env_str("SECRET_KEY", "")

# The role every personal-data holder must protect with a second factor: see accounts.
PHAROS_REQUIRE_2FA = env_bool("PHAROS_REQUIRE_2FA", True)
NINJA_PAGINATION_PER_PAGE = 50

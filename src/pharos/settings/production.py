"""Production settings: every secret is required, HTTPS everywhere, shared cache."""

import os

# Production sends real mail: SMTP unless the deployment names another backend.
os.environ.setdefault("PHAROS_MAIL_BACKEND", "smtp")

from pharos.settings.base import *
from pharos.settings.env import env_bool, env_int, env_list, env_str

SECRET_KEY = env_str("SECRET_KEY")
PHAROS_FIELD_KEYS = env_list("PHAROS_FIELD_KEYS")
PHAROS_BLIND_INDEX_KEY = env_str("PHAROS_BLIND_INDEX_KEY")
if not PHAROS_FIELD_KEYS:
    from pharos.settings.env import ImproperlyConfiguredEnv

    raise ImproperlyConfiguredEnv("PHAROS_FIELD_KEYS must hold at least one key.")

DEBUG = False
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "pharos_cache",
    }
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Keep each server thread's database connection open between requests (re-checked before use):
# opening one per request cost the dashboard 40 % of its throughput in bench/statistics. Each
# WSGI thread holds at most one connection, so PostgreSQL's max_connections must cover
# processes x threads (+ the worker).
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

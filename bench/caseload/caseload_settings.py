"""Production settings for the caseload benchmark, served over plain HTTP on loopback.

Everything of ``pharos.settings.production`` stays (DEBUG off, Argon2, the database cache,
sessions, the middleware chain) except what needs HTTPS in front:
secure-only cookie names and flags, the HTTPS redirect and HSTS. Static files are served
unhashed (no ``collectstatic`` manifest is built for a benchmark; pages are measured
without their assets, as a browser with a warm cache would load them).
"""

from pharos.settings.production import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SECURE_HSTS_PRELOAD = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
SESSION_COOKIE_NAME = "sessionid"
CSRF_COOKIE_NAME = "csrftoken"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}

"""Settings for the test suite: fixed keys, fast hashing, the database from DATABASE_URL."""

import base64

from pharos.settings.base import *
from pharos.settings.base import PASSWORD_HASHERS

SECRET_KEY = "test-secret-key-not-for-production-0123456789-abcdefghijklmnop"  # noqa: S105
PHAROS_FIELD_KEYS = ["t1:" + base64.urlsafe_b64encode(b"\x01" * 32).decode()]
PHAROS_BLIND_INDEX_KEY = base64.urlsafe_b64encode(b"\x02" * 32).decode()
# Argon2 stays first in production; tests hash thousands of passwords.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
WHITENOISE_USE_FINDERS = True
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
ACCOUNT_RATE_LIMITS = {"login_failed": "5/15m/key", "reset_password": "5/h/ip,3/h/key"}

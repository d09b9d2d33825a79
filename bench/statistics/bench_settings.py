"""The test settings with what production sets for serving pages (``pharos.settings.production``):
the database cache, so several server processes share the computed statistics, and persistent
database connections."""

from pharos.settings.test import *  # noqa: F403

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "pharos_cache",
    }
}
DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405

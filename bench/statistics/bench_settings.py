"""The test settings with the database cache that production uses (``pharos.settings.production``),
so several server processes share the computed statistics, as they do in production."""

from pharos.settings.test import *  # noqa: F403

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "pharos_cache",
    }
}

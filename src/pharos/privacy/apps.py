from typing import Any

from django.apps import AppConfig
from django.core import checks


class PrivacyConfig(AppConfig):
    name = "pharos.privacy"
    label = "privacy"

    def ready(self) -> None:
        from django.core.signals import setting_changed

        setting_changed.connect(_forget_keys, dispatch_uid="pharos.privacy.keys")
        checks.register(check_keys, checks.Tags.security, deploy=True)


def _forget_keys(*, setting: str, **kwargs: Any) -> None:
    if setting in ("PHAROS_FIELD_KEYS", "PHAROS_BLIND_INDEX_KEY"):
        from pharos.privacy import keys

        keys.reset_cache()


def check_keys(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """``check --deploy``: the keys parse, and the blind index key is not a field key."""
    from django.core.exceptions import ImproperlyConfigured

    from pharos.privacy import keys

    try:
        keys.field_keys()
        keys.blind_index_key()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="privacy.E001")]
    return []

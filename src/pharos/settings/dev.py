"""Settings for a developer's machine and ``make demo``: the embedded SQLite under var/.

Secrets that are not in the environment are generated once into ``var/secrets.env`` so
that the demo's encrypted data stays readable across restarts. Never use this in
production: production.py refuses to start without real secrets.
"""

import base64
import os
import secrets

from pharos.settings.base import *
from pharos.settings.base import VAR_DIR
from pharos.settings.env import env_bool


def _local_secrets() -> dict[str, str]:
    path = VAR_DIR / "secrets.env"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        generated = {
            "SECRET_KEY": secrets.token_urlsafe(50),
            "PHAROS_FIELD_KEYS": "k1:" + base64.urlsafe_b64encode(os.urandom(32)).decode(),
            "PHAROS_BLIND_INDEX_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        }
        path.write_text("".join(f"{k}={v}\n" for k, v in generated.items()), encoding="utf-8")
        path.chmod(0o600)
    pairs = (line.split("=", 1) for line in path.read_text(encoding="utf-8").splitlines() if "=" in line)
    return dict(pairs)


_secrets = _local_secrets()
for _name, _value in _secrets.items():
    os.environ.setdefault(_name, _value)

SECRET_KEY = os.environ["SECRET_KEY"]
PHAROS_FIELD_KEYS = [k for k in os.environ["PHAROS_FIELD_KEYS"].split(",") if k]
PHAROS_BLIND_INDEX_KEY = os.environ["PHAROS_BLIND_INDEX_KEY"]

DEBUG = env_bool("DEBUG", False)
# WhiteNoise serves from the finders here; an existing STATIC_ROOT keeps it from warning.
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

"""Where the command line keeps its token: a private file under the user's config directory."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import typer

APP_NAME = "scraptrace-client"


def credentials_path() -> Path:
    """`$XDG_CONFIG_HOME/scraptrace-client/credentials.json` on Linux (click's app dir)."""
    return Path(typer.get_app_dir(APP_NAME)) / "credentials.json"


@dataclass(frozen=True)
class Credentials:
    url: str
    token: str
    username: str
    expires_at: str | None = None


def save(creds: Credentials) -> Path:
    path = credentials_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    # Created private, never world-readable even for a moment: the token is a password.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(asdict(creds), f, indent=2)
    os.chmod(path, 0o600)
    return path


def load() -> Credentials | None:
    path = credentials_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Credentials(url=str(data["url"]), token=str(data["token"]),
                           username=str(data.get("username", "")),
                           expires_at=data.get("expires_at"))
    except (OSError, ValueError, KeyError, TypeError):
        return None

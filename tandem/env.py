"""Typed readers for the environment, so settings never parse strings by hand."""

import os
from pathlib import Path


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def data_dir() -> Path:
    """Where the SQLite database, uploads, mail and logs live (TANDEM_DATA_DIR, default var/)."""
    base = Path(env_str("TANDEM_DATA_DIR", "var"))
    if not base.is_absolute():
        base = Path.cwd() / base
    base.mkdir(parents=True, exist_ok=True)
    return base


def secret_key(folder: Path) -> str:
    """The SECRET_KEY from the environment, or one generated once and kept in the data dir."""
    if os.environ.get("TANDEM_SECRET_KEY"):
        return os.environ["TANDEM_SECRET_KEY"]
    path = folder / "secret_key"
    if not path.exists():
        import secrets

        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()

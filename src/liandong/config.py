"""Settings: one object read from the environment (LIANDONG_*), built by the caller."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

Lang = Literal["zh", "en"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LIANDONG_", extra="ignore")

    data_dir: Path = Field(default=Path("var"), description="Where the SQLite file and keys live")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; SQLite if unset")
    lang: Lang = "zh"
    host: str = "127.0.0.1"
    port: int = 8000

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "liandong.sqlite3"

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+pysqlite:///{self.sqlite_path.resolve()}"

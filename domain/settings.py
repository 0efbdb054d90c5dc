"""Platform configuration from `SCRAPTRACE_*` environment variables."""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import ZoneInfo

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SCRAPTRACE_", extra="ignore")

    database_url: str = "sqlite:///./scraptrace.db"
    public_url: str = "http://127.0.0.1:8000"
    timezone: str = "Asia/Shanghai"
    # GB/T 2260 prefix of the home province: lots collected at sites whose region starts with it
    # are `in_province` (52 = Guizhou).
    home_region: str = "52"
    token_ttl_hours: int = 12
    # Events may be stamped a little ahead of the server clock (phone clocks drift); beyond this
    # skew an `occurred_at` in the future is refused.
    clock_skew_minutes: int = 10

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()

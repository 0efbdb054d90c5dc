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
    # A receipt heavier than the shipped mass by more than this percentage needs a reason.
    receive_gain_limit_pct: int = 5
    # How long after it occurred an event may still be recorded (a phone offline for weeks,
    # paper records entered late); older events answer `occurred-too-early`.
    backdate_days: int = 90
    # Failed logins allowed per minute for one username from one address, and from one address
    # for any usernames, before `429 too-many-attempts` (0: no limit). See docs/api.md.
    login_failures_per_user_address: int = 10
    login_failures_per_address: int = 50
    login_failure_window_s: float = 60.0
    # Lots one POST /events may create (collects, declares, transform outputs, melts).
    max_lots_per_request: int = 1000
    # Pre-allocated label codes an organisation may hold unused at once.
    label_quota_unused: int = 20_000
    # The transparency log (docs/transparency.md): the note signer key that signs checkpoints
    # (`scraptrace log keygen PATH` writes one; none: no checkpoint is signed). Turning the log
    # off is for the benchmark's baseline only: events stored meanwhile are never logged.
    log_key_file: str | None = None
    transparency_log: bool = True

    # Key of the opaque ids under which a trace shows lots the caller may not see. The default
    # is public: production sets its own secret.
    hidden_id_key: str = "scraptrace-dev-hidden-id-key"
    # How often the server sweeps for period findings (0: never).
    findings_sweep_s: int = 3600
    # Webhooks: the delivery worker runs in the server when set (`scraptrace serve` sets it);
    # private and loopback targets are refused unless allowed (tests, closed networks).
    webhook_worker: bool = False
    webhook_allow_private: bool = False
    webhook_retry_base_s: float = 5.0  # first retry; doubled each time, at most an hour apart
    webhook_poll_s: float = 1.0  # how often the worker looks for due deliveries when idle
    webhook_retry_hours: float = 24.0  # then a delivery is given up (`failed`)
    webhook_timeout_s: float = 10.0

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()

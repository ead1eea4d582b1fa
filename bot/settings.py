"""The one settings object of the bot process (extends the indexer's settings).

Environment variables use the prefix ``WISSENSLOTSE_``; the Bot Framework credentials keep
their conventional names ``MicrosoftAppId``, ``MicrosoftAppPassword``, ``MicrosoftAppTenantId``
and ``MicrosoftAppType``.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, field_validator

from bot.directory.holidays import Holidays, check_extra, check_land
from indexer.settings import IndexSettings


class Settings(IndexSettings):
    host: str | None = Field(None, description="bind address; default 127.0.0.1 in local mode")
    port: int = Field(3978, ge=0, le=65535, description="HTTP port")
    app_id: str = Field(
        "", validation_alias=AliasChoices("MicrosoftAppId", "WISSENSLOTSE_APP_ID"),
        description="Microsoft App ID of the Azure Bot (Teams); empty: local mode only",
    )
    app_password: str = Field(
        "", validation_alias=AliasChoices("MicrosoftAppPassword", "WISSENSLOTSE_APP_PASSWORD"),
        description="client secret of the Azure Bot's app registration",
    )
    app_tenant_id: str = Field(
        "", validation_alias=AliasChoices("MicrosoftAppTenantId", "WISSENSLOTSE_APP_TENANT_ID"),
        description="Microsoft 365 tenant id of a SingleTenant bot (also the default of "
        "allowed_tenants)",
    )
    app_type: str = Field(
        "MultiTenant", validation_alias=AliasChoices("MicrosoftAppType", "WISSENSLOTSE_APP_TYPE"),
        description="MultiTenant or SingleTenant (then MicrosoftAppTenantId is required)",
    )
    local_mode_enabled: bool = Field(
        False,
        validation_alias=AliasChoices("WISSENSLOTSE_LOCAL_MODE", "local_mode_enabled"),
        description="serve without Bot Framework credentials (this machine only); must be "
        "chosen explicitly (`serve --local`), `python -m bot serve` refuses to guess",
    )
    state_db: Path = Field(Path("var/state.sqlite"), description="SQLite file for runtime state")
    state_url: str = Field(
        "", pattern=r"^((postgresql|postgres)://\S+)?$",
        description="PostgreSQL for the state (postgresql://user:password@host:5432/db), "
        "needed for several replicas; empty: the SQLite file state_db (docs/state.md)",
    )
    directory_dir: Path | None = Field(
        None, description="folder of personen.csv etc.; default <kb_dir>/_verzeichnis"
    )
    admins: list[str] = Field(
        default_factory=list, description="person ids, e-mails or Teams ids of admins"
    )
    doc_base_url: str = Field("", description="base URL of the document share for links")
    min_confidence: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        description="below this answer confidence (0 to 1) the bot says it found nothing; "
        "default: the gate's calibrated threshold (docs/assistant.md)",
    )
    web_chat: bool | None = Field(
        None, description="serve the web chat; default: only in local mode"
    )
    web_chat_token: str = Field("", description="token required by the web chat outside local mode")
    fallback_contact: str = Field("", description="person id asked when a whole chain is away")
    timezone: str = Field(
        "Europe/Berlin", description="time zone of 'today' (absences) and of daily schedules"
    )
    log_questions: bool = Field(False, description="write question texts to the log")
    allowed_tenants: list[str] = Field(
        default_factory=list,
        description="Microsoft 365 tenant ids whose users may talk to the bot (JSON list); "
        "default: MicrosoftAppTenantId when set, else any tenant",
    )
    rate_limit_per_minute: int = Field(
        20, ge=1, description="messages one sender may send per minute (more get a polite refusal)"
    )
    max_pending_per_sender: int = Field(
        3, ge=1, description="messages of one sender processed at once (more get a polite refusal)"
    )
    retention_days: int = Field(
        90, ge=1, le=3650,
        description="days that questions, votes and ended chat absences are kept (DSGVO)",
    )
    routing_reminder_days: int = Field(
        2, ge=1, le=30,
        description="working days (Mon-Fri without public holidays) a routed question waits "
        "before its holder is reminded (issue 12); reminded again after as many days",
    )
    holiday_land: str = Field(
        "", description="two-letter code of the Land (NW, BY, ...) whose public holidays count "
        "besides the federal ones; empty: federal holidays only",
    )
    extra_holidays: list[str] = Field(
        default_factory=list,
        description="further days off (JSON list of MM-DD every year or YYYY-MM-DD once), "
        "e.g. Rosenmontag or a holiday only part of the Land keeps",
    )
    reindex_timeout_minutes: float = Field(
        60, gt=0, le=24 * 60,
        description="a reindex from chat running longer is stopped (its whole process group "
        "killed) and reported to the admin as failed; the bot keeps the current version",
    )
    index_watch_seconds: float = Field(
        2.0, ge=0.0, le=3600.0,
        description="how often (seconds) the bot checks the index folder's CURRENT for a new "
        "version built or rolled back elsewhere (another replica, the CLI); 0: only when asked",
    )
    gap_leaving_days: int = Field(180, description="horizon of the leaving-people report")
    gap_review_days: int = Field(365, description="documents older than this count as stale")
    public_url: str = Field(
        "", pattern=r"^(https?://\S+)?$",
        description="address browsers reach the bot at (https://...), for the report links it "
        "sends; default in local mode: http://127.0.0.1:<port>",
    )
    tenants_file: Path | None = Field(
        None, description="YAML file of the towns one deployment serves (docs/tenants.md); "
        "unset: one town, configured by the settings above",
    )
    town: str = Field(
        "", description="the town (id in the tenants file) these settings serve; set by the "
        "bot itself (`--town ID`), not by hand",
    )
    report_secret: str = Field(
        "", pattern=r"^(|.{32,})$",
        description="key that signs /bericht links (at least 32 characters); default: a random "
        "key kept beside the state database. Set it when several replicas serve.",
    )
    metrics_token: str = Field(
        "", description="bearer token that lets Prometheus scrape /metrics from another "
        "machine; empty: /metrics answers direct requests from this machine only",
    )
    auto_reindex: str = Field(
        "off", pattern=r"^(off|watch|daily@([01][0-9]|2[0-3]):[0-5][0-9])$",
        description="automatic reindex: 'off', 'watch' (poll the knowledge base's files and "
        "rebuild once they stop changing) or 'daily@HH:MM' (local time, see timezone)",
    )
    auto_reindex_poll_seconds: float = Field(
        30.0, ge=0.1, le=3600, description="how often 'watch' looks at the files' times"
    )
    auto_reindex_quiet_seconds: float = Field(
        60.0, ge=0, le=86400,
        description="'watch' rebuilds once the files have not changed for this long (debounce)",
    )

    @field_validator("holiday_land")
    @classmethod
    def _known_land(cls, value: str) -> str:
        return check_land(value)

    @field_validator("extra_holidays")
    @classmethod
    def _real_dates(cls, value: list[str]) -> list[str]:
        return check_extra(value)

    @property
    def holidays(self) -> Holidays:
        """The days that do not count as working days (reminders of routed questions)."""
        return Holidays(self.holiday_land, tuple(self.extra_holidays))

    @property
    def local_mode(self) -> bool:
        """Without Bot Framework credentials the bot serves only this machine."""
        return not self.app_id

    @property
    def tenant_allow_list(self) -> frozenset[str]:
        """Tenants served; empty = any (a multi-tenant app without MicrosoftAppTenantId)."""
        listed = self.allowed_tenants or ([self.app_tenant_id] if self.app_tenant_id else [])
        return frozenset(t.strip().lower() for t in listed if t.strip())

    @property
    def bind_host(self) -> str:
        return self.host or ("127.0.0.1" if self.local_mode else "0.0.0.0")

    @property
    def web_chat_enabled(self) -> bool:
        return self.local_mode if self.web_chat is None else self.web_chat

    @property
    def directory_path(self) -> Path:
        return self.directory_dir or self.kb_dir / "_verzeichnis"

    @property
    def report_base_url(self) -> str:
        """Where browsers reach /bericht: ``public_url``, else this machine in local mode."""
        if self.public_url:
            return self.public_url.rstrip("/")
        if self.local_mode and self.bind_host in ("127.0.0.1", "localhost", "::1"):
            host = "[::1]" if self.bind_host == "::1" else self.bind_host
            return f"http://{host}:{self.port}"
        return ""

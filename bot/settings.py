"""The one settings object of the bot process (extends the indexer's settings).

Environment variables use the prefix ``WISSENSLOTSE_``; the Bot Framework credentials keep
their conventional names ``MicrosoftAppId``, ``MicrosoftAppPassword``, ``MicrosoftAppTenantId``
and ``MicrosoftAppType``.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field

from indexer.settings import IndexSettings


class Settings(IndexSettings):
    host: str | None = Field(None, description="bind address; default 127.0.0.1 in local mode")
    port: int = Field(3978, ge=0, le=65535, description="HTTP port")
    app_id: str = Field(
        "", validation_alias=AliasChoices("MicrosoftAppId", "WISSENSLOTSE_APP_ID")
    )
    app_password: str = Field(
        "", validation_alias=AliasChoices("MicrosoftAppPassword", "WISSENSLOTSE_APP_PASSWORD")
    )
    app_tenant_id: str = Field(
        "", validation_alias=AliasChoices("MicrosoftAppTenantId", "WISSENSLOTSE_APP_TENANT_ID")
    )
    app_type: str = Field(
        "MultiTenant", validation_alias=AliasChoices("MicrosoftAppType", "WISSENSLOTSE_APP_TYPE")
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
    timezone: str = Field("Europe/Berlin")
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
        description="working days (Mon-Fri) a routed question waits before its holder is "
        "reminded (issue 12); reminded again after as many days",
    )
    gap_leaving_days: int = Field(180, description="horizon of the leaving-people report")
    gap_review_days: int = Field(365, description="documents older than this count as stale")
    public_url: str = Field(
        "", pattern=r"^(https?://\S+)?$",
        description="address browsers reach the bot at (https://...), for the report links it "
        "sends; default in local mode: http://127.0.0.1:<port>",
    )
    report_secret: str = Field(
        "", pattern=r"^(|.{32,})$",
        description="key that signs /bericht links (at least 32 characters); default: a random "
        "key kept beside the state database. Set it when several replicas serve.",
    )

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

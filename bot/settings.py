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
    state_db: Path = Field(Path("var/state.sqlite"), description="SQLite file for runtime state")
    directory_dir: Path | None = Field(
        None, description="folder of personen.csv etc.; default <kb_dir>/_verzeichnis"
    )
    admins: list[str] = Field(
        default_factory=list, description="person ids, e-mails or Teams ids of admins"
    )
    doc_base_url: str = Field("", description="base URL of the document share for links")
    min_confidence: float = Field(
        0.70,
        ge=0.0,
        le=1.0,
        description="below this answer confidence (0 to 1) the bot says it found nothing; "
        "calibrated for e5 on the sample knowledge base (docs/assistant.md)",
    )
    web_chat: bool | None = Field(
        None, description="serve the web chat; default: only in local mode"
    )
    web_chat_token: str = Field("", description="token required by the web chat outside local mode")
    fallback_contact: str = Field("", description="person id asked when a whole chain is away")
    timezone: str = Field("Europe/Berlin")
    log_questions: bool = Field(False, description="write question texts to the log")
    gap_leaving_days: int = Field(180, description="horizon of the leaving-people report")
    gap_review_days: int = Field(365, description="documents older than this count as stale")

    @property
    def local_mode(self) -> bool:
        """Without Bot Framework credentials the bot serves only this machine."""
        return not self.app_id

    @property
    def bind_host(self) -> str:
        return self.host or ("127.0.0.1" if self.local_mode else "0.0.0.0")

    @property
    def web_chat_enabled(self) -> bool:
        return self.local_mode if self.web_chat is None else self.web_chat

    @property
    def directory_path(self) -> Path:
        return self.directory_dir or self.kb_dir / "_verzeichnis"

"""Settings of the indexer, from environment variables (prefix ``WISSENSLOTSE_``) and ``.env``.

The bot's ``Settings`` extends this class: one settings object per process, and no other
module reads the environment.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class IndexSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="WISSENSLOTSE_", env_file=".env", extra="ignore", populate_by_name=True
    )

    kb_dir: Path = Field(Path("knowledge_base"), description="knowledge base folder")
    index_dir: Path = Field(Path("var/index"), description="index folder (holds versions)")
    release_dir: Path | None = Field(
        None,
        description="writable folder of released documents (handover interviews), indexed "
        "beside kb_dir with the same department sub-folders; a file there replaces the file "
        "with the same path in kb_dir. Default: kb_dir itself",
    )
    model: str = Field(
        "e5",
        description="embedding model: 'e5' (bundled multilingual-e5-small), 'minilm' "
        "(bundled all-MiniLM-L6-v2) or a sentence-transformers model name or local path",
    )
    max_file_mb: float = Field(50.0, description="files larger than this are skipped")
    chunk_tokens: int = Field(256, description="target size of a chunk in model tokens")
    keep_versions: int = Field(3, description="index versions kept on disk")

    @field_validator("max_file_mb")
    @classmethod
    def _positive_size(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("must be greater than 0")
        return value

    @field_validator("chunk_tokens")
    @classmethod
    def _sane_chunk(cls, value: int) -> int:
        if not 32 <= value <= 8192:
            raise ValueError("must be between 32 and 8192")
        return value

    @field_validator("keep_versions")
    @classmethod
    def _keep_one(cls, value: int) -> int:
        if value < 1:
            raise ValueError("must be at least 1")
        return value

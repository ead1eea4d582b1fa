"""Settings of the indexer, from environment variables (prefix ``WISSENSLOTSE_``) and ``.env``.

The bot's ``Settings`` extends this class: one settings object per process, and no other
module reads the environment.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO, Any, Literal, TypeVar

from pydantic import Field, ValidationError
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
    max_file_mb: float = Field(50.0, gt=0, description="files larger than this are skipped")
    chunk_tokens: int = Field(
        256, ge=32, le=8192, description="target size of a chunk in model tokens"
    )
    keep_versions: int = Field(3, ge=1, description="index versions kept on disk")
    log_format: Literal["text", "json"] = Field(
        "text", description="log lines as text, or one JSON object per line (time, level, "
        "logger, message; the bot adds the request id) for a log collector",
    )


SettingsT = TypeVar("SettingsT", bound=BaseSettings)


def invalid_settings_lines(error: ValidationError) -> list[str]:
    """One line per invalid setting, naming its environment variable and the value given."""
    lines = []
    for problem in error.errors():
        name = ".".join(str(part) for part in problem["loc"])
        given = str(problem.get("input"))[:60]
        lines.append(f"Invalid setting {name} (WISSENSLOTSE_{name.upper()}): {problem['msg']}, "
                     f"got {given!r}")
    return lines


def load_settings(
    settings_class: type[SettingsT], stream: IO[str] | None = None, **overrides: Any
) -> SettingsT | None:
    """The settings from the environment with ``overrides``; on invalid values the problems are
    printed to ``stream`` (stderr) the same way by every CLI, and None is returned."""
    try:
        return settings_class(**overrides)
    except ValidationError as error:
        for line in invalid_settings_lines(error):
            print(line, file=stream or sys.stderr)
        return None

"""Review: a DOCX/ODT whose XML unpacks to far more than its size on disk (a zip bomb) is
refused before python-docx/odfpy read it whole into memory."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from indexer.errors import LoaderError
from indexer.loaders import load_file
from indexer.loaders.zipped import MAX_XML_BYTES
from tests.indexer.conftest import FORMAT_FIXTURES

PADDING = MAX_XML_BYTES + 1024 * 1024  # deflates to well under 1 MB


def _inflated(original: Path, target: Path, part: str) -> Path:
    with zipfile.ZipFile(original) as source, \
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == part:
                head, _, rest = data.partition(b"?>")
                data = head + b"?><!--" + b" " * PADDING + b"-->" + rest
            copy.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return target


@pytest.mark.parametrize(("fixture", "part"), [("uebergabe.docx", "word/document.xml"),
                                               ("verfahren.odt", "content.xml")])
def test_zip_bomb_is_refused_with_a_reason(tmp_path: Path, fixture: str, part: str) -> None:
    bomb = _inflated(FORMAT_FIXTURES / fixture, tmp_path / fixture, part)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(LoaderError, match="zip bomb"):
        load_file(bomb, tmp_path)


@pytest.mark.parametrize("fixture", ["uebergabe.docx", "verfahren.odt"])
def test_ordinary_office_files_still_load(fixture: str) -> None:
    assert load_file(FORMAT_FIXTURES / fixture, FORMAT_FIXTURES)

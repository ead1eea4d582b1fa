"""The Teams app package: zip contents, manifest fields (schema v1.22 rules), icon sizes."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from bot.__main__ import main
from bot.teams_app import AppInfo, PackageError, build_manifest, write_package

APP_ID = "0b5e0a54-7d3c-4d8e-9f21-3a6b1c2d4e5f"


def test_package_holds_manifest_and_icons_of_the_right_size(tmp_path: Path) -> None:
    out = write_package(APP_ID, tmp_path / "app.zip",
                        info=AppInfo(domains=["dokumente.musterstadt.de"]))
    with zipfile.ZipFile(out) as package:
        assert sorted(package.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(package.read("manifest.json"))
        color = Image.open(io.BytesIO(package.read(manifest["icons"]["color"])))
        outline = Image.open(io.BytesIO(package.read(manifest["icons"]["outline"])))
    assert (color.format, color.size) == ("PNG", (192, 192))
    assert (outline.format, outline.size, outline.mode) == ("PNG", (32, 32), "RGBA")
    # the outline icon is white on transparent, as Teams requires
    every = [outline.getpixel((x, y)) for x in range(32) for y in range(32)]
    pixels = [p for p in every if p[3] > 0]
    assert pixels and all(p[:3] == (255, 255, 255) for p in pixels if p[3] == 255)
    assert outline.getpixel((0, 0))[3] == 0
    assert manifest["validDomains"] == ["dokumente.musterstadt.de"]


def test_manifest_fields_follow_the_schema_rules() -> None:
    manifest = build_manifest(APP_ID, "1.2.3")
    required = ["manifestVersion", "version", "id", "developer", "name", "description",
                "icons", "accentColor"]
    assert all(key in manifest for key in required)
    version = manifest["manifestVersion"]
    assert manifest["$schema"].endswith(f"/v{version}/MicrosoftTeams.schema.json")
    assert float(manifest["manifestVersion"]) >= 1.17
    assert manifest["id"] == APP_ID and manifest["version"] == "1.2.3"
    developer = manifest["developer"]
    assert set(developer) >= {"name", "websiteUrl", "privacyUrl", "termsOfUseUrl"}
    assert all(developer[k].startswith("https://") for k in developer if k.endswith("Url"))
    assert len(manifest["name"]["short"]) <= 30 and len(manifest["name"]["full"]) <= 100
    assert len(manifest["description"]["short"]) <= 80
    assert len(manifest["description"]["full"]) <= 4000
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", manifest["accentColor"])
    (bot,) = manifest["bots"]
    assert bot["botId"] == APP_ID
    assert sorted(bot["scopes"]) == ["groupChat", "personal", "team"]
    (commands,) = bot["commandLists"]
    assert len(commands["commands"]) <= 10
    assert {c["title"] for c in commands["commands"]} >= {"hilfe", "status", "neu indexieren"}
    assert all(len(c["title"]) <= 128 for c in commands["commands"])


@pytest.mark.parametrize("app_id, version, info", [
    ("not-a-guid", "1.0.0", AppInfo()),
    (APP_ID, "1.0", AppInfo()),
    (APP_ID, "1.0.0", AppInfo(website_url="http://insecure.example.org")),
    (APP_ID, "1.0.0", AppInfo(domains=["https://with-scheme.example.org/path"])),
    (APP_ID, "1.0.0", AppInfo(short_name="Ein viel zu langer Name für die Teams-App")),
])
def test_bad_arguments_are_refused(app_id: str, version: str, info: AppInfo) -> None:
    with pytest.raises(PackageError):
        build_manifest(app_id, version, info)


def test_cli_writes_the_zip_and_refuses_a_bad_id(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sub" / "wissenslotse.zip"
    assert main(["teams-package", "--app-id", APP_ID, "--out", str(out)]) == 0
    assert zipfile.is_zipfile(out)
    assert main(["teams-package", "--app-id", "42", "--out", str(tmp_path / "x.zip")]) == 2
    assert "GUID" in capsys.readouterr().err
    assert not (tmp_path / "x.zip").exists()

"""The tenants file: a valid file, and each rule broken once (a clear message, nothing started)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.settings import Settings
from bot.tenants import TenantsFileError, load_towns, town_settings


def entry(town_id: str, **changes: Any) -> dict[str, Any]:
    town = {"id": town_id, "name": f"Gemeinde {town_id}", "teams_tenant_id": f"T-{town_id}",
            "web_path": f"/stadt/{town_id}/", "kb_dir": f"{town_id}/kb",
            "index_dir": f"{town_id}/index"}
    town.update(changes)
    return {k: v for k, v in town.items() if v is not None}


def write(tmp_path: Path, *towns: dict[str, Any]) -> Path:
    path = tmp_path / "tenants.yaml"
    path.write_text(yaml.safe_dump({"towns": list(towns)}), encoding="utf-8")
    return path


def problems(tmp_path: Path, *towns: dict[str, Any]) -> str:
    with pytest.raises(TenantsFileError) as caught:
        load_towns(write(tmp_path, *towns), tmp_path / "var")
    return str(caught.value)


def test_a_valid_file_gives_absolute_folders_and_finds_towns(tmp_path: Path) -> None:
    towns = load_towns(write(tmp_path, entry("nord", admins=["it@nord.example"]),
                             entry("sued", directory_dir="/srv/sued/verzeichnis",
                                   state_dir="sued/var")), tmp_path / "var")
    nord, sued = towns.towns
    assert nord.kb_dir == (tmp_path / "nord" / "kb").resolve()
    assert nord.directory_dir == nord.kb_dir / "_verzeichnis"
    assert nord.state_db == tmp_path / "var" / "nord" / "state.sqlite"
    assert sued.directory_dir == Path("/srv/sued/verzeichnis")
    assert sued.state_dir == (tmp_path / "sued" / "var").resolve()
    assert towns.by_tenant("t-NORD") is nord and towns.by_tenant("other") is None
    assert towns.by_tenant(None) is None


@pytest.mark.parametrize(("towns", "message"), [
    ((entry("nord"), entry("nord", teams_tenant_id="T-x", web_path="/x/", kb_dir="x/kb",
                           index_dir="x/i")), "id 'nord' is used by towns nord, nord"),
    ((entry("nord"), entry("sued", teams_tenant_id="t-nord")),
     "teams_tenant_id 't-nord' is used by towns nord, sued"),
    ((entry("nord"), entry("sued", web_path="/stadt/nord/")), "web_path '/stadt/nord/'"),
    ((entry("nord"), entry("sued", kb_dir="nord/kb")), "share a folder: kb_dir"),
    ((entry("nord"), entry("sued", index_dir="nord/kb/index")), "share a folder: kb_dir"),
    ((entry("nord", state_dir="shared"), entry("sued", state_dir="shared")),
     "share a folder: state_dir"),
    ((entry("nord", tenant="x"),), "unknown keys tenant"),
    ((entry("nord", web_path=None),), "'web_path' is missing"),
    ((entry("Nord Ost"),), "id must be"),
    ((entry("nord", web_path="/api/nord/"),), "web_path must look like"),
    ((entry("nord", web_path="stadt/nord"),), "web_path must look like"),
    ((entry("nord", admins="it@nord"),), "'admins' must be a list"),
    ((entry("nord", kb_dir=""),), "'kb_dir' must be a non-empty text"),
])
def test_a_broken_rule_is_named(tmp_path: Path, towns: tuple[dict[str, Any], ...],
                                message: str) -> None:
    assert message in problems(tmp_path, *towns)


def test_every_problem_is_listed_with_its_town(tmp_path: Path) -> None:
    text = problems(tmp_path, entry("nord", extra=1), entry("sued", kb_dir=None))
    assert "town 'nord': unknown keys extra" in text
    assert "town 'sued': 'kb_dir' is missing" in text


@pytest.mark.parametrize("content", ["towns: []", "- id: nord", "städte: []", "towns: [", ""])
def test_a_file_of_the_wrong_shape_is_refused(tmp_path: Path, content: str) -> None:
    path = tmp_path / "tenants.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TenantsFileError, match="tenants file"):
        load_towns(path)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(TenantsFileError, match="cannot read it"):
        load_towns(tmp_path / "nowhere.yaml")


def test_town_settings_replace_every_town_folder_and_the_admins(tmp_path: Path) -> None:
    base = Settings(_env_file=None, admins=["global-admin"], release_dir=tmp_path / "rel",
                    report_secret="x" * 40, public_url="https://bot.example/")
    nord, sued = load_towns(write(tmp_path, entry("nord", admins=["it@nord"]), entry("sued")),
                            tmp_path / "var").towns
    one, other = town_settings(nord, base), town_settings(sued, base)
    assert one.admins == ["it@nord"] and other.admins == []
    assert one.release_dir is None  # the deployment's release folder is nobody's
    assert (one.kb_dir, one.index_dir, one.state_db) == (nord.kb_dir, nord.index_dir,
                                                         nord.state_db)
    assert one.report_base_url == "https://bot.example/stadt/nord"
    assert one.report_secret != other.report_secret and len(one.report_secret) >= 32
    assert one.town == "nord" and one.tenant_allow_list == {"t-nord"}


def test_two_towns_may_not_share_a_web_chat_token(tmp_path: Path) -> None:
    text = problems(tmp_path, entry("nord", web_chat_token="same"),
                    entry("sued", web_chat_token="same"))
    assert "web_chat_token of towns nord, sued is the same" in text
    assert "same'" not in text  # the token itself is not printed


def test_a_web_chat_outside_local_mode_needs_each_towns_token(tmp_path: Path) -> None:
    from bot.errors import ConfigurationError
    from bot.towns_app import create_towns_app

    path = write(tmp_path, entry("nord", web_chat_token="t1"), entry("sued"))
    settings = Settings(_env_file=None, tenants_file=path, web_chat=True, web_chat_token="all",
                        app_id="11111111-2222-3333-4444-555555555555")
    towns = load_towns(path, tmp_path / "var")
    with pytest.raises(ConfigurationError, match="web_chat_token of town 'sued'"):
        create_towns_app(settings, towns)
    single = Settings(_env_file=None, tenants_file=path, app_type="SingleTenant",
                      app_id="11111111-2222-3333-4444-555555555555", app_tenant_id="t")
    with pytest.raises(ConfigurationError, match="MultiTenant"):
        create_towns_app(single, towns)

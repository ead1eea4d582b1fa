"""Two small towns for the tenant tests, written into a temp folder: the same topic (a
ferry, "Fähre") in both, but every title, body, keyword, task id, department, person,
absence and stored question carries words that exist in one town only (the markers)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.tenants import towns_of
from indexer.build import build_index
from indexer.embedding import FakeEmbedder
from indexer.settings import IndexSettings


@dataclass(frozen=True)
class Plan:
    """One town and its marker words (each appears in this town's data only)."""

    id: str
    tenant: str
    title: str  # document title
    body: str  # document body
    keyword: str  # front matter and task keywords
    task: str  # task id
    department: str
    holder: tuple[str, str]  # (person id, name): the task's holder, away today
    deputy: tuple[str, str]
    head: tuple[str, str]
    admin: tuple[str, str]
    question: str  # a question asked in this town and stored as unanswered

    @property
    def web_path(self) -> str:
        return f"/stadt/{self.id}/"

    def markers(self) -> list[str]:
        words = [self.title, self.body, self.keyword, self.task, self.department,
                 self.holder[0], self.deputy[0], self.head[0], self.admin[0],
                 re.sub(r"\W", " ", self.question).split()[-1]]
        words += [name.split()[-1] for _, name in (self.holder, self.deputy, self.head,
                                                  self.admin)]
        return words


NORD = Plan("nord", "tenant-nord-0001", "Amselbrücke", "Ibisgraben", "Kranichsteg",
            "kranichtaxe", "Meisenamt", ("aamsel", "Anton Amselberger"),
            ("bbirk", "Berta Birkhahn"), ("cdohle", "Carla Dohlenbeck"),
            ("dnordadm", "Dora Nordadminska"), "Wann öffnet der Pelikanhof?")
SUED = Plan("sued", "tenant-sued-0002", "Zebrabrücke", "Quokkagraben", "Yaksteg",
            "yaktaxe", "Wombatamt", ("xquall", "Xaver Quallinger"),
            ("uurmel", "Ulla Urmelkamp"), ("vvielf", "Vera Vielfrassowa"),
            ("wsuedadm", "Walter Suedadminow"), "Wann öffnet der Okapihof?")


def aad(person_id: str) -> str:
    return f"aad-{person_id}"


def write_town(root: Path, plan: Plan) -> dict[str, Any]:
    """The town's knowledge base and directory; its entry of the tenants file."""
    kb = root / plan.id / "kb"
    (kb / "verkehr").mkdir(parents=True)
    (kb / "verkehr" / "faehre.md").write_text(
        "---\n"
        f"titel: Fährbetrieb {plan.title}\n"
        f"aufgaben: [{plan.task}]\n"
        f"zustaendig: {plan.holder[0]}\n"
        f"vertretung: [{plan.deputy[0]}]\n"
        f"stichwoerter: [Fähre, Fährgebühr, {plan.keyword}]\n"
        "zugriff: []\n"
        f"abteilung: {plan.department}\n"
        "dokumenttyp: uebergabe\n"
        "zuletzt_geprueft: 2024-01-10\n"
        "---\n\n"
        f"# Fährbetrieb {plan.title}\n\n"
        "## Ablauf Schritt für Schritt\n\n"
        f"1. Die Fährgebühr am Bootsanleger kassieren und im {plan.body} quittieren.\n"
        "2. Den Fahrplan der Fähre am Bootsanleger aushängen.\n"
        "3. Bei Hochwasser die Fähre sperren und die Fährgebühr erstatten.\n",
        encoding="utf-8")
    folder = kb / "_verzeichnis"
    folder.mkdir()
    people = [(plan.holder, "verkehr"), (plan.deputy, "verkehr"),
              (plan.head, "verkehr,leitung"), (plan.admin, "admins")]
    rows = ["id;name;abteilung;telefon;raum;email;teams_id;gruppen;austritt"]
    rows += [f"{pid};{name};{plan.department};0700 {n};{n}.01;{pid}@{plan.id}.example;"
             f"{aad(pid)};{groups};" for n, ((pid, name), groups) in enumerate(people, 1)]
    _write(folder / "personen.csv", rows)
    _write(folder / "zustaendigkeiten.csv", [
        "aufgabe_id;aufgabe;stichwoerter;abteilung;zustaendig;vertretung1;vertretung2",
        f"{plan.task};Fährbetrieb;Fähre,Fährgebühr,{plan.keyword};{plan.department};"
        f"{plan.holder[0]};{plan.deputy[0]};"])
    _write(folder / "abteilungen.csv", ["abteilung;leitung;telefon",
                                        f"{plan.department};{plan.head[0]};0700 9"])
    _write(folder / "abwesenheiten.csv", ["person;von;bis;vertretung;grund",
                                          f"{plan.holder[0]};01.08.2026;31.08.2026;;Urlaub"])
    return {"id": plan.id, "name": f"Gemeinde {plan.id.title()}",
            "teams_tenant_id": plan.tenant, "web_path": plan.web_path,
            "kb_dir": f"{plan.id}/kb", "index_dir": f"{plan.id}/index",
            "state_dir": f"{plan.id}/var", "admins": [f"it@{plan.id}.example"]}


def write_tenants(root: Path, *plans: Plan, tokens: bool = False) -> Path:
    """The tenants file of ``plans``; with ``tokens`` each town's web chat token is
    ``token-<id>``."""
    towns = [write_town(root, p) for p in plans]
    if tokens:
        for town in towns:
            town["web_chat_token"] = f"token-{town['id']}"
    path = root / "tenants.yaml"
    path.write_text(yaml.safe_dump({"towns": towns}, allow_unicode=True), encoding="utf-8")
    return path


def indexed_towns(settings: Any) -> Any:
    """The towns of ``settings``' tenants file, each with its index built (fake embedder)."""
    towns = towns_of(settings)
    assert towns is not None
    for town in towns:
        build_index(IndexSettings(kb_dir=town.kb_dir, index_dir=town.index_dir, model="fake"),
                    FakeEmbedder())
    return towns


def _write(path: Path, rows: list[str]) -> None:
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def found(plan: Plan, output: Any, ignore: tuple[str, ...] = ()) -> list[str]:
    """The markers of ``plan`` in ``output`` (text or JSON; the asker's own words in
    ``ignore`` are taken out first: a reply may quote the question)."""
    text = output if isinstance(output, str) else json.dumps(output, ensure_ascii=False)
    for words in ignore:
        text = text.replace(words, " ")
    folded = text.casefold()
    return sorted({m for m in plan.markers() if m.casefold() in folded})

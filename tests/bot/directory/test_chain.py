"""The chain walk: responsible -> deputy 1 -> deputy 2 past absent people, on fixed dates."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.directory import DEPUTY, FALLBACK, HEAD, RESPONSIBLE, STAND_IN
from bot.directory.directory import Absence, Directory, UnknownTask

# Fixture absences: bschneider 03.-14.08.2026, tkoch 10.-12.08., mweber 13.-21.08.,
# lfischer 01.-04.09. naming hbraun as her own stand-in.
# hundesteuer: bschneider -> tkoch -> mweber; grundsteuer: tkoch -> bschneider;
# ausweise: lfischer -> kwolf; Steueramt's head is hbraun.


def load(folder: Path, *extra: Absence, fallback: str | None = None) -> Directory:
    return Directory.load(folder, extra_absences=extra, fallback_contact=fallback)


def test_owner_present(fixture_dir: Path) -> None:
    who = load(fixture_dir).who_handles("hundesteuer", date(2026, 7, 30))
    assert who.contact is not None and who.contact.id == "bschneider"
    assert not who.all_away
    assert [(link.person.id, link.role, link.available) for link in who.chain] == [
        ("bschneider", RESPONSIBLE, True)
    ]
    assert who.lines == ("Zuständig: Birgit Schneider, Tel. 07123 4567-214, Raum 1.10",)


def test_absent_owner_gives_first_deputy_with_contact(fixture_dir: Path) -> None:
    who = load(fixture_dir).who_handles("hundesteuer", date(2026, 8, 5))
    assert who.contact is not None and who.contact.id == "tkoch"
    assert who.contact_role == DEPUTY
    assert who.lines == (
        "Birgit Schneider ist bis 14.08.2026 abwesend; "
        "Vertretung: Tobias Koch, Tel. 07123 4567-215, Raum 1.12",
    )
    assert who.chain[0].absence is not None and who.chain[0].absence.end == date(2026, 8, 14)


def test_absent_owner_and_deputy_give_second_deputy(fixture_dir: Path) -> None:
    who = load(fixture_dir).who_handles("hundesteuer", date(2026, 8, 11))
    assert who.contact is not None and who.contact.id == "mweber"
    assert [(link.person.id, link.available) for link in who.chain] == [
        ("bschneider", False), ("tkoch", False), ("mweber", True),
    ]
    assert who.lines[0] == "Birgit Schneider ist bis 14.08.2026 abwesend"
    assert who.lines[1].startswith("Tobias Koch ist bis 12.08.2026 abwesend; Vertretung: Maria")


def test_present_owner_with_absent_deputy_is_still_the_contact(fixture_dir: Path) -> None:
    who = load(fixture_dir).who_handles("gewerbesteuer", date(2026, 8, 11))
    assert who.contact is not None and who.contact.id == "mweber"
    who = load(fixture_dir).who_handles("grundsteuer", date(2026, 7, 1))
    assert who.contact is not None and who.contact.id == "tkoch"


def test_everyone_absent_names_department_head(fixture_dir: Path) -> None:
    who = load(fixture_dir).who_handles("grundsteuer", date(2026, 8, 11))
    assert who.all_away
    assert who.contact is not None and who.contact.id == "hbraun"
    assert who.chain[-1].role == HEAD
    assert "Alle Zuständigen für „Grundsteuer“ sind am 11.08.2026 abwesend." in who.lines
    assert who.lines[-1] == (
        "Bitte wenden Sie sich an die Abteilungsleitung: Hans Braun, Tel. 07123 4567-200, "
        "Raum 1.01"
    )


def test_everyone_absent_and_head_absent_names_fallback_contact(fixture_dir: Path) -> None:
    head_away = Absence("hbraun", date(2026, 8, 1), date(2026, 8, 31), origin="chat")
    who = load(fixture_dir, head_away, fallback="lfischer").who_handles(
        "grundsteuer", date(2026, 8, 11)
    )
    assert who.all_away
    assert who.contact is not None and who.contact.id == "lfischer"
    assert who.chain[-1].role == FALLBACK
    assert "allgemeine Ansprechperson: Lena Fischer" in who.lines[-1]


def test_everyone_absent_without_head_or_fallback_says_so(fixture_dir: Path) -> None:
    (fixture_dir / "abteilungen.csv").write_text("abteilung;leitung;telefon\n", encoding="utf-8")
    who = load(fixture_dir).who_handles("grundsteuer", date(2026, 8, 11))
    assert who.all_away and who.contact is None
    assert "keine Abteilungsleitung" in who.lines[-1]


def test_absence_with_own_stand_in_wins_over_table(fixture_dir: Path) -> None:
    who = load(fixture_dir).who_handles("ausweise", date(2026, 9, 2))
    assert who.contact is not None and who.contact.id == "hbraun"  # not kwolf (deputy 1)
    assert who.contact_role == STAND_IN
    assert who.lines == (
        "Lena Fischer ist bis 04.09.2026 abwesend; Vertretung laut Abwesenheitseintrag: "
        "Hans Braun, Tel. 07123 4567-200, Raum 1.01",
    )


def test_absent_own_stand_in_falls_back_to_table_deputy(fixture_dir: Path) -> None:
    stand_in_away = Absence("hbraun", date(2026, 9, 1), date(2026, 9, 3), origin="chat")
    who = load(fixture_dir, stand_in_away).who_handles("ausweise", date(2026, 9, 2))
    assert who.contact is not None and who.contact.id == "kwolf"
    assert [link.person.id for link in who.chain] == ["lfischer", "hbraun", "kwolf"]


def test_absence_starting_tomorrow_does_not_count_today(fixture_dir: Path) -> None:
    directory = load(fixture_dir)
    today = directory.who_handles("hundesteuer", date(2026, 8, 2))
    tomorrow = directory.who_handles("hundesteuer", date(2026, 8, 3))
    assert today.contact is not None and today.contact.id == "bschneider"
    assert tomorrow.contact is not None and tomorrow.contact.id == "tkoch"


def test_absence_ending_today_still_counts_today(fixture_dir: Path) -> None:
    directory = load(fixture_dir)
    last_day = directory.who_handles("hundesteuer", date(2026, 8, 14))
    back = directory.who_handles("hundesteuer", date(2026, 8, 15))
    assert last_day.contact is not None and last_day.contact.id == "tkoch"
    assert back.contact is not None and back.contact.id == "bschneider"


def test_chat_absence_with_stand_in_replaces_table_deputy(fixture_dir: Path) -> None:
    chat = Absence("bschneider", date(2026, 10, 5), date(2026, 10, 9), "mweber", origin="chat")
    directory = load(fixture_dir).with_absences([chat])
    who = directory.who_handles("hundesteuer", date(2026, 10, 7))
    assert who.contact is not None and who.contact.id == "mweber"
    assert directory.with_absences([]).who_handles("hundesteuer", date(2026, 10, 7)).contact \
        == directory.person("bschneider")


def test_stand_in_cycle_terminates(fixture_dir: Path) -> None:
    cycle = [
        Absence("bschneider", date(2026, 10, 1), date(2026, 10, 9), "tkoch", origin="chat"),
        Absence("tkoch", date(2026, 10, 1), date(2026, 10, 9), "bschneider", origin="chat"),
        Absence("mweber", date(2026, 10, 1), date(2026, 10, 9), "tkoch", origin="chat"),
    ]
    who = load(fixture_dir, *cycle).who_handles("hundesteuer", date(2026, 10, 5))
    assert who.all_away
    assert [link.person.id for link in who.chain] == ["bschneider", "tkoch", "mweber", "hbraun"]


def test_unknown_task_raises(fixture_dir: Path) -> None:
    with pytest.raises(UnknownTask):
        load(fixture_dir).who_handles("kantine", date(2026, 8, 5))


def test_task_without_responsible_names_the_deputy_as_such(fixture_dir: Path) -> None:
    with (fixture_dir / "zustaendigkeiten.csv").open("a", encoding="utf-8") as handle:
        handle.write("fundbuero;Fundbüro;Fundsache;Bürgerbüro;;kwolf;\n")
    directory = load(fixture_dir)
    assert [p.line for p in directory.problems] == [7]
    who = directory.who_handles("fundbuero", date(2026, 8, 5))
    assert who.contact is not None and who.contact.id == "kwolf"
    assert who.lines == ("Für „Fundbüro“ ist niemand als zuständig eingetragen.",
                         "Vertretung: Klaus Wolf, Tel. 07123 4567-102, Raum 0.06")


def test_task_with_nobody_at_all(fixture_dir: Path) -> None:
    with (fixture_dir / "zustaendigkeiten.csv").open("a", encoding="utf-8") as handle:
        handle.write("fundbuero;Fundbüro;Fundsache;Bürgerbüro;;;\n")
    who = load(fixture_dir).who_handles("fundbuero", date(2026, 8, 5))
    assert who.all_away and who.contact is not None and who.contact.id == "lfischer"
    assert who.lines[0] == "Für „Fundbüro“ ist niemand als zuständig eingetragen."

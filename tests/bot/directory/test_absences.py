"""Absences from chat: sentences and commands, and "only your own absence"."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.directory import (
    ABSENT,
    BACK,
    AbsenceInPast,
    AbsenceRequest,
    DateError,
    Directory,
    NotAllowed,
    StandInIsSelf,
    UnknownPerson,
    UnknownSelf,
    carry_out,
    check_may_set,
    is_admin,
    parse_absence_request,
)
from bot.state import State
from bot.texts.directory import error_message

TODAY = date(2026, 7, 20)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Ich bin vom 3. bis 14. August im Urlaub, meine Vertretung ist Tobias Koch",
            AbsenceRequest(ABSENT, date(2026, 8, 3), date(2026, 8, 14), "Tobias Koch",
                           reason="Urlaub"),
        ),
        (
            "Ich bin ab morgen bis Freitag krank.",
            AbsenceRequest(ABSENT, date(2026, 7, 21), date(2026, 7, 24), reason="abwesend"),
        ),
        (
            "Am 12.09. bin ich nicht da. Vertreten werde ich von Frau Weber.",
            AbsenceRequest(ABSENT, date(2026, 9, 12), date(2026, 9, 12), "Weber"),
        ),
        (
            "abwesend 03.08.-14.08.",
            AbsenceRequest(ABSENT, date(2026, 8, 3), date(2026, 8, 14)),
        ),
        (
            "abwesend 03.08.-14.08. vertretung Tobias Koch",
            AbsenceRequest(ABSENT, date(2026, 8, 3), date(2026, 8, 14), "Tobias Koch"),
        ),
        (
            "Abwesend 3.8.2026 bis 14.8.2026 Vertretung tkoch für Birgit Schneider",
            AbsenceRequest(ABSENT, date(2026, 8, 3), date(2026, 8, 14), "tkoch",
                           "Birgit Schneider"),
        ),
        (
            "abwesend 03.08.-14.08. für Frau Schneider vertretung Herr Koch",
            AbsenceRequest(ABSENT, date(2026, 8, 3), date(2026, 8, 14), "Herr Koch",
                           "Frau Schneider"),
        ),
        ("abwesend morgen", AbsenceRequest(ABSENT, date(2026, 7, 21), date(2026, 7, 21))),
        (
            "Ich bin nächste Woche auf Fortbildung",
            AbsenceRequest(ABSENT, date(2026, 7, 27), date(2026, 7, 31), reason="Fortbildung"),
        ),
        (
            "Ich bin vom 1. bis 5. Juni in Sonderurlaub",
            AbsenceRequest(ABSENT, date(2027, 6, 1), date(2027, 6, 5), reason="Urlaub"),
        ),
        (
            "Ich bin morgen ab 8.30 Uhr nicht erreichbar",
            AbsenceRequest(ABSENT, date(2026, 7, 21), date(2026, 7, 21)),
        ),
        ("zurück", AbsenceRequest(BACK)),
        ("Ich bin wieder da!", AbsenceRequest(BACK)),
        ("zurueck für Birgit Schneider", AbsenceRequest(BACK, person="Birgit Schneider")),
    ],
)
def test_requests_are_read(text: str, expected: AbsenceRequest) -> None:
    assert parse_absence_request(text, TODAY) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Wer macht die Hundesteuer, wenn Frau Schneider im Urlaub ist?",
        "Ist Birgit vom 3. bis 14. August im Urlaub?",
        "Ich bin neu hier. Wie beantrage ich Urlaub?",
        "Frau Schneider ist vom 3. bis 14. August im Urlaub",  # no first person: a remark
        "zurück zur Frage von vorhin",
        "Wie läuft die Abmeldung eines Hundes?",
    ],
)
def test_other_texts_are_no_requests(text: str) -> None:
    assert parse_absence_request(text, TODAY) is None


@pytest.mark.parametrize("text", ["abwesend 31.02.-03.03.", "abwesend", "abwesend 14.08.-03.08.",
                                  "Ich bin vom 30.02. bis 03.03. im Urlaub"])
def test_broken_dates_in_requests_raise(text: str) -> None:
    with pytest.raises(DateError):
        parse_absence_request(text, TODAY)


def test_only_own_absence_for_non_admins(fixture_dir: Path) -> None:
    directory = Directory.load(fixture_dir)
    birgit, tobias = directory.person("bschneider"), directory.person("tkoch")
    assert birgit is not None and tobias is not None
    check_may_set(birgit, birgit, admin=False)
    with pytest.raises(NotAllowed) as caught:
        check_may_set(tobias, birgit, admin=False)
    assert error_message(caught.value).startswith("Sie können nur Ihre eigene Abwesenheit")
    check_may_set(tobias, birgit, admin=True)
    with pytest.raises(UnknownSelf):
        check_may_set(None, birgit, admin=False)


def test_admins_from_settings_match_id_email_or_teams_id(fixture_dir: Path) -> None:
    directory = Directory.load(fixture_dir)
    hans = directory.person("hbraun")
    assert is_admin(["hbraun"], hans)
    assert is_admin(["H.Braun@musterstadt.de"], hans)
    assert is_admin(["29:aad-x"], None, "29:aad-x")
    assert not is_admin(["hbraun"], directory.person("tkoch"), "29:aad-tkoch")
    assert not is_admin([], hans)
    (fixture_dir / "personen.csv").write_text(
        (fixture_dir / "personen.csv").read_text(encoding="utf-8").replace(
            "kaemmerei,personalamt", "kaemmerei,admins"), encoding="utf-8")
    assert is_admin([], Directory.load(fixture_dir).person("hbraun"))


def test_carry_out_writes_own_absence_and_chain_uses_it(fixture_dir: Path, tmp_path: Path) -> None:
    directory = Directory.load(fixture_dir)
    state = State(tmp_path / "state.sqlite")
    request = parse_absence_request(
        "Ich bin vom 5. bis 9. Oktober im Urlaub, meine Vertretung ist Maria Weber", TODAY
    )
    assert request is not None
    reply = carry_out(request, directory.person("bschneider"), False, directory, state, TODAY)
    assert reply == (
        "Eingetragen: Sie sind vom 05.10.2026 bis 09.10.2026 abwesend. Vertretung: Maria Weber."
    )
    [stored] = state.absences()
    assert (stored.person, stored.stand_in, stored.created_by) == ("bschneider", "mweber",
                                                                   "bschneider")
    who = directory.with_absences(state.absences()).who_handles("hundesteuer", date(2026, 10, 7))
    assert who.contact is not None and who.contact.id == "mweber"


def test_carry_out_refuses_someone_elses_absence_and_stores_nothing(
    fixture_dir: Path, tmp_path: Path
) -> None:
    directory = Directory.load(fixture_dir)
    state = State(tmp_path / "state.sqlite")
    request = parse_absence_request("abwesend 05.10.-09.10. für Birgit Schneider", TODAY)
    assert request is not None
    with pytest.raises(NotAllowed):
        carry_out(request, directory.person("tkoch"), False, directory, state, TODAY)
    assert state.absences() == []
    reply = carry_out(request, directory.person("tkoch"), True, directory, state, TODAY)
    assert reply.startswith("Eingetragen: Birgit Schneider ist vom 05.10.2026")
    assert [a.person for a in state.absences()] == ["bschneider"]


def test_carry_out_back_ends_running_chat_absence(fixture_dir: Path, tmp_path: Path) -> None:
    directory = Directory.load(fixture_dir)
    state = State(tmp_path / "state.sqlite")
    birgit = directory.person("bschneider")
    state.add_absence("bschneider", date(2026, 10, 5), date(2026, 10, 9), None, "bschneider")
    reply = carry_out(AbsenceRequest(BACK), birgit, False, directory, state, date(2026, 10, 7))
    assert reply == "Willkommen zurück! Ihre Abwesenheit ist beendet."
    assert [(a.start, a.end) for a in state.absences()] == [(date(2026, 10, 5), date(2026, 10, 6))]
    again = carry_out(AbsenceRequest(BACK), birgit, False, directory, state, date(2026, 10, 7))
    assert again.startswith("Ich habe keine laufende")


@pytest.mark.parametrize(
    ("request_", "error"),
    [
        (AbsenceRequest(ABSENT, date(2026, 10, 5), date(2026, 10, 9), "Niemand Bekanntes"),
         UnknownPerson),
        (AbsenceRequest(ABSENT, date(2026, 10, 5), date(2026, 10, 9), "Birgit Schneider"),
         StandInIsSelf),
        (AbsenceRequest(ABSENT, date(2026, 7, 1), date(2026, 7, 3)), AbsenceInPast),
        (AbsenceRequest(ABSENT, date(2026, 10, 5), date(2026, 10, 9), person="Weber Koch"),
         UnknownPerson),
    ],
)
def test_carry_out_errors_store_nothing(
    fixture_dir: Path, tmp_path: Path, request_: AbsenceRequest, error: type[Exception]
) -> None:
    directory = Directory.load(fixture_dir)
    state = State(tmp_path / "state.sqlite")
    with pytest.raises(error) as caught:
        carry_out(request_, directory.person("bschneider"), True, directory, state, TODAY)
    assert state.absences() == []
    assert isinstance(error_message(caught.value), str)  # type: ignore[arg-type]


def test_unknown_writer_cannot_set_own_absence(fixture_dir: Path, tmp_path: Path) -> None:
    directory = Directory.load(fixture_dir)
    state = State(tmp_path / "state.sqlite")
    request = AbsenceRequest(ABSENT, date(2026, 10, 5), date(2026, 10, 9))
    with pytest.raises(UnknownSelf) as caught:
        carry_out(request, None, False, directory, state, TODAY)
    assert "keiner Person im Verzeichnis" in error_message(caught.value)


def test_a_new_statement_replaces_an_overlapping_chat_absence(
    fixture_dir: Path, tmp_path: Path
) -> None:
    directory = Directory.load(fixture_dir)
    state = State(tmp_path / "state.sqlite")
    birgit = directory.person("bschneider")
    first = parse_absence_request("abwesend 03.08.-14.08.", TODAY)
    fix = parse_absence_request("abwesend 03.08.-12.08. vertretung Maria Weber", TODAY)
    later = parse_absence_request("abwesend 01.09.-02.09.", TODAY)
    assert first and fix and later
    carry_out(first, birgit, False, directory, state, TODAY)
    carry_out(later, birgit, False, directory, state, TODAY)
    reply = carry_out(fix, birgit, False, directory, state, TODAY)
    assert reply.endswith("Der frühere Eintrag für diesen Zeitraum wurde ersetzt.")
    assert [(a.start, a.end, a.stand_in) for a in state.absences()] == [
        (date(2026, 8, 3), date(2026, 8, 12), "mweber"),
        (date(2026, 9, 1), date(2026, 9, 2), None),
    ]

"""Secret detection. DEVELOPMENT holds the sentences the rules were written against; HELD_OUT
was written afterwards and never used to change a rule (its figures are the honest ones)."""

from __future__ import annotations

import pytest

from bot.capture.secrets import secret_kind

DEVELOPMENT = [
    ("Das Passwort für das Fachverfahren lautet Sommer2024!", "password"),
    ("Passwort: Hund#Steuer", "password"),
    ("Kennwort = kassel77", "password"),
    ("Login ist admin / Geheim123", "password"),
    ("PIN der EC-Karte: 4711", "pin"),
    ("Die PIN für den Tresor ist 0815 22", "pin"),
    ("IBAN DE12 5001 0517 0648 4898 90, PIN 1234", "pin"),
    ("Onlinebanking: IBAN DE12500105170648489890, Zugangsdaten beim Kämmerer, TAN per App",
     "bank"),
    ("Das Passwort liegt im Tresor in Raum 1.10.", None),
    ("Das Passwort ist im Passwortmanager KeePass hinterlegt.", None),
    ("PIN-Briefe werden im Tresor aufbewahrt, seit 2021 per Post.", None),
    ("Bei vergessener PIN bekommt der Bürger einen PIN-Rücksetzbrief.", None),
    ("Kontoverbindung der Stadtkasse: IBAN DE12 5001 0517 0648 4898 90", None),
    ("Das Passwort wird jährlich geändert.", None),
    ("Die PIN hat 6 Stellen.", None),
]

HELD_OUT = [
    ("Zugang zum Kassenprogramm: Benutzer kasse1, Passwort Kasse!2023", "password"),
    ("Das WLAN-Kennwort heißt Rathaus_Gast_7", "password"),
    ("pw: tZ8#kkQ", "password"),
    ("Tresor-PIN 80417", "pin"),
    ("Die Geheimzahl ist 2468.", "pin"),
    ("TAN-Liste liegt bei; erste TAN 583920", "pin"),
    ("Konto DE89 3704 0044 0532 0130 00, Online-Banking-Login beim Kämmerer, Passwort im Safe",
     "bank"),
    ("Das Kennwort für das Postfach vergibt die IT (Florian Beck).", None),
    ("Passwörter niemals per E-Mail verschicken!", None),
    ("Die PIN des Personalausweises setzt der Bürger selbst am Terminal.", None),
    ("Erstattungen gehen auf die IBAN, die der Halter im Formular angibt.", None),
    ("Zugangsdaten zum Portal stehen im Passwortmanager der Abteilung.", None),
    ("Rückfragen unter Tel. 07123 4567-214, Stichwort PIN-Brief.", None),
    ("Das Login für das Meldeportal beantragt man beim Hauptamt.", None),
]


@pytest.mark.parametrize(("text", "kind"), DEVELOPMENT)
def test_development_sentences(text: str, kind: str | None) -> None:
    assert secret_kind(text) == kind


def held_out_figures() -> tuple[int, int, int, int]:
    """(true positives, secrets, false alarms, harmless sentences) on HELD_OUT."""
    secrets = [t for t, k in HELD_OUT if k]
    harmless = [t for t, k in HELD_OUT if not k]
    found = sum(1 for t in secrets if secret_kind(t))
    alarms = sum(1 for t in harmless if secret_kind(t))
    return found, len(secrets), alarms, len(harmless)


def test_held_out_sentences_are_mostly_right() -> None:
    found, secrets, alarms, harmless = held_out_figures()
    print(f"held out: {found}/{secrets} secrets found, {alarms}/{harmless} false alarms")
    assert found >= secrets - 1 and alarms <= 1

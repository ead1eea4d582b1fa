"""German texts of the knowledge-risk overview (``bot.gaps.overview``, ``bot.gaps.html``) and
of the chat command ``bericht``."""

from __future__ import annotations

from datetime import date

SCOPE_ALL = "alle Abteilungen"
SCOPE_NONE = "keine Abteilung"
NO_DEPARTMENT = "ohne Abteilung"

TITLE = "Wissensrisiko"
SUBTITLE = "Welche Aufgaben verlieren ihr Wissen, wenn Kolleginnen und Kollegen ausscheiden?"
TIMELINE_TITLE = "Zeitstrahl: Aufgaben, deren zuständige Person ausscheidet"
TIMELINE_HINT = ("Je Jahr und Abteilung die Aufgaben, deren zuständige Person in diesem Jahr "
                 "ausscheidet (Austritt oder geplanter Austritt in personen.csv), getrennt nach "
                 "„Übergabedokument vorhanden“ und „fehlt“.")
TIMELINE_EMPTY = "In den nächsten zehn Jahren scheidet niemand aus, der eine Aufgabe hält."
DOC_EXISTS = "Übergabedokument vorhanden"
DOC_MISSING = "Übergabedokument fehlt"
ALL_DEPARTMENTS = "Alle Abteilungen"
TASKS_AXIS = "Aufgaben"
DEPARTMENTS_TITLE = "Die Abteilungen im Vergleich"
DEPARTMENT_COLUMNS = ("Abteilung", "Aufgaben", "nur eine Person", "ohne Dokument",
                      "veraltete Dokumente", "unbeantwortete Fragen (90 Tage)")
TOP_TITLE = "Die 15 Aufgaben mit dem höchsten Risiko"
TOP_COLUMNS = ("Nr.", "Aufgabe", "Abteilung", "Zuständig", "Ausscheiden", "Punkte", "Gründe",
               "Nächster Schritt")
TOP_EMPTY = "Keine Aufgaben zu bewerten."
SKIPPED_TITLE = "Nicht berücksichtigt"
PROBLEMS_TITLE = "Fehler in den Verzeichnisdaten (für die Admins)"
SCORE_TITLE = "So entstehen die Punkte"
SCORE_LINES = (
    "Austritt der zuständigen Person: dieses oder nächstes Jahr 35, in 2–3 Jahren 25, "
    "in 4–5 Jahren 15, in 6–10 Jahren 10 Punkte; niemand zuständig: 35 Punkte.",
    "Keine anwesende Vertretung (keine eingetragen, noch mindestens sechs Wochen abwesend "
    "oder selbst in den nächsten zwei Jahren ausscheidend): 25 Punkte.",
    "Kein Übergabedokument: 20 Punkte; nur Dokumente, die über ein Jahr nicht geprüft wurden: "
    "10 Punkte.",
    "Nachfrage der letzten 90 Tage: ab 10 Fragen 10, ab 3 Fragen 6, ab 1 Frage 3 Punkte.",
    "Davon nicht beantwortet: ab 5 Fragen 10, ab 2 Fragen 6, eine Frage 3 Punkte.",
)
NOBODY = "niemand"

RULE_LABELS = {
    "austritt": "scheidet {year} aus",
    "niemand": "niemand zuständig",
    "vertretung": "keine anwesende Vertretung",
    "dokument": "kein Übergabedokument",
    "veraltet": "Dokument veraltet",
    "nachfrage": "{asked} Fragen in 90 Tagen",
    "unbeantwortet": "{unanswered} davon unbeantwortet",
}

STEPS = {
    "zustaendig_eintragen": "Zuständige Person in zustaendigkeiten.csv eintragen",
    "uebergabegespraech": "Übergabegespräch mit {holder} beginnen",
    "vertretung_eintragen": "Vertretung in zustaendigkeiten.csv eintragen",
    "dokument_pruefen": "Dokument prüfen und „zuletzt_geprueft“ setzen",
    "fragen_ansehen": "Unbeantwortete Fragen ansehen und das Dokument ergänzen",
    "uebergabe_planen": "Übergabe an die Vertretung planen (Dokument liegt vor)",
    "keine": "Nichts zu tun",
}

SKIPPED_NO_TASKS = ("Das Verzeichnis enthält keine Aufgaben (zustaendigkeiten.csv fehlt oder ist "
                    "leer): Zeitstrahl und Liste bleiben leer.")
SKIPPED_HEAD_WITHOUT_DEPARTMENT = ("Für Sie ist in personen.csv keine Abteilung eingetragen: "
                                   "der Bericht hat nichts zu zeigen. Bitte wenden Sie sich an "
                                   "die Admins.")
SKIPPED_NO_TASKS_IN_SCOPE = "Für diese Abteilung sind keine Aufgaben eingetragen."
SKIPPED_NO_DOCUMENTS = ("Die Dokumente sind unbekannt (kein Index und keine lesbare "
                        "Wissensbasis): die Regel „Dokument“ wurde nicht angewandt.")
SKIPPED_NO_STATE = ("Keine Zustandsdatenbank: Nachfrage und unbeantwortete Fragen wurden nicht "
                    "gezählt.")


def fmt_date(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def leaving_label(day: date | None, year_only: bool) -> str:
    if day is None:
        return "–"
    return str(day.year) if year_only else fmt_date(day)


def skipped_past(name: str, day: date, holds_tasks: bool) -> str:
    rest = " Sie ist noch für Aufgaben eingetragen." if holds_tasks else ""
    return (f"Der Austritt von {name} ({fmt_date(day)}) liegt in der Vergangenheit und wurde "
            f"nicht berücksichtigt: bitte personen.csv prüfen.{rest}")


def skipped_no_department(name: str) -> str:
    return (f"{name} hat in personen.csv keine Abteilung: eine Abteilungsleitung sieht die "
            "Person nicht; ihre Aufgaben zählen bei der Abteilung der Aufgabe.")


def skipped_bad_year(line: int | None) -> str:
    where = f"Zeile {line}" if line else "eine Zeile"
    return (f"personen.csv, {where}: das Austrittsdatum oder -jahr ist nicht lesbar und wurde "
            "übersprungen (erlaubt: 2031, 2031-06-30 oder 30.06.2031).")


def skipped_task_without_department(task: str) -> str:
    return (f"Die Aufgabe „{task}“ hat keine Abteilung (weder in zustaendigkeiten.csv noch bei "
            f"der zuständigen Person): sie steht unter „{NO_DEPARTMENT}“.")


def skipped_questions_without_task(count: int) -> str:
    return (f"{count} unbeantwortete Fragen der letzten 90 Tage ließen sich keiner Aufgabe "
            "zuordnen (siehe Lückenbericht).")


def heading(today: date, scope: str) -> str:
    return f"Stand {fmt_date(today)} · {scope}"


# --- chat: "bericht" -----------------------------------------------------------------------

REPORT_TITLE = "Bericht Wissensrisiko"
REPORT_LINK = ("Hier ist Ihr Link zum Bericht ({scope}). Er gilt eine Stunde und nur für Sie: "
               "bitte nicht weitergeben.")
REPORT_OPEN = "Bericht öffnen"
REPORT_PERSONAL_ONLY = ("Den Link zum Bericht schicke ich nur im persönlichen Chat: bitte "
                        "schreiben Sie mir dort „bericht“.")
REPORT_NOT_ALLOWED = "Den Bericht zum Wissensrisiko sehen nur Admins und Abteilungsleitungen."
REPORT_NO_URL = ("Der Link zum Bericht ist nicht eingerichtet: die Admins setzen dafür "
                 "WISSENSLOTSE_PUBLIC_URL (die Adresse, unter der der Bot erreichbar ist).")
PAGE_FORBIDDEN = ("Diesen Bericht sehen nur Admins und Abteilungsleitungen. Bitte schreiben Sie "
                  "dem Bot „bericht“: er schickt Ihnen einen Link, der eine Stunde gilt.")
PAGE_EXPIRED = ("Dieser Link ist abgelaufen oder ungültig. Bitte schreiben Sie dem Bot "
                "„bericht“ für einen neuen Link.")
PAGE_STARTING = "Der Bot startet gerade noch. Bitte versuchen Sie es in einer Minute erneut."

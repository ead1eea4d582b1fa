"""German text of the handover interview, its drafts and their release (Sie-Form)."""

from __future__ import annotations

# Sections used when the template _vorlagen/uebergabedokument.md cannot be read.
DEFAULT_SECTIONS: tuple[tuple[str, str], ...] = (
    ("Aufgabe und Zweck", "Worum geht es, für wen, und wie oft fällt die Aufgabe an?"),
    ("Ablauf Schritt für Schritt", "Die Schritte in ihrer Reihenfolge, nummeriert."),
    ("Fristen und Termine", "Was ist bis wann zu erledigen?"),
    ("Fachverfahren/Software und Ablage", "Wo liegen Akten, Vorlagen und Programme?"),
    ("Ansprechpartner intern und extern", "Wen fragt man wofür?"),
    ("Typische Fehler und Stolpersteine", "Sonderfälle, häufige Fehler und Rückfragen."),
)

# Hints for template sections that hold only a table.
TABLE_HINTS: dict[str, str] = {
    "fristen-und-termine": (
        "Was ist bis wann zu erledigen (z. B. „jährlich bis 15.01.“, „vierteljährlich“), und "
        "was passiert, wenn eine Frist versäumt wird?"
    ),
    "offene-vorgange": (
        "Welche Vorgänge laufen gerade: Aktenzeichen, Stand, nächster Schritt und bis wann?"
    ),
}

DOCUMENT_TITLE = "Übergabe {task}"
DOCUMENT_WRITTEN_BY = (
    "Im Übergabe-Interview des Wissenslotsen festgehalten von {name} am {day}."
)

HELP_LINES = (
    "- übergabe: Ihr Wissen zu einer Ihrer Aufgaben festhalten (Übergabe-Interview)\n"
    "- übergabe für Name: Interview für eine Person Ihrer Abteilung (Leitung, Administration)\n"
    "- freigaben: Übergabe-Entwürfe, die auf Ihre Freigabe warten"
)

PERSONAL_CHAT_ONLY = (
    "Übergabe-Interviews und Freigaben gehen nur im persönlichen Chat mit mir, nicht in "
    "Kanälen oder Gruppenchats."
)
OVERVIEW_TITLE = "Übergabe-Interview"
OVERVIEW_INTRO = (
    "Ich frage Sie Abschnitt für Abschnitt nach Ihrem Wissen zu einer Aufgabe. Daraus wird "
    "ein Übergabedokument, das nach der Freigabe durch die Abteilungsleitung in meine "
    "Antworten eingeht. Sie können jederzeit unterbrechen und später weitermachen."
)
OVERVIEW_FOR = "Übergabe-Interview für {name}"
OVERVIEW_OPEN = "Begonnene Interviews:"
OVERVIEW_TASKS = "Aufgaben, für die ein Interview beginnen kann:"
OVERVIEW_NO_TASKS = "Im Verzeichnis ist {name} für keine Aufgabe eingetragen."
RESUME_BUTTON = "Weiter: {task} ({done} von {total})"
START_BUTTON = "{task}"
UPDATE_SUFFIX = " (Dokument aktualisieren)"
STATUS_RETURNED = "zurückgegeben mit Anmerkung"

SECTION_HEADING = "{task}: Abschnitt {number} von {total}"
SECTION_FOR = "Interview mit {name}"
PREFILLED = "Der Text stammt aus dem bisherigen Übergabedokument: bitte prüfen und ergänzen."
ANSWER_PLACEHOLDER = "Ihre Antwort (Stichpunkte genügen; nummerierte Schritte bitte mit 1., 2., …)"
BUTTON_NEXT = "Weiter"
BUTTON_SKIP = "Überspringen"
BUTTON_BACK = "Zurück"
BUTTON_LATER = "Später weiter"
BUTTON_FINISH = "Entwurf erstellen"
BUTTON_RESUME = "Interview fortsetzen"

SUMMARY_TITLE = "{task}: alle Abschnitte durchgegangen"
SUMMARY_TEXT = (
    "Beantwortet: {answered} von {total} Abschnitten. Mit „Entwurf erstellen“ geht das "
    "Dokument an {reviewers} zur Freigabe; erst danach nutze ich es für Antworten."
)
SUMMARY_EMPTY = (
    "Sie haben noch keinen Abschnitt beantwortet: ein leeres Dokument lege ich nicht an."
)

PAUSED = (
    "Gespeichert. Mit „übergabe“ machen Sie später an derselben Stelle weiter "
    "(Abschnitt {number} von {total})."
)
EMPTY_ANSWER = (
    "Ihre Antwort ist leer. Bitte schreiben Sie etwas in das Feld oder wählen Sie "
    "„Überspringen“."
)
TOO_LONG = (
    "Ihre Antwort hat {length} Zeichen; ein Abschnitt fasst höchstens {limit}. Bitte kürzen "
    "Sie sie oder verteilen Sie sie auf die passenden Abschnitte. Die ersten {limit} Zeichen "
    "stehen wieder im Feld; gespeichert ist noch nichts davon."
)
SECRET = {
    "password": "Das sieht nach einem Passwort oder Zugangsdaten aus.",
    "pin": "Das sieht nach einer PIN, TAN oder Geheimzahl aus.",
    "bank": "Das sieht nach Bankzugangsdaten (IBAN mit PIN, TAN oder Passwort) aus.",
}
SECRET_ASK_WHERE = (
    "{what} Solche Angaben speichere ich nicht, denn das Dokument lesen viele. Bitte schreiben "
    "Sie stattdessen, wo sie aufbewahrt werden und wer sie hat (z. B. „im Passwortmanager "
    "der Abteilung“ oder „im Tresor in Raum 1.10, Schlüssel hat die Leitung“). Ihre "
    "Eingabe habe ich verworfen."
)

DRAFT_SENT = (
    "Danke! Der Entwurf „{title}“ ist erstellt und liegt {reviewers} zur Freigabe vor. Bis "
    "dahin nutze ich ihn nicht für Antworten."
)
DRAFT_REVIEWER_UNREACHABLE = (
    "{name} hat noch nicht mit mir geschrieben, daher kann ich keine Nachricht schicken. Bitte "
    "sagen Sie Bescheid ({phone}): mit „freigaben“ ist der Entwurf zu finden."
)
NO_REVIEWER = (
    "Für die Abteilung „{department}“ ist keine Leitung eingetragen und keine Administration "
    "erreichbar. Der Entwurf ist gespeichert; bitte wenden Sie sich an die Administration."
)
REVIEW_TITLE = "Freigabe erbeten: {title}"
REVIEW_INTRO = (
    "{author} hat im Übergabe-Interview das Wissen zur Aufgabe „{task}“ festgehalten. Bitte "
    "prüfen Sie den Entwurf. Mit „Freigeben“ kommt er in den Ordner „{folder}“ und geht in "
    "meine Antworten ein."
)
REVIEW_UPDATE = "Er ersetzt das bisherige Dokument {source}."
REVIEW_CUT = "… (gekürzt; der vollständige Text steht im Entwurf {path})"
NOTE_PLACEHOLDER = "Anmerkung für {author} (bei „Zurück mit Anmerkung“)"
BUTTON_RELEASE = "Freigeben"
BUTTON_RETURN = "Zurück mit Anmerkung"
FACT_TASK = "Aufgabe"
FACT_PERSON = "Von"
FACT_DEPARTMENT = "Abteilung"
FACT_SECTIONS = "Abschnitte"
PENDING_TITLE = "Entwürfe zur Freigabe"
PENDING_NONE = ("Es wartet kein Entwurf auf Ihre Freigabe (weder Übergabe-Dokument noch häufige "
                "Fragen).")

RELEASED = (
    "Freigegeben: „{title}“ liegt jetzt unter {target}. Ich nehme es gerade in den Index "
    "auf und melde mich, sobald ich daraus antworte."
)
RELEASED_INDEXED = (
    "„{title}“ ist jetzt im Index: Fragen zur Aufgabe „{task}“ beantworte ich ab sofort auch "
    "aus diesem Dokument."
)
RELEASED_INDEX_FAILED = (
    "„{title}“ ist freigegeben und gespeichert, aber die Indexierung ist fehlgeschlagen: "
    "{reason}. Bitte „neu indexieren“ oder die Administration fragen."
)
RELEASED_TO_AUTHOR = (
    "Ihr Übergabedokument „{title}“ wurde von {reviewer} freigegeben. Vielen Dank für Ihr "
    "Wissen!"
)
RETURNED_TO_AUTHOR = (
    "{reviewer} hat Ihren Entwurf „{title}“ mit einer Anmerkung zurückgegeben:\n\n{note}\n\n"
    "Ihre Antworten sind alle noch da; mit „Interview fortsetzen“ können Sie sie ergänzen."
)
RETURNED = "Der Entwurf ging mit Ihrer Anmerkung an {author} zurück."
RETURN_NEEDS_NOTE = (
    "Bitte schreiben Sie eine Anmerkung in das Feld, damit {author} weiß, was zu ergänzen ist."
)
ALREADY_DECIDED = "Dieser Entwurf wurde bereits von {name} {decision}."
DECISION = {"released": "freigegeben", "returned": "zurückgegeben",
            "superseded": "durch einen neueren Entwurf ersetzt"}
RELEASE_NOT_WRITABLE = (
    "Ich konnte das Dokument nicht speichern: {reason}. Der Entwurf bleibt zur Freigabe "
    "offen. Bitte die Administration bitten, einen beschreibbaren Ordner für freigegebene "
    "Dokumente einzurichten (WISSENSLOTSE_RELEASE_DIR)."
)

NOT_YOURS = "Dieses Interview gehört zu einer anderen Person; Sie können es nicht bearbeiten."
NOT_REVIEWER = (
    "Diesen Entwurf kann nur die Leitung der Abteilung „{department}“ oder die "
    "Administration freigeben."
)
NOT_ALLOWED_FOR = (
    "Ein Interview für eine andere Person können nur die Leitung ihrer Abteilung und die "
    "Administration beginnen."
)
UNKNOWN_INTERVIEW = "Dieses Interview oder dieser Entwurf ist mir nicht bekannt."
INTERVIEW_CLOSED = (
    "Dieses Interview ist bereits abgeschlossen ({status}). Mit „übergabe“ sehen Sie Ihre "
    "Interviews."
)
UNKNOWN_SELF = (
    "Ich finde Sie nicht im Personenverzeichnis, daher kenne ich Ihre Aufgaben nicht. Bitte "
    "wenden Sie sich an die Administration."
)
UNKNOWN_PERSON = "Ich finde niemanden namens „{name}“ im Personenverzeichnis."
SEVERAL_PEOPLE = "Mit „{name}“ sind mehrere Personen gemeint: {names}. Bitte genauer."
UNKNOWN_TASK = "„{name}“ gehört nicht zu den Aufgaben von {person}."
TASK_GONE = (
    "Die Aufgabe „{task}“ steht nicht mehr im Verzeichnis (zustaendigkeiten.csv). Ihre "
    "Antworten sind gespeichert; bitte klären Sie mit der Administration, wohin die Aufgabe "
    "gewandert ist."
)
PERSON_GONE = (
    "Die Person dieses Interviews steht nicht mehr im Personenverzeichnis. Die Antworten sind "
    "gespeichert; bitte wenden Sie sich an die Administration."
)

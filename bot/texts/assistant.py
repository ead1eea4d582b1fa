"""Every German text the bot says to a user, in one place (Sie-Form)."""

from __future__ import annotations

from collections.abc import Sequence

EXAMPLE_QUESTIONS: tuple[str, ...] = (
    "Wer kümmert sich um die Hundesteuer und wie melde ich einen Hund ab?",
    "Wer ist heute für Gewerbeanmeldungen zuständig?",
    "Wie beantrage ich eine Meldebescheinigung?",
)

WELCOME_TITLE = "Willkommen beim Wissenslotsen!"
WELCOME_INTRO = (
    "Ich sage Ihnen, wer eine Aufgabe heute erledigt (oder wer vertritt), wie sie erledigt "
    "wird und in welchem Dokument das steht. Fragen Sie einfach, zum Beispiel:"
)
WELCOME_HELP_HINT = "Mit „hilfe“ sehen Sie alle Befehle."

HELP_TITLE = "So hilft Ihnen der Wissenslotse"
HELP_TEXT = (
    "Stellen Sie Ihre Frage in eigenen Worten, z. B. „Wer macht die Hundesteuer und wie melde "
    "ich einen Hund ab?“. Ich nenne die zuständige Person (oder die Vertretung heute), die "
    "Schritte aus dem Übergabedokument und die Quelle.\n\n"
    "Befehle (Groß-/Kleinschreibung egal, „/“ davor ist erlaubt):\n"
    "- hilfe: diese Übersicht\n"
    "- status: Stand des Wissens und wer Sie für mich sind\n"
    "- abwesend 03.08.-14.08. [Vertretung Name] [Notiz: …]: eigene Abwesenheit eintragen,\n"
    "  mit Übergabenotiz für die Vertretung (oder als Satz: „Ich bin vom 3. bis 14. August im\n"
    "  Urlaub, meine Vertretung ist …“)\n"
    "- zurück: eigene Abwesenheit ab heute beenden\n"
    "- was vertrete ich?: Ihre Vertretungsmappe (Aufgaben, Dokumente, Fristen)"
)
HELP_ADMIN_TEXT = (
    "Für Administratoren:\n"
    "- lücken: Wissenslücken, unbeantwortete Fragen und Rückmeldungen\n"
    "- bericht: Link zum Bericht Wissensrisiko (eine Stunde gültig; auch für "
    "Abteilungsleitungen)\n"
    "- neu indexieren: Dokumente neu einlesen (läuft im Hintergrund)"
)

ERROR_GENERIC = (
    "Entschuldigung, dabei ist bei mir ein Fehler aufgetreten. Bitte versuchen Sie es gleich "
    "noch einmal. Wenn es wieder passiert, wenden Sie sich bitte an die IT."
)
FOREIGN_TENANT = (
    "Dieser Bot steht nur den Beschäftigten der eigenen Verwaltung zur Verfügung."
)
UNKNOWN_TOWN = (
    "Für Ihre Verwaltung ist der Wissenslotse hier nicht eingerichtet. Bitte wenden Sie sich "
    "an Ihre IT-Abteilung."
)
RATE_LIMITED = (
    "Sie haben mir gerade sehr viele Nachrichten geschickt. Bitte warten Sie einen Moment, "
    "bis ich die bisherigen beantwortet habe, und schreiben Sie dann erneut."
)
TOO_SLOW = (
    "Die Bearbeitung Ihrer Nachricht hat zu lange gedauert. Bitte versuchen Sie es später "
    "noch einmal oder formulieren Sie sie kürzer."
)
ERROR_NO_INDEX = (
    "Entschuldigung, mein Wissensstand ist gerade nicht verfügbar. Bitte wenden Sie sich an "
    "die IT (der Index muss neu aufgebaut werden)."
)
EMPTY_MESSAGE = (
    "Ihre Nachricht war leer. Stellen Sie mir gerne eine Frage oder schreiben Sie „hilfe“."
)
NOT_READY = "Ich starte gerade noch. Bitte versuchen Sie es in einer Minute erneut."
TOO_LONG = (
    "Ihre Nachricht ist zu lang für mich (höchstens {limit} Zeichen). Bitte stellen Sie Ihre "
    "Frage kürzer."
)
UNKNOWN_COMMAND = (
    "Den Befehl „{name}“ kenne ich nicht. Mögliche Befehle: hilfe, status, abwesend, zurück"
    "{admin}. Oder stellen Sie einfach Ihre Frage ohne „/“."
)
ADMIN_COMMANDS_SUFFIX = ", lücken, bericht, neu indexieren"
ADMIN_ONLY = "Das dürfen nur Administratoren. Bitte wenden Sie sich an die IT."

NOT_FOUND = "Dazu habe ich nichts gefunden."
NOT_FOUND_TOPICS = "Vielleicht meinen Sie eines dieser Themen:"
NOT_FOUND_RECORDED = "Ich habe Ihre Frage als Wissenslücke notiert, damit sie ergänzt werden kann."

CARD_RESPONSIBLE_TODAY = "Zuständig heute:"
CARD_NOBODY = "Für diese Aufgabe ist niemand eingetragen."
CARD_STEPS = "So wird es gemacht (zitiert aus „{title}“):"
CARD_QUOTE = "Dazu steht in „{title}“:"
CARD_SOURCES = "Quellen:"
CARD_UNCERTAIN = (
    "Ich bin mir nicht sicher, ob dieses Dokument Ihre Frage beantwortet: Es behandelt sie "
    "vielleicht nur am Rande. Bitte prüfen Sie die Quelle, bevor Sie danach handeln."
)
CARD_FEEDBACK_UP = "👍 Hilfreich"
CARD_FEEDBACK_DOWN = "👎 Nicht hilfreich"
CARD_TASK_UNKNOWN = "Antwort aus den Dokumenten"
LABEL_PHONE = "Telefon"
LABEL_ROOM = "Raum"
LABEL_EMAIL = "E-Mail"
LABEL_DEPARTMENT = "Abteilung"
LABEL_SECTION = "Abschnitt"
LABEL_PAGE = "Seite"
LABEL_ALSO_IN = "auch in:"  # copies of the same content in other places

FEEDBACK_THANKS_UP = "Danke für Ihre Rückmeldung!"
FEEDBACK_THANKS_DOWN = (
    "Danke für Ihre Rückmeldung! Ich gebe sie weiter, damit die Dokumente verbessert werden."
)
FEEDBACK_UNKNOWN = (
    "Diese Rückmeldung konnte ich keiner meiner Antworten zuordnen. Stellen Sie die Frage gerne "
    "noch einmal."
)
ACTION_INVALID = (
    "Diese Schaltfläche konnte ich nicht verarbeiten. Stellen Sie Ihre Frage gerne als Text."
)

STATUS_TITLE = "Status des Wissenslotsen"
STATUS_INDEX = "Wissensstand: {documents} Dokumente (Version {version}, Modell {model})"
STATUS_NO_INDEX = "Wissensstand: kein Index geladen"
STATUS_YOU = "Sie sind für mich: {name}{admin}"
STATUS_YOU_ADMIN = " (Administrator)"
STATUS_YOU_UNKNOWN = (
    "Ich kenne Sie nicht aus dem Personenverzeichnis: Sie sehen nur allgemein freigegebene "
    "Dokumente und können keine Abwesenheit eintragen."
)
STATUS_REINDEX_RUNNING = "Eine Neuindexierung läuft gerade."
STATUS_ABSENT = "Ihre eingetragene Abwesenheit: {start} bis {end}"

ABSENCE_UNKNOWN_PERSON = (
    "Ich kann Sie keiner Person im Personenverzeichnis zuordnen und deshalb keine Abwesenheit "
    "eintragen. Bitte wenden Sie sich an die Verwaltung des Verzeichnisses."
)
ABSENCE_NOT_UNDERSTOOD = (
    "Das habe ich nicht verstanden. Bitte schreiben Sie z. B. „abwesend 03.08.-14.08.“ oder "
    "„abwesend 3.8.2026 bis 14.8.2026 Vertretung Tom Koch“."
)
ABSENCE_SAVED = "Eingetragen: {name} ist vom {start} bis {end} abwesend.{stand_in}"
ABSENCE_STAND_IN = " Vertretung: {name}."
ABSENCE_NOT_OWN = "Sie können nur Ihre eigene Abwesenheit eintragen."
BACK_DONE = "Willkommen zurück! Ihre Abwesenheit ist ab heute beendet."
BACK_NONE = "Für Sie war heute keine Abwesenheit eingetragen."

GAPS_TITLE = "Wissenslücken"
SENT_PERSONALLY = "Ich habe Ihnen die Antwort persönlich geschickt."
WRITE_PERSONALLY = (
    "Diese Antwort enthält vertrauliche Angaben und gehört nicht in einen Kanal. Bitte "
    "schreiben Sie mir den Befehl im persönlichen Chat mit dem Wissenslotsen."
)

REINDEX_STARTED = (
    "Die Neuindexierung läuft im Hintergrund. Ich beantworte Fragen weiter mit dem bisherigen "
    "Stand und melde mich, wenn sie fertig ist."
)
REINDEX_BUSY = "Eine Neuindexierung läuft bereits. Ich melde mich, wenn sie fertig ist."
REINDEX_ELSEWHERE = (
    "Gerade läuft bereits eine Neuindexierung (auf einem anderen Server des Wissenslotsen oder "
    "von der Kommandozeile). Es kann immer nur eine laufen. Der neue Stand wird nach dem Ende "
    "automatisch übernommen; bitte starten Sie danach bei Bedarf erneut."
)
REINDEX_PROGRESS = "Neuindexierung: {done} von {total} Textabschnitten verarbeitet ({percent} %)."
REINDEX_DONE = (
    "Neuindexierung fertig (Version {version}): {new} neu, {changed} geändert, "
    "{removed} entfernt, {skipped} übersprungen. Ich antworte ab jetzt mit dem neuen Stand."
)
REINDEX_SKIPPED_FILES = "Übersprungen: {files}"
# the directory read again after a build (its counts; own synonym groups only when there are)
REINDEX_DIRECTORY = "Verzeichnis: {people}, {tasks}{synonyms}."
ONE_PERSON = "1 Person"
PEOPLE = "{n} Personen"
ONE_TASK = "1 Aufgabe"
TASKS = "{n} Aufgaben"
REINDEX_OWN_SYNONYM = ", 1 eigene Synonymgruppe (synonyme.txt)"
REINDEX_OWN_SYNONYMS = ", {n} eigene Synonymgruppen (synonyme.txt)"
REINDEX_DIRECTORY_PROBLEMS = (
    "{n} Fehler in den Verzeichnisdaten; die betroffenen Zeilen zeigt der Befehl „lücken“."
)
REINDEX_DIRECTORY_KEPT = (
    "Im Verzeichnis (_verzeichnis) habe ich keine Personen oder keine Aufgaben gefunden; für "
    "Personen und Zuständigkeiten gilt weiter der bisherige Stand. Bitte prüfen Sie "
    "personen.csv und zustaendigkeiten.csv."
)
REINDEX_DIRECTORY_FAILED = (
    "Das Verzeichnis (_verzeichnis) konnte ich nicht neu lesen; für Personen und "
    "Zuständigkeiten gilt weiter der bisherige Stand. Die Ursache steht im Server-Protokoll."
)
REINDEX_FAILED = (
    "Die Neuindexierung ist fehlgeschlagen; ich antworte weiter mit dem bisherigen Stand. "
    "Fehler: {reason}"
)
REINDEX_TIMED_OUT = (
    "Die Neuindexierung hat nach {duration} nicht geendet und wurde abgebrochen; ich "
    "antworte weiter mit dem bisherigen Stand. Bitte lassen Sie das Server-Protokoll prüfen "
    "und starten Sie sie dann erneut."
)
MINUTES = "{n} Minuten"
SECONDS = "{n} Sekunden"
REINDEX_NO_NOTIFIER = "Die Neuindexierung ist gerade nicht möglich."




def welcome_lines() -> list[str]:
    return [WELCOME_INTRO, *(f"- {q}" for q in EXAMPLE_QUESTIONS), WELCOME_HELP_HINT]


def unknown_command(name: str, admin: bool) -> str:
    return UNKNOWN_COMMAND.format(name=name, admin=ADMIN_COMMANDS_SUFFIX if admin else "")


def bullet_list(items: Sequence[str]) -> str:
    return "\n".join(f"- {item}" for item in items)

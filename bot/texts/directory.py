"""German texts of the directory: chain-walk explanations, absence replies, error messages.

Every user-facing sentence of ``bot.directory`` (directory, dates, absences) and
``bot.gaps`` lives here, so the bot's message module can find (and reword) them in one place.
"""

from __future__ import annotations

from datetime import date

from bot.directory.dates import format_date
from bot.directory.errors import (
    AbsenceInPast,
    DateError,
    DirectoryError,
    NotAllowed,
    NoteError,
    StandInIsSelf,
    UnknownPerson,
    UnknownSelf,
    UnknownTask,
)
from bot.directory.model import Absence, Person, Task

WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")


def contact_details(person: Person) -> str:
    """'Tobias Koch, Tel. 07123 4567-215, Raum 1.12' (parts that are unknown are left out)."""
    parts = [person.name]
    if person.phone:
        parts.append(f"Tel. {person.phone}")
    if person.room:
        parts.append(f"Raum {person.room}")
    if person.email and not person.phone:
        parts.append(person.email)
    return ", ".join(parts)


def responsible_line(person: Person) -> str:
    return f"Zuständig: {contact_details(person)}"


def deputy_line(person: Person) -> str:
    return f"Vertretung: {contact_details(person)}"


def away_line(person: Person, absence: Absence) -> str:
    return f"{person.name} ist bis {format_date(absence.end)} abwesend"


def deputy_suffix(contact: Person, own_stand_in: bool) -> str:
    label = "Vertretung laut Abwesenheitseintrag" if own_stand_in else "Vertretung"
    return f"; {label}: {contact_details(contact)}"


def all_away_line(task: Task, day: date) -> str:
    return f"Alle Zuständigen für „{task.name}“ sind am {format_date(day)} abwesend."


def head_line(person: Person, away: Absence | None) -> str:
    if away is not None:
        return (
            f"Auch die Abteilungsleitung {person.name} ist bis {format_date(away.end)} abwesend; "
            f"erreichbar über: {contact_details(person)}"
        )
    return f"Bitte wenden Sie sich an die Abteilungsleitung: {contact_details(person)}"


def fallback_line(person: Person, away: Absence | None) -> str:
    if away is not None:
        return (
            f"Auch die allgemeine Ansprechperson {person.name} ist bis {format_date(away.end)} "
            f"abwesend; erreichbar über: {contact_details(person)}"
        )
    return f"Bitte wenden Sie sich an die allgemeine Ansprechperson: {contact_details(person)}"


def no_one_line() -> str:
    return (
        "Es ist keine Abteilungsleitung und keine allgemeine Ansprechperson hinterlegt. "
        "Bitte wenden Sie sich an die Verwaltungsleitung."
    )


def no_responsible_line(task: Task) -> str:
    return f"Für „{task.name}“ ist niemand als zuständig eingetragen."


# --- dates and absences ------------------------------------------------------------------

def date_error(value: str, reason: str) -> str:
    """German message for a date that could not be read (``reason`` is a DateError kind)."""
    if reason == "no_such_day":
        return f"Das Datum „{value}“ gibt es nicht. Bitte prüfen Sie Tag und Monat."
    if reason == "inverted":
        return f"Der Zeitraum „{value}“ endet vor seinem Beginn. Bitte prüfen Sie die Daten."
    if reason == "too_long":
        return f"Der Zeitraum „{value}“ ist länger als ein Jahr. Bitte prüfen Sie die Daten."
    if reason == "year_out_of_range":
        return (
            f"Das Jahr in „{value}“ kann ich nicht annehmen: Bitte geben Sie ein Datum "
            "zwischen 2000 und 2099 an, z. B. 03.08.2026."
        )
    return (
        f"Ich konnte „{value}“ nicht als Datum lesen. Bitte schreiben Sie es z. B. als "
        "03.08., 3.8.2026 oder 3. August."
    )


def absence_saved(
    person: Person, absence: Absence, stand_in: Person | None, own: bool, replaced: int = 0
) -> str:
    who = "Sie sind" if own else f"{person.name} ist"
    span = (
        f"am {format_date(absence.start)}"
        if absence.start == absence.end
        else f"vom {format_date(absence.start)} bis {format_date(absence.end)}"
    )
    text = f"Eingetragen: {who} {span} abwesend."
    if stand_in is not None:
        text += f" Vertretung: {stand_in.name}."
    if replaced:
        text += " Der frühere Eintrag für diesen Zeitraum wurde ersetzt."
    return text


def absence_ended(count: int, own: bool) -> str:
    if count == 0:
        return (
            "Ich habe keine laufende, im Chat eingetragene Abwesenheit gefunden. "
            "Abwesenheiten aus dem Verzeichnis oder Kalender ändert die Verwaltung."
        )
    who = "Willkommen zurück! Ihre" if own else "Die"
    return f"{who} Abwesenheit ist beendet."


def not_allowed_other() -> str:
    return (
        "Sie können nur Ihre eigene Abwesenheit eintragen. Abwesenheiten anderer Personen "
        "tragen Administratorinnen und Administratoren ein."
    )


def unknown_person(name: str) -> str:
    return f"Ich kenne keine Person „{name}“ im Verzeichnis. Bitte prüfen Sie den Namen."


def unknown_self() -> str:
    return (
        "Ich kann Sie keiner Person im Verzeichnis zuordnen. Bitte wenden Sie sich an die "
        "Verwaltung, damit Ihre E-Mail-Adresse oder Teams-Kennung eingetragen wird."
    )


def stand_in_is_self() -> str:
    return "Sie können sich nicht selbst vertreten. Bitte nennen Sie eine andere Person."


def absence_in_past(end: date) -> str:
    return (
        f"Der Zeitraum bis {format_date(end)} liegt in der Vergangenheit. "
        "Bitte prüfen Sie die Daten."
    )


def error_message(error: DirectoryError, names: dict[str, str] | None = None) -> str:
    """The German sentence for any error of the directory modules (``names``: id -> name)."""
    names = names or {}
    if isinstance(error, DateError):
        return date_error(error.value, error.kind)
    if isinstance(error, NotAllowed):
        return not_allowed_other()
    if isinstance(error, UnknownSelf):
        return unknown_self()
    if isinstance(error, StandInIsSelf):
        return stand_in_is_self()
    if isinstance(error, AbsenceInPast) and isinstance(error.end, date):
        return absence_in_past(error.end)
    if isinstance(error, UnknownPerson):
        if not error.candidates:
            return unknown_person(error.name)
        shown = ", ".join(names.get(c, c) for c in error.candidates)
        return f"„{error.name}“ ist nicht eindeutig ({shown}). Bitte nennen Sie den vollen Namen."
    if isinstance(error, UnknownTask):
        return f"Die Aufgabe „{error.task_id}“ kenne ich nicht."
    if isinstance(error, NoteError):
        from bot.texts import briefing

        if error.kind == "too_long":
            return briefing.NOTE_TOO_LONG.format(length=error.length,
                                                 limit=briefing.MAX_NOTE_CHARS)
        if error.kind == "secret":
            return briefing.NOTE_SECRET.format(what=error.what)
        return briefing.NOTE_EMPTY
    return "Das hat leider nicht geklappt. Bitte versuchen Sie es noch einmal."


# --- knowledge-gap report (admins) ---------------------------------------------------------

GAP_TITLES = {
    "ohne_vertretung": "Aufgaben ohne Vertretung",
    "kette_abwesend": "Aufgaben, deren ganze Vertretungskette abwesend sein wird",
    "austritt": "Ausscheidende Personen und Aufgaben, die nur sie halten",
    "ohne_dokument": "Aufgaben ohne Übergabedokument",
    "veraltet": "Dokumente, die lange nicht geprüft wurden",
    "unbeantwortet": "Fragen, die der Bot nicht beantworten konnte",
    "stichwortvorschlag": "Stichwort-Vorschläge: Wörter aus unbeantworteten Fragen, nach "
                          "denen die Aufgabe gewählt wurde",
    "weitergeleitet_offen": "Weitergeleitete Fragen, noch offen",
    "weitergeleitet_beantwortet": "Weitergeleitete Fragen, beantwortet",
    "vertretungsmappe_offen": "Vertretungsmappen nicht zugestellt (noch kein Chat mit dem Bot)",
    "datenfehler": "Fehler in den Verzeichnisdaten",
}
GAP_CSV_HEADER = ("kategorie", "schluessel", "bezeichnung", "details", "datum", "anzahl")


def gap_briefing_pending(absent: str, start: str, end: str) -> str:
    return f"Vertretung für {absent} vom {start} bis {end}"


def gap_heading(today: date, horizon_days: int) -> str:
    return f"Lückenbericht vom {format_date(today)} (Vorschau: {horizon_days} Tage)"


def gap_nobody() -> str:
    return "niemand zuständig"


def gap_only(person_name: str) -> str:
    return f"nur {person_name}"


def gap_all_away(days: str, chain: str) -> str:
    return f"alle abwesend: {days} (Kette: {chain})"


def gap_leaving(day: date, past: bool, only_tasks: list[str], responsible: int) -> str:
    when = f"ausgeschieden am {format_date(day)}" if past else f"Austritt {format_date(day)}"
    held = f"hält allein: {', '.join(only_tasks)}" if only_tasks else "hält keine Aufgabe allein"
    return f"{when}; {held}; zuständig für {responsible} Aufgabe(n)"


def gap_no_document(responsible: str) -> str:
    return f"Zuständig: {responsible}"


def gap_stale(day: date | None, days: int | None) -> str:
    if day is None:
        return "kein Prüfdatum (zuletzt_geprueft) angegeben"
    return f"zuletzt geprüft am {format_date(day)} (vor {days} Tagen)"


def gap_docs_unknown() -> str:
    return ("Dokumentdaten nicht verfügbar (kein Index, Wissensbasis nicht lesbar): "
            "Aufgaben ohne Dokument und veraltete Dokumente fehlen in diesem Bericht.")


def gap_no_state() -> str:
    return "Keine Laufzeitdaten (state_db) vorhanden: unbeantwortete Fragen fehlen."


def gap_feedback(up: int, down: int) -> str:
    return f"Rückmeldungen zu Antworten: {up} × hilfreich, {down} × nicht hilfreich"


def gap_keyword_suggestion(words: list[tuple[str, int]]) -> str:
    return ", ".join(f"{word} ({count}×)" if count > 1 else word for word, count in words)


def gap_none() -> str:
    return "keine"


def gap_count_line(title: str, count: int) -> str:
    return f"{title}: {count}"


# --- the town's own synonyms (synonyme.txt): problems, listed in the gap report ------------

SYNONYMS_UNREADABLE = (
    "Die Datei ließ sich nicht lesen; es gelten nur die eingebauten Synonyme. Bitte prüfen "
    "Sie, ob es eine Textdatei ist und der Bot sie lesen darf."
)
SYNONYMS_ONE_WORD = (
    "In dieser Zeile steht nur ein Begriff; sie wurde übersprungen. Bitte schreiben Sie "
    "mindestens zwei Begriffe, durch Komma getrennt und den Begriff der Verwaltung zuerst, "
    "z. B. „Verwarnungsgeld, Knolle“."
)
SYNONYMS_NO_EFFECT = (
    "Diese Gruppe wurde übersprungen, weil sie so nicht wirken kann. Bitte nennen Sie "
    "mindestens zwei verschiedene Begriffe (nicht nur zwei Formen eines Wortes), davon "
    "mindestens einen aus einem einzelnen Wort."
)


def synonyms_line_too_long(limit: int) -> str:
    return (f"Diese Zeile ist länger als {limit} Zeichen und wurde übersprungen. Bitte kürzen "
            "Sie die Gruppe auf die Begriffe, die wirklich dasselbe bedeuten.")


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")  # 2.000, as German is written


def synonyms_too_many(limit: int) -> str:
    return (f"Die Datei hat mehr als {_thousands(limit)} Gruppen: Ab dieser Zeile wurde nichts "
            "mehr gelesen. Bitte beschränken Sie die Liste auf die eigenen Wörter Ihrer Gemeinde.")


def synonyms_file_too_big(kilobytes: int) -> str:
    return (f"Die Datei ist größer als {_thousands(kilobytes)} KB: Ab dieser Zeile wurde nichts "
            "mehr gelesen. Bitte prüfen Sie, ob es die richtige Datei ist.")


def synonyms_more_faults(count: int) -> str:
    told = ("Eine weitere fehlerhafte Zeile wurde" if count == 1
            else f"{count} weitere fehlerhafte Zeilen wurden")
    return f"{told} übersprungen (hier nicht einzeln aufgeführt). Bitte prüfen Sie die Datei."

"""German texts of the stand-in's briefing ("Vertretungsmappe", issue 12). Sie-Form.

Restricted documents the stand-in may not read are left out before these texts are filled:
nothing here ever names them.
"""

from __future__ import annotations

MAX_NOTE_CHARS = 500

NOTE_SAVED = (" Ihre Notiz für die Vertretung ist gespeichert und steht in deren "
              "Vertretungsmappe. Sie ist eine Übergabenotiz: Bitte schreiben Sie dort nur "
              "Hinweise zur Arbeit, keine Gesundheits- oder anderen privaten Angaben. Die Notiz "
              "wird mit der Abwesenheit gelöscht.")
NOTE_TOO_LONG = ("Die Notiz ist mit {length} Zeichen zu lang (höchstens {limit}). Bitte kürzen "
                 "Sie sie; eingetragen ist noch nichts.")
NOTE_EMPTY = ("Nach „Notiz:“ fehlt der Text. Bitte schreiben Sie die Notiz dahinter, z. B. "
              "„abwesend 03.08.-14.08. Notiz: Akte Meyer liegt im Fach“. Eingetragen ist noch "
              "nichts.")
NOTE_SECRET = ("Die Notiz enthält offenbar {what}. Das gehört nicht in eine Notiz; bitte "
               "schreiben Sie stattdessen, wo es aufbewahrt wird. Eingetragen ist noch nichts.")

TITLE = "Ihre Vertretungsmappe"
TITLE_ON_REQUEST = "Was Sie vertreten"
INTRO = "Ab heute vertreten Sie {name} bis einschließlich {end}."
INTRO_UPCOMING = "Vom {start} bis {end} vertreten Sie {name}."
INTRO_HEAD = ("{name} ist vom {start} bis {end} abwesend, und die ganze Vertretungskette ist "
              "ebenfalls abwesend: Als Leitung sind Sie in dieser Zeit Ansprechperson für:")
TASKS = "Aufgaben:"
TASK_LINE = "• {task}"
DOCUMENT_LINE = "  Übergabedokument: {title} ({where})"
NO_DOCUMENT = "  Kein Übergabedokument vorhanden: bitte bei der Leitung nachfragen."
NOTE = "Notiz von {name}: {note}"
DEADLINES = "Fristen und Termine in dieser Zeit (aus den Dokumenten):"
DEADLINE_LINE = "• {day}: „{quote}“ ({title}, {section})"
NO_DEADLINES = "In den Dokumenten dieser Aufgaben steht in dieser Zeit keine Frist."
AGAIN = " und {count}× wieder bis {last}"
LATER_DEADLINES = ("Fristen nach dem {day} zeige ich Ihnen später: schreiben Sie dann "
                   "„was vertrete ich?“.")
MORE_DEADLINES = "… und {count} weitere; bitte die Dokumente selbst durchsehen."
STAND_IN_GONE = ("Hinweis: Die eingetragene Vertretung ist nicht mehr im Verzeichnis; deshalb "
                 "kommt diese Mappe zu Ihnen.")
CHECK_HINT = ("Die Fristen sind automatisch aus den Dokumenten gelesen: bitte im Dokument "
              "prüfen. Fragen zu den Aufgaben beantworte ich Ihnen hier jederzeit.")

NOTHING = "Sie vertreten heute und in den nächsten {days} Tagen niemanden."
UNKNOWN_SELF = ("Ich kann Sie keiner Person im Verzeichnis zuordnen, deshalb weiß ich nicht, "
                "wen Sie vertreten. Bitte wenden Sie sich an die Administration.")
GROUP_CHAT = ("Ihre Vertretungsmappe zeige ich nur im persönlichen Chat. Bitte schreiben Sie "
              "mir dort „was vertrete ich?“.")
ALL_AWAY = ("Achtung: Für „{task}“ ist ab dem {day} die ganze Vertretungskette "
            "abwesend{head}.")
ALL_AWAY_HEAD = "; Ansprechperson ist dann die Leitung ({name})"
ALL_AWAY_NOBODY = "; es ist auch keine Leitung eingetragen. Bitte klären Sie die Vertretung"

MOVED_BACK_TITLE = "Zurück bei Ihnen: Ihre Vertretung hat diese Frage noch nicht beantwortet"

GAP_PENDING = ("Vertretungsmappe nicht zugestellt (noch kein Chat mit dem Bot): {name}, "
               "Vertretung für {absent} ab {start}")

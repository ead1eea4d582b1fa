"""German texts of routed questions (issue 12). Sie-Form; no restricted titles."""

from __future__ import annotations

BUTTON_FORWARD = "Frage weiterleiten"
BUTTON_SEND_ANSWER = "Antwort senden"
BUTTON_ADOPT = "In die Wissensbasis übernehmen"
ANSWER_PLACEHOLDER = "Ihre Antwort an die fragende Person"

PICK_DEPARTMENT = ("Zu welcher Abteilung gehört Ihre Frage? Die Leitung der Abteilung bekommt "
                   "sie und kann sie beantworten oder weitergeben.")
NO_DEPARTMENTS = ("Im Verzeichnis ist keine Abteilung mit Leitung eingetragen. Bitte wenden "
                  "Sie sich an die Administration.")
NO_HEAD = ("Für die Abteilung „{department}“ ist keine Leitung eingetragen. Bitte wählen Sie "
           "eine andere Abteilung oder wenden Sie sich an die Administration.")
NO_ONE = ("Für „{task}“ ist heute niemand erreichbar, auch keine Leitung. Ihre Frage ist nicht "
          "weitergeleitet; bitte wenden Sie sich an die Administration.")
TASK_GONE = ("Die Aufgabe dieser Frage steht nicht mehr im Verzeichnis. Bitte wählen Sie die "
             "Abteilung, an deren Leitung die Frage gehen soll.")
QUESTION_MISSING = ("Die Frage fehlt. Bitte stellen Sie sie noch einmal und leiten Sie sie dann "
                    "weiter.")
QUESTION_TOO_LONG = ("Die Frage ist mit {length} Zeichen zu lang zum Weiterleiten (höchstens "
                     "{limit}). Bitte kürzen Sie sie.")
GROUP_CHAT = ("Fragen leite ich nur aus dem persönlichen Chat weiter, damit die Antwort nur "
              "Sie erreicht. Bitte schreiben Sie mir die Frage dort.")
SENT = ("Ihre Frage ist an {name} weitergeleitet ({role}). Sobald {name} antwortet, schicke ich "
        "Ihnen die Antwort hier.")
SENT_AWAY = " Hinweis: {name} ist heute abwesend; die Frage wartet, bis jemand sie beantwortet."
UNREACHABLE = ("{name} ({role}) hat noch nie mit dem Wissenslotsen geschrieben, ich kann die "
               "Frage deshalb nicht zustellen. Bitte rufen Sie an: {phone}. Die Frage bleibt "
               "offen und geht an {name}, sobald {name} mir einmal schreibt.")
ROLE_RESPONSIBLE = "heute zuständig für „{task}“"
ROLE_HEAD = "Leitung {department}"
ROLE_ALL_AWAY = ("vertritt „{task}“ heute, weil die Zuständigen und ihre Vertretungen abwesend "
                 "sind")

INCOMING_TITLE = "Eine Frage an Sie"
INCOMING_FROM = "{asker} fragt{about}:"
INCOMING_ABOUT = " zu „{task}“"
INCOMING_WHY = ("Die Dokumente beantworten das nicht; Sie sind heute zuständig. Ihre Antwort "
                "geht an die fragende Person.")
REMINDER_TITLE = "Erinnerung: eine Frage wartet seit {days} Arbeitstagen auf Ihre Antwort"
MOVED_TITLE = "Eine Frage an Sie (weitergegeben, weil {name} abwesend ist)"
MOVED_LEFT_TITLE = ("Eine Frage an Sie (weitergegeben, weil die bisher zuständige Person nicht "
                    "mehr im Verzeichnis steht)")
SOMEONE = "Eine Kollegin oder ein Kollege"

ANSWER_EMPTY = "Bitte schreiben Sie eine Antwort in das Feld."
ANSWER_TOO_LONG = ("Die Antwort ist mit {length} Zeichen zu lang (höchstens {limit}). Gespeichert "
                   "ist nichts; die ersten {limit} Zeichen stehen wieder im Feld.")
ANSWER_SECRET = ("Die Antwort scheint {what} zu enthalten. Bitte schreiben Sie stattdessen, wo "
                 "es aufbewahrt wird; gespeichert ist nichts.")
ANSWER_THANKS = ("Danke! Ihre Antwort ist bei {asker}. Soll sie in die Wissensbasis, damit der "
                 "Wissenslotse die Frage künftig selbst beantwortet?")
ANSWER_THANKS_UNREACHED = ("Danke, Ihre Antwort ist gespeichert. {asker} konnte ich gerade nicht "
                           "erreichen; die Antwort wird zugestellt, sobald das möglich ist.")
ALREADY_ANSWERED = "Diese Frage hat {name} bereits beantwortet."
NOT_YOURS = "Diese Frage liegt bei {name}, nicht bei Ihnen. Ihre Eingabe ist nicht gespeichert."
UNKNOWN = ("Diese Frage kenne ich nicht (mehr). Vielleicht ist sie nach der Aufbewahrungsfrist "
           "gelöscht.")
UNKNOWN_SELF = ("Ich finde Sie nicht im Personenverzeichnis; nur eingetragene Beschäftigte "
                "können weitergeleitete Fragen beantworten.")

ANSWER_TO_ASKER_TITLE = "Antwort auf Ihre Frage"
ANSWER_TO_ASKER = "{name} antwortet auf Ihre Frage „{question}“:"

ADOPT_NO_TASK = ("Die Frage gehört zu keiner Aufgabe im Verzeichnis; in die Wissensbasis kann "
                 "sie nur mit Aufgabe. Bitte legen Sie sie selbst ab oder fragen Sie die "
                 "Administration.")
ADOPT_NOT_ANSWERED = "Die Frage ist noch nicht beantwortet."
ADOPT_SENT = ("Der Eintrag „{question}“ ist als Entwurf bei {reviewers} zur Freigabe. Nach der "
              "Freigabe beantwortet der Wissenslotse die Frage selbst.")
ADOPT_NO_REVIEWER = ("Der Entwurf ist gespeichert, aber für „{department}“ ist niemand zur "
                     "Freigabe eingetragen. Bitte geben Sie der Administration Bescheid.")
ADOPT_REVIEWER_UNREACHABLE = "{name} erreiche ich nicht im Chat; bitte geben Sie Bescheid: {phone}."
FAQ_TITLE = "Häufige Fragen: {task}"
FAQ_INTRO = "Fragen, die Beschäftigte gestellt und Zuständige beantwortet haben."
FAQ_REVIEW_INTRO = ("{author} hat eine weitergeleitete Frage zu „{task}“ beantwortet und schlägt "
                    "sie für die häufigen Fragen vor (Ordner {folder}).")
FAQ_SECTION_QUESTION = "Frage"
FAQ_SECTION_ANSWER = "Antwort"

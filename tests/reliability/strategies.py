"""Hypothesis strategies for the bad-input row: the edges the issue names (years 1 and 9999,
29.02., encodings, RTL override, zero-width and lone surrogates) mixed with random text."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

ODD_CHARACTERS = ["\u202e", "\u200b", "\u200d", "\ufeff", "\ud800", "\udfff", "\x00", "\u00a0",
                  "ß", "İ", "٣", "𝟑", "\r\n", "\t"]
DATE_PIECES = ["31.12.9999", "01.01.", "29.02.", "29.02.2028", "29.02.2027", "1.1.1",
               "01.01.0001", "31.12.10000", "31.12.99999", "00.00.", "32.13.", "-", "–", "bis",
               "vom", "ab", "zum", "morgen", "übermorgen", "heute", "nächste Woche",
               "Montag", "3.", "August", "Dezember 9999", "KW 53", " ", "..."]
ABSENCE_PIECES = ["Ich bin ", "ich bin ", "abwesend ", "/abwesend ", "zurück ", "zurück für ",
                  "krank", "im Urlaub", "auf Dienstreise", "vertretung ", "Vertretung ist ",
                  "für ", "Frau Schneider", "Tobias Koch", "?", "."]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-32", "latin-1", "cp1252", "cp850"]


def _joined(pieces: list[str]) -> st.SearchStrategy[str]:
    piece = st.one_of(st.sampled_from(pieces), st.sampled_from(ODD_CHARACTERS),
                      st.integers(0, 10001).map(str), st.text(max_size=6))
    return st.lists(piece, max_size=12).map("".join)


def date_texts() -> st.SearchStrategy[str]:
    return _joined(DATE_PIECES)


def absence_texts() -> st.SearchStrategy[str]:
    return _joined(DATE_PIECES + ABSENCE_PIECES)


def activities() -> st.SearchStrategy[dict[str, Any]]:
    mention = st.fixed_dictionaries({
        "type": st.sampled_from(["mention", "Mention", "clientInfo", ""]),
        "text": st.one_of(st.just("<at>Wissenslotse</at>"), st.text(max_size=20)),
        "mentioned": st.one_of(st.just({"id": "28:bot"}), st.text(max_size=5),
                               st.dictionaries(st.text(max_size=3), st.text(max_size=3))),
    })
    text = st.one_of(_joined(["<at>", "</at>", "<at id='1'>", "Wissenslotse", "<", ">"]),
                     st.integers(1, 20000).map(lambda n: "<at>" * n))
    return st.fixed_dictionaries({
        "type": st.sampled_from(["message", "conversationUpdate", "invoke", "", "x"]),
        "text": st.one_of(st.none(), text),
        "recipient": st.one_of(st.just({"id": "28:bot"}), st.none()),
        "entities": st.one_of(st.none(), st.lists(mention, max_size=4)),
    })


def encoded(texts: st.SearchStrategy[str]) -> st.SearchStrategy[bytes]:
    def encode(pair: tuple[str, str]) -> bytes:
        text, encoding = pair
        return text.encode(encoding, errors="surrogatepass" if encoding == "utf-8"
                           else "replace")

    return st.one_of(st.tuples(texts, st.sampled_from(ENCODINGS)).map(encode),
                     st.binary(max_size=300))


def csv_files() -> st.SearchStrategy[tuple[str, bytes]]:
    header = st.sampled_from([
        "id;name;abteilung;telefon;raum;email;teams_id;gruppen;austritt\n",
        "person;von;bis;vertretung;grund\n", "aufgabe;name;stichworte;abteilung;zustaendig;"
        "vertretung1;vertretung2\n", "", "id,name\n"])
    row = _joined([";", ",", '"', "bschneider", "29.02.2027", "31.12.9999", "01.01.0001",
                   "\n", "x" * 300])
    files = st.sampled_from(["personen.csv", "abwesenheiten.csv", "zustaendigkeiten.csv",
                             "abteilungen.csv"])
    return st.tuples(files, encoded(st.tuples(header, row).map("".join)))


def ics_files() -> st.SearchStrategy[bytes]:
    stamp = st.sampled_from(["00010101", "99991231", "20270229", "20280229", "2026", "x",
                             "20261301", "20261231T250000Z", ""])
    event = st.tuples(stamp, stamp, st.text(max_size=20), st.sampled_from(
        ["b.schneider@musterstadt.de", "", "\u202e@x", "mailto:b.schneider@musterstadt.de"]))
    body = event.map(lambda e: (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\n"
        f"DTSTART;VALUE=DATE:{e[0]}\r\nDTEND;VALUE=DATE:{e[1]}\r\nSUMMARY:{e[2]}\r\n"
        f"ATTENDEE:{e[3]}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"))
    return encoded(st.one_of(body, _joined(["BEGIN:VEVENT\r\n", "END:VEVENT\r\n",
                                            "BEGIN:VCALENDAR\r\n", "DTSTART:", ":"])))


def markdown_files() -> st.SearchStrategy[bytes]:
    key = st.sampled_from(["titel", "aufgabe", "zugriff", "zugrif", "stichworte",
                           "zuletzt_geprueft", "vertretung", "", "- ", "&a", "*a", "!!python/"])
    value = _joined(["[", "]", "{", "}", "'", '"', "29.02.2027", "9999-12-31", "0001-01-01",
                     ": ", "\n  - ", "&anker", "*anker", "<<: *a"])
    front = st.lists(st.tuples(key, value).map(lambda kv: f"{kv[0]}: {kv[1]}"), max_size=6)
    document = front.map(lambda lines: "---\n" + "\n".join(lines) + "\n---\n# Titel\n\nText.\n")
    return encoded(document)

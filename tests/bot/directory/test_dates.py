"""German dates and ranges, with the year inferred relative to a fixed today."""

from __future__ import annotations

from datetime import date

import pytest

from bot.directory import DateError, find_range, parse_date, parse_full_date, parse_range

TODAY = date(2026, 7, 20)  # a Monday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("03.08.", date(2026, 8, 3)),
        ("3.8.", date(2026, 8, 3)),
        ("3.8.2026", date(2026, 8, 3)),
        ("03.08.26", date(2026, 8, 3)),
        ("3. August", date(2026, 8, 3)),
        ("3 August 2027", date(2027, 8, 3)),
        ("3. Aug.", date(2026, 8, 3)),
        ("12. März", date(2027, 3, 12)),  # already passed this year: next year
        ("12. Maerz 2026", date(2026, 3, 12)),  # a written year is taken as written
        ("2026-08-03", date(2026, 8, 3)),
        ("20.07.", date(2026, 7, 20)),  # today is not "passed"
        ("19.07.", date(2027, 7, 19)),
        ("heute", TODAY),
        ("morgen", date(2026, 7, 21)),
        ("übermorgen", date(2026, 7, 22)),
        ("Freitag", date(2026, 7, 24)),
        ("Montag", TODAY),  # today is a Monday
        ("29.02.", date(2028, 2, 29)),  # the next 29 February
    ],
)
def test_single_dates(text: str, expected: date) -> None:
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("vom 3. bis 14. August", date(2026, 8, 3), date(2026, 8, 14)),
        ("03.08.-14.08.", date(2026, 8, 3), date(2026, 8, 14)),
        ("03.08. - 14.08.2026", date(2026, 8, 3), date(2026, 8, 14)),
        ("3.-14.8.", date(2026, 8, 3), date(2026, 8, 14)),
        ("vom 3.8. bis zum 14.8.", date(2026, 8, 3), date(2026, 8, 14)),
        ("3. August – 14. August 2026", date(2026, 8, 3), date(2026, 8, 14)),
        ("2026-08-03 bis 2026-08-14", date(2026, 8, 3), date(2026, 8, 14)),
        ("28.12.-06.01.", date(2026, 12, 28), date(2027, 1, 6)),  # over New Year
        ("28.12.2026 bis 6.1.", date(2026, 12, 28), date(2027, 1, 6)),
        ("ab morgen bis Freitag", date(2026, 7, 21), date(2026, 7, 24)),
        ("bis Freitag", TODAY, date(2026, 7, 24)),
        ("bis 14.08.", TODAY, date(2026, 8, 14)),
        ("von Mittwoch bis Dienstag", date(2026, 7, 22), date(2026, 7, 28)),
        ("am 12.09.", date(2026, 9, 12), date(2026, 9, 12)),
        ("nächste Woche", date(2026, 7, 27), date(2026, 7, 31)),
        ("diese Woche", TODAY, date(2026, 7, 24)),
        # a running absence whose start already passed stays in this year
        ("13.07.-24.07.", date(2026, 7, 13), date(2026, 7, 24)),
        # a range that is entirely over means next year
        ("01.07.-05.07.", date(2027, 7, 1), date(2027, 7, 5)),
    ],
)
def test_ranges(text: str, start: date, end: date) -> None:
    found = parse_range(text, TODAY)
    assert (found.start, found.end) == (start, end)


def test_range_found_inside_a_sentence() -> None:
    text = "Ich bin vom 3. bis 14. August im Urlaub, meine Vertretung ist Tobias Koch"
    found = find_range(text, TODAY)
    assert found is not None
    assert (found.start, found.end) == (date(2026, 8, 3), date(2026, 8, 14))
    assert text[found.span[0] : found.span[1]] == "3. bis 14. August"


def test_a_time_is_no_date() -> None:
    assert find_range("Ich bin ab 8.30 Uhr weg", TODAY) is None
    found = find_range("am 3.8. ab 8.30 Uhr", TODAY)
    assert found is not None and found.start == found.end == date(2026, 8, 3)


def test_open_start() -> None:
    found = parse_range("ab 03.08.", TODAY)
    assert found.start == date(2026, 8, 3) and found.end is None


def test_no_date_in_text() -> None:
    assert find_range("Wer macht die Hundesteuer?", TODAY) is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("31.02.", "no_such_day"),
        ("30.02.2027", "no_such_day"),
        ("31.04.-03.05.", "no_such_day"),
        ("32.08.", "no_such_day"),
        ("3.13.", "no_such_day"),
        ("14.08.-03.08.", "inverted"),
        ("14.08.2026-03.08.2026", "inverted"),
        ("01.01.2026-31.12.2027", "too_long"),
        ("3.", "unreadable"),
        ("irgendwann", "unreadable"),
    ],
)
def test_invalid_dates_are_rejected_with_a_reason(text: str, kind: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_range(text, TODAY)
    assert caught.value.kind == kind


def test_date_error_message_is_german_and_names_the_input() -> None:
    from bot.texts.directory import error_message

    with pytest.raises(DateError) as caught:
        parse_date("31.02.", TODAY)
    assert error_message(caught.value) == (
        "Das Datum „31.02.“ gibt es nicht. Bitte prüfen Sie Tag und Monat."
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [("03.08.2026", date(2026, 8, 3)), ("3.8.2026", date(2026, 8, 3)),
     ("2026-08-03", date(2026, 8, 3)), (" 14.08.2026 ", date(2026, 8, 14))],
)
def test_full_dates_of_csv_files(text: str, expected: date) -> None:
    assert parse_full_date(text) == expected


@pytest.mark.parametrize("text", ["03.08.", "3. August", "2026-02-30", "14/08/2026", ""])
def test_full_dates_need_a_year_and_a_real_day(text: str) -> None:
    with pytest.raises(DateError):
        parse_full_date(text)


def _within_budget(call: object, seconds: float = 10.0) -> object:
    """Runs ``call`` in a daemon thread: a hang fails the test instead of freezing the run
    (the generous budget catches endless loops, it does not time the parser)."""
    import threading

    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(call())  # type: ignore[operator]
        except Exception as error:  # the outcome is checked by the caller
            outcome.append(error)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"no result within {seconds} s: the parser hangs"
    return outcome[0]


@pytest.mark.parametrize(
    "text",
    [
        "31.12.9999-01.01.",  # the end's year would be 10000: used to loop forever
        "31.12.2099-01.01.",
        "bis 31.12.9999",
        "29.02.9999",
        "01.01.0001-02.01.",
        "3.8.1999",
    ],
)
def test_years_outside_the_window_are_refused_quickly(text: str) -> None:
    outcome = _within_budget(lambda: parse_range(text, TODAY))
    assert isinstance(outcome, DateError), outcome
    assert outcome.kind in ("year_out_of_range", "no_such_day", "too_long")


def test_until_a_far_date_keeps_the_one_year_limit() -> None:
    with pytest.raises(DateError) as caught:
        parse_range("bis 31.12.2030", TODAY)
    assert caught.value.kind == "too_long"
    assert parse_range("bis 31.12.2026", TODAY).end == date(2026, 12, 31)


def test_year_out_of_range_message_is_german() -> None:
    from bot.texts.directory import error_message

    with pytest.raises(DateError) as caught:
        parse_range("31.12.9999-01.01.", TODAY)
    assert "zwischen 2000 und 2099" in error_message(caught.value)

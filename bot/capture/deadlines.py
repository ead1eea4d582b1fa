"""Deadlines in handover and procedure documents (issue 12, the stand-in's briefing).

``extract(sections)`` reads a document's Sections (``indexer.loaders``) one sentence or table
row at a time and returns the ``Deadline`` rules it finds: dates ("15.02.", "bis 31.03.",
"zum 30. Juni", "16.10.2026"), months with a recurring or deadline cue ("jährlich im März",
"Lauf jeweils im Januar und Juli"), days of the month ("monatlich zum 5.", "bis zum 10. des
Folgemonats", "erster Arbeitstag nach dem 20.", "bis Monatsende"), weekday rules ("zweiter
Dienstag im Monat", "jeden Montag", "wöchentlich, montags") and quarters ("vierteljährlich",
"zehn Tage nach Quartalsende"). ``due_in(deadlines, start, end)`` lays them on a period.

What it leaves out, on purpose: dates that name the past or a document's state ("vom",
"seit", "Stand", "Fassung"), deadlines relative to an event ("vier Wochen ab Zustellung",
"42. Tag vor der Wahl": no calendar day without the event), opening hours ("dienstags
14-17 Uhr"), ranges of weekdays ("Montag bis Freitag") and bare "monatlich"/"jährlich"
without a day or month. Text that is no date is skipped; nothing here raises on bad text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from bot.capture.deadline_rules import Deadline, DueDate, Rule
from bot.directory.dates import MONTHS, WEEKDAYS
from indexer.model import Section

MAX_UNIT_CHARS = 600  # a "sentence" longer than this is cut: the regexes stay linear anyway
_MONTH_NAMES = [n for n in sorted(MONTHS, key=len, reverse=True) if len(n) > 3 or n == "mai"]
_MONTH = r"(?P<mname>" + "|".join(_MONTH_NAMES) + r")"
_WD = "|".join(WEEKDAYS)
_ORDINALS = {"erst": 1, "zweit": 2, "dritt": 3, "viert": 4, "letzt": -1}
_NUMBERS = {"ein": 1, "einen": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "fuenf": 5,
            "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "fünfzehn": 15,
            "zwanzig": 20}

_NUMERIC = re.compile(r"(?<![\d.])(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})?(?![\d])")
_NAMED = re.compile(r"(?<![\d.])(?P<d>\d{1,2})\.\s*" + _MONTH + r"\b(?:\s+(?P<y>\d{4}))?",
                    re.IGNORECASE)
_PART_OF_MONTH = re.compile(r"\b(?P<part>anfang|mitte|ende)\s+" + _MONTH +
                            r"\b(?:\s+(?P<y>\d{4}))?", re.IGNORECASE)
_MONTH_ALONE = re.compile(r"(?<![\d.]\s)(?<!\d\.)\b" + _MONTH + r"\b(?:\s+(?P<y>\d{4}))?",
                          re.IGNORECASE)
_MONTH_RANGE = re.compile(r"\b(?:" + "|".join(_MONTH_NAMES) + r")\s*(?:bis|-|–)\s*(?:"
                          + "|".join(_MONTH_NAMES) + r")\b", re.IGNORECASE)
_PAST = re.compile(r"(?:\bvom|\bseit(?:\s+dem)?|\bstand|\bfassung|\bgeändert\s+zum|\bab\s+dem"
                   r"|\bin\s+der\s+fassung|\bbeschluss\w*\s+vom)\s*:?\s*$", re.IGNORECASE)
_MONTH_CUE = re.compile(r"\b(?:jährlich|jaehrlich|jedes\s+jahr|jeweils|im\s+jahr|lauf|frist"
                        r"|stichtag|wiedervorlage|termin|bis|spätestens|fällig)", re.IGNORECASE)
_DAY_OF_MONTH = re.compile(
    r"\b(?:bis\s+zum|zum|am|bis)\s+(?P<d>\d{1,2})\.(?!\s*\d)"
    r"(?!\s*(?:" + "|".join(_MONTH_NAMES) + r"|arbeitstag|werktag|tag\b))(?:\s*(?:des|eines)\s+"
    r"(?:folge)?monats\b|(?!\s*(?:des|eines)\b)(?=[\s*:,;)|]|$))", re.IGNORECASE)
_MONTHLY_CUE = re.compile(r"\b(?:monat|monatlich|folgemonat)", re.IGNORECASE)
_WORKDAY_AFTER = re.compile(r"\berste[nr]?\s+arbeitstag\s+nach\s+dem\s+(?P<d>\d{1,2})\.",
                            re.IGNORECASE)
_FIRST_WORKDAY = re.compile(r"\berste[nr]?\s+arbeitstag\s+(?:im|des)\s+monats?\b", re.I)
_MONTH_END = re.compile(r"\bbis\s+(?:zum\s+)?monatsende\b", re.IGNORECASE)
_NTH = re.compile(r"\b(?P<n>erst|zweit|dritt|viert|letzt)e[nrm]?\s+(?P<wd>" + _WD +
                  r")\s+(?:im|des|eines)\s+monats?\b", re.IGNORECASE)
_WEEKLY = re.compile(r"\b(?:jeden|jede\s+woche\s+am)\s+(?P<wd>" + _WD + r")\b"
                     r"|\bwöchentlich\W+(?:\w+\W+){0,3}?(?P<wd2>" + _WD + r")s?\b", re.I)
_QUARTER_OFFSET = re.compile(r"\b(?P<n>\d{1,2}|\w+)\s+tage?\s+nach\s+(?:dem\s+)?quartalsende",
                             re.IGNORECASE)
_QUARTER_MONTH_DAY = re.compile(r"\bbis\s+zum\s+(?P<d>\d{1,2})\.\s+des\s+monats\s+nach\s+"
                                r"quartalsende", re.IGNORECASE)
_QUARTERLY = re.compile(r"\b(?:vierteljährlich|vierteljaehrlich|quartalsweise|einmal\s+im"
                        r"\s+quartal|jedes\s+quartal)\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[a-zäöüß)\]*][.!?])\s+(?=[A-ZÄÖÜ*])")
_MARKUP = re.compile(r"\*\*|__|`")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+\.|\[[ x]\])\s+")
# "15. Februar | ..." starts with a date, not with list item 15
_LIST_MARKER = re.compile(r"^\s*\d+\.(?!\s*(?:" + "|".join(_MONTH_NAMES) + r")\b)\s+",
                          re.IGNORECASE)
_STEP = re.compile(r"^\s*(\d{1,3})\.\s+")
_NOT_NUMBERED = re.compile(r"^\s*(?:[-*•]|\[[ x]\])\s+")


def extract(sections: Iterable[Section]) -> list[Deadline]:
    """Every deadline rule in the Sections, once per (rule, sentence), in document order."""
    found: list[Deadline] = []
    seen: set[tuple[str, str, str]] = set()
    for section in sections:
        in_deadlines = any(re.search(r"frist|termin", h, re.I) for h in section.heading_path[-1:])
        heading = " > ".join(section.heading_path)
        for unit in units(section.text):
            for rule in rules_in(unit, in_deadlines):
                mark = (section.source, rule.key, unit)
                if mark not in seen:
                    seen.add(mark)
                    found.append(Deadline(rule, unit, section.source, heading, section.page))
    return found


def due_in(deadlines: Iterable[Deadline], start: date, end: date) -> list[DueDate]:
    """The concrete days of ``start``..``end`` the deadlines fall on, in date order."""
    due = [DueDate(day, d) for d in deadlines for day in d.rule.dates(start, end)]
    return sorted(due, key=lambda item: (item.day, item.deadline.source, item.deadline.quote))


def units(text: str) -> list[str]:
    """Sentences and table rows: a bullet, a numbered step or a table row is one unit; a
    paragraph's lines are joined and split at sentence ends. A list marker is dropped; "5."
    before a month is a list marker only when it follows step 4 ("5. April und Mai: ..."),
    else a date ("15. Februar | je ein Viertel")."""
    result: list[str] = []
    paragraph: list[str] = []
    step = 0  # the number of the last numbered step seen

    def flush() -> None:
        if paragraph:
            joined = " ".join(paragraph)
            result.extend(s for s in _SENTENCE_END.split(joined) if s.strip())
            paragraph.clear()

    for raw in text.splitlines():
        line = _MARKUP.sub("", raw).strip()
        if not line or set(line) <= set("|-: "):
            flush()
            continue
        number = _STEP.match(line)
        if number and "|" not in line:
            if int(number.group(1)) == step + 1 or not _LIST_MARKER.match(line):
                line = line[number.end():]  # a step of the list, not a date
            step = int(number.group(1))
        if "|" in line or _BULLET.match(line) or number:
            flush()
            paragraph.append(" ".join(part.strip() for part in line.strip("|").split("|")) if
                             "|" in line else _NOT_NUMBERED.sub("", line))
            continue
        if paragraph and "|" in raw:
            paragraph.append(line)  # a wrapped bullet
            continue
        paragraph.append(line)
    flush()
    return [u[:MAX_UNIT_CHARS].strip() for u in result]


def rules_in(unit: str, in_deadlines: bool = False) -> list[Rule]:
    """The rules one sentence or table row states (see the module doc)."""
    rules = _dates(unit) + _monthly(unit) + _weekdays(unit)
    quarter = _quarters(unit)
    rules += quarter
    if not rules or in_deadlines:
        rules += _months(unit, in_deadlines or bool(_MONTH_CUE.search(unit)), rules)
    if not rules and _QUARTERLY.search(unit):
        rules.append(Rule("quarterly", day=0))
    return list(dict.fromkeys(rules))


def _dates(unit: str) -> list[Rule]:
    rules: list[Rule] = []
    for pattern in (_NUMERIC, _NAMED):
        for m in pattern.finditer(unit):
            if _PAST.search(unit[: m.start()]):
                continue
            month = int(m["m"]) if pattern is _NUMERIC else MONTHS[m["mname"].lower()]
            rule = _day_rule(int(m["d"]), month, m["y"])
            if rule is not None:
                rules.append(rule)
    for m in _PART_OF_MONTH.finditer(unit):
        if _PAST.search(unit[: m.start()]):
            continue
        month = MONTHS[m["mname"].lower()]
        day = {"anfang": 1, "mitte": 15, "ende": 31}[m["part"].lower()]
        rule = _day_rule(day, month, m["y"], month_end=day == 31)
        if rule is not None:
            rules.append(rule)
    return rules


def _day_rule(day: int, month: int, year: str | None, month_end: bool = False) -> Rule | None:
    """A day of a month; None when it does not exist (31.02., 45.13.). ``month_end``: "Ende
    Juni" is written as day 31 and means the month's last day."""
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return None
    last = 29 if month == 2 else 30 if month in (4, 6, 9, 11) else 31
    if day > last and not month_end:
        return None
    day = min(day, last)
    if not year:
        return Rule("yearly", month=month, day=min(day, 28) if month == 2 else day)
    if not 2000 <= int(year) <= 2099:
        return None
    try:
        return Rule("date", year=int(year), month=month,
                    day=min(day, _clamp(int(year), month, day)) if month_end else
                    date(int(year), month, day).day)
    except ValueError:  # 29.02. of a year without it
        return None


def _clamp(year: int, month: int, day: int) -> int:
    import calendar

    return min(day, calendar.monthrange(year, month)[1])


def _monthly(unit: str) -> list[Rule]:
    rules = [Rule("monthly", day=int(m["d"]) + 1, workday=True)
             for m in _WORKDAY_AFTER.finditer(unit) if 1 <= int(m["d"]) <= 30]
    if _FIRST_WORKDAY.search(unit):
        rules.append(Rule("monthly", day=1, workday=True))
    if _MONTH_END.search(unit):
        rules.append(Rule("monthly", day=31))
    if _QUARTER_MONTH_DAY.search(unit):
        return rules
    cue = _MONTHLY_CUE.search(unit)
    for m in _DAY_OF_MONTH.finditer(unit):
        day = int(m["d"])
        if not 1 <= day <= 31 or _WORKDAY_AFTER.search(unit[max(0, m.start() - 30): m.end()]):
            continue
        if "monat" in m.group(0).lower() or cue or m.group(0).lower().startswith("bis zum"):
            rules.append(Rule("monthly", day=day))
    return rules


def _weekdays(unit: str) -> list[Rule]:
    rules = [Rule("nth", day=WEEKDAYS[m["wd"].lower()], nth=_ORDINALS[m["n"].lower()])
             for m in _NTH.finditer(unit)]
    for m in _WEEKLY.finditer(unit):
        name = (m["wd"] or m["wd2"]).lower()
        rules.append(Rule("weekly", day=WEEKDAYS[name]))
    return rules


def _quarters(unit: str) -> list[Rule]:
    m = _QUARTER_MONTH_DAY.search(unit)
    if m and 1 <= int(m["d"]) <= 31:
        return [Rule("quarterly", day=int(m["d"]))]
    m = _QUARTER_OFFSET.search(unit)
    if m:
        word = m["n"].lower()
        days = int(word) if word.isdigit() else _NUMBERS.get(word)
        if days is not None and days <= 90:
            return [Rule("quarterly", day=days)]
    return []


def _months(unit: str, cued: bool, taken: list[Rule]) -> list[Rule]:
    """Months named alone ("im Februar", "Januar und Juli"), with a cue or in a Fristen
    section; months that are part of a day already found are not counted again."""
    if not cued:
        return []
    covered = [(m.start(), m.end()) for p in (_NAMED, _PART_OF_MONTH, _MONTH_RANGE)
               for m in p.finditer(unit)]  # "März bis Juli" is a season, not a deadline
    rules = []
    for m in _MONTH_ALONE.finditer(unit):
        if any(a <= m.start() < b for a, b in covered) or _PAST.search(unit[: m.start()]):
            continue
        if re.search(r"(?:\bseit|\bab)\s*$", unit[: m.start()], re.IGNORECASE):
            continue
        year = int(m["y"]) if m["y"] else 0
        if year and not 2000 <= year <= 2099:
            continue
        rules.append(Rule("month", year=year, month=MONTHS[m["mname"].lower()]))
    return rules

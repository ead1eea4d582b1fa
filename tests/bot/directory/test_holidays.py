"""German public holidays: Easter by the Gregorian algorithm against published dates, the
federal days, one Land's days, extra dates, and working days counted around them."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from bot.directory.holidays import Holidays, easter_sunday, repentance_day, working_days_between
from bot.settings import Settings

# Easter Sundays as printed in calendars (including the latest and an early one)
EASTER = [date(2000, 4, 23), date(2008, 3, 23), date(2019, 4, 21), date(2024, 3, 31),
          date(2025, 4, 20), date(2026, 4, 5), date(2027, 3, 28), date(2038, 4, 25)]


@pytest.mark.parametrize("sunday", EASTER)
def test_easter_sunday(sunday: date) -> None:
    assert easter_sunday(sunday.year) == sunday


def test_federal_holidays_of_2026() -> None:
    federal = Holidays()
    expected = {date(2026, 1, 1), date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 1),
                date(2026, 5, 14), date(2026, 5, 25), date(2026, 10, 3), date(2026, 12, 25),
                date(2026, 12, 26)}
    days = {date.fromordinal(n) for n in range(date(2026, 1, 1).toordinal(),
                                                date(2027, 1, 1).toordinal())}
    assert {day for day in days if day in federal} == expected


def test_land_holidays_count_only_in_their_land() -> None:
    corpus_christi, all_saints = date(2026, 6, 4), date(2026, 11, 1)
    assert corpus_christi in Holidays("NW") and all_saints in Holidays("NW")
    assert corpus_christi not in Holidays("BE") and corpus_christi not in Holidays()
    assert date(2026, 3, 8) in Holidays("BE") and date(2026, 3, 8) not in Holidays("NW")
    assert date(2026, 10, 31) in Holidays("NI") and date(2026, 10, 31) not in Holidays("BY")
    assert repentance_day(2026) == date(2026, 11, 18)  # a Wednesday, before 23 November
    assert date(2026, 11, 18) in Holidays("SN") and date(2026, 11, 18) not in Holidays("TH")


def test_extra_days_every_year_or_once() -> None:
    town = Holidays("NW", ("02-16", "2026-08-07"))  # Rosenmontag 2026, a town festival
    assert date(2026, 2, 16) in town and date(2027, 2, 16) in town
    assert date(2026, 8, 7) in town and date(2027, 8, 7) not in town


def test_working_days_skip_weekends_and_holidays() -> None:
    thursday, tuesday = date(2026, 4, 2), date(2026, 4, 7)  # over Easter 2026
    assert working_days_between(thursday, tuesday, Holidays()) == 1
    assert working_days_between(date(2026, 8, 7), date(2026, 8, 10), Holidays()) == 1
    assert working_days_between(date(2026, 8, 3), date(2026, 8, 5)) == 2
    assert working_days_between(date(2026, 8, 5), date(2026, 8, 5)) == 0
    wednesday, friday = date(2026, 6, 3), date(2026, 6, 5)  # Fronleichnam between
    assert working_days_between(wednesday, friday, Holidays("BY")) == 1
    assert working_days_between(wednesday, friday, Holidays("HH")) == 2


def test_bad_holiday_settings_stop_the_start_and_name_the_setting() -> None:
    with pytest.raises(ValidationError, match="holiday_land"):
        Settings(_env_file=None, holiday_land="Bayern")
    with pytest.raises(ValidationError, match="extra_holidays"):
        Settings(_env_file=None, extra_holidays=["31.12."])
    with pytest.raises(ValidationError, match="extra_holidays"):
        Settings(_env_file=None, extra_holidays=["02-30"])
    settings = Settings(_env_file=None, holiday_land=" nw ", extra_holidays=["02-16"])
    assert settings.holidays == Holidays("NW", ("02-16",))

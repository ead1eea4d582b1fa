"""People, responsibilities, absences (CSV, ICS, chat), German dates and task matching:
"who handles this today". Never imports the channel or the assistant."""

from __future__ import annotations

from bot.directory.absences import (
    ABSENT,
    BACK,
    AbsenceRequest,
    carry_out,
    check_may_set,
    parse_absence_request,
)
from bot.directory.csv import (
    read_absences,
    read_people,
    read_tasks,
)
from bot.directory.dates import (
    find_range,
    format_date,
    parse_date,
    parse_full_date,
    parse_range,
    today_in_berlin,
)
from bot.directory.directory import (
    Directory,
)
from bot.directory.docs import open_titles
from bot.directory.errors import (
    AbsenceInPast,
    DateError,
    DirectoryError,
    NotAllowed,
    StandInIsSelf,
    StateError,
    UnknownPerson,
    UnknownSelf,
    UnknownTask,
)
from bot.directory.ics import (
    read_ics,
)
from bot.directory.match import (
    GUESS,
    MATCH,
    _close_gaps,
)
from bot.directory.model import (
    ABSENCE_CATEGORIES,
    DEPUTY,
    FALLBACK,
    HEAD,
    RESPONSIBLE,
    STAND_IN,
    Absence,
    Availability,
    Person,
    Problem,
    Task,
    absence_category,
)
from bot.directory.roles import (
    ADMIN_GROUP,
    HEAD_GROUP,
    is_admin,
    is_head,
)

__all__ = [
    "format_date",
    "ABSENCE_CATEGORIES",
    "absence_category",
    "ADMIN_GROUP",
    "HEAD_GROUP",
    "is_head",
    "ABSENT",
    "Absence",
    "AbsenceInPast",
    "AbsenceRequest",
    "Availability",
    "BACK",
    "DEPUTY",
    "DateError",
    "Directory",
    "open_titles",
    "DirectoryError",
    "FALLBACK",
    "GUESS",
    "HEAD",
    "MATCH",
    "NotAllowed",
    "Person",
    "Problem",
    "RESPONSIBLE",
    "STAND_IN",
    "StandInIsSelf",
    "StateError",
    "Task",
    "UnknownPerson",
    "UnknownSelf",
    "UnknownTask",
    "_close_gaps",
    "carry_out",
    "check_may_set",
    "find_range",
    "is_admin",
    "parse_absence_request",
    "parse_date",
    "parse_full_date",
    "parse_range",
    "read_absences",
    "read_ics",
    "read_people",
    "read_tasks",
    "today_in_berlin",
]

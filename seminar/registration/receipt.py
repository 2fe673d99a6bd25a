"""参会回执: the registration details a 会务组 asks of each attendee, which of them a seminar asks
for, and the checks they pass. Pure: no ORM, no HTTP.

Storage. The fields are a fixed, known set (性别, 民族, 职级, 到会/离会日期和车次航班, 住宿, 饮食,
随行人员, 备注), so each is a typed column of `Registration` (enums as short codes, dates as DATE,
the number of companions as an integer): the counts a 会务组 needs (rooms per night, meals by kind,
arrivals per day) and the seat plan's precedence by 职级 are plain filters, orderings and sums in
SQL, and a value outside the choices cannot be stored by any path. 职务 and 手机 are the
registration's own `position` and `phone`, so a person has one phone number, not two. What a seminar
asks for is configuration, not data: a small JSON object on `RegistrationSettings` (field → off /
on / required), read through `field_modes`, which falls back to the defaults for any field missing
or unknown, so adding a field later needs no data migration.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum, StrEnum

from seminar.i18n import _, format_date
from seminar.i18n import lazy_gettext as _l


class Gender(StrEnum):
    MALE = "male"
    FEMALE = "female"


class Rank(StrEnum):
    """职级, highest first: `precedence` orders leaders on a seat plan (1 sits first)."""

    PROVINCIAL = "provincial"  # 省部级
    BUREAU = "bureau"  # 厅局级
    COUNTY = "county"  # 县处级
    TOWNSHIP = "township"  # 乡科级
    OTHER = "other"  # 其他

    @property
    def precedence(self) -> int:
        return list(Rank).index(self) + 1


class Lodging(StrEnum):
    SINGLE = "single"  # 单住: one room
    SHARED = "shared"  # 合住: half a room
    NONE = "none"  # 不住


class Diet(StrEnum):
    NONE = "none"  # 无 (no special diet)
    HALAL = "halal"  # 清真
    VEGETARIAN = "vegetarian"  # 素食


class Mode(IntEnum):
    OFF = 0
    ON = 1
    REQUIRED = 2


# The 回执 fields a seminar may ask for, in the form's order; "arrival" and "departure" are a date
# with its 车次/航班, "companions" a number with the names.
FIELDS = (
    "gender", "ethnicity", "position", "rank", "mobile", "arrival", "departure", "lodging", "diet", "companions", "note",
)
DEFAULT_MODES: dict[str, Mode] = {
    "gender": Mode.ON, "ethnicity": Mode.ON, "position": Mode.ON, "rank": Mode.ON, "mobile": Mode.ON,
    "arrival": Mode.ON, "departure": Mode.ON, "lodging": Mode.ON, "diet": Mode.ON, "companions": Mode.ON, "note": Mode.ON,
}
MODE_CODES = {Mode.OFF: "off", Mode.ON: "on", Mode.REQUIRED: "required"}

FIELD_LABELS = {
    "gender": _l("Gender"), "ethnicity": _l("Ethnic group"), "position": _l("Position"), "rank": _l("Official rank"),
    "mobile": _l("Mobile phone"), "arrival": _l("Arrival date and train/flight"),
    "departure": _l("Departure date and train/flight"), "lodging": _l("Accommodation"), "diet": _l("Diet"),
    "companions": _l("Accompanying persons"), "note": _l("Remarks"),
}
GENDER_LABELS = {Gender.MALE: _l("Male"), Gender.FEMALE: _l("Female")}
RANK_LABELS = {
    Rank.PROVINCIAL: _l("Provincial or ministerial"), Rank.BUREAU: _l("Bureau or department"),
    Rank.COUNTY: _l("County or division"), Rank.TOWNSHIP: _l("Township or section"), Rank.OTHER: _l("Other"),
}
LODGING_LABELS = {Lodging.SINGLE: _l("Single room"), Lodging.SHARED: _l("Shared room"), Lodging.NONE: _l("No accommodation")}
DIET_LABELS = {Diet.NONE: _l("No special diet"), Diet.HALAL: _l("Halal"), Diet.VEGETARIAN: _l("Vegetarian")}

# The spreadsheet's words, in Chinese whatever the organizer's language.
GENDER_CHINESE = {Gender.MALE: "男", Gender.FEMALE: "女"}
RANK_CHINESE = {Rank.PROVINCIAL: "省部级", Rank.BUREAU: "厅局级", Rank.COUNTY: "县处级", Rank.TOWNSHIP: "乡科级", Rank.OTHER: "其他"}
LODGING_CHINESE = {Lodging.SINGLE: "单住", Lodging.SHARED: "合住", Lodging.NONE: "不住"}
DIET_CHINESE = {Diet.NONE: "无", Diet.HALAL: "清真", Diet.VEGETARIAN: "素食"}

# How far before the seminar one may arrive, and after it leave (a day's travel from a far city).
ARRIVAL_SLACK = dt.timedelta(days=3)
DEPARTURE_SLACK = dt.timedelta(days=3)
MAX_COMPANIONS = 10

_MOBILE = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$")


def field_modes(stored: Mapping[str, object] | None) -> dict[str, Mode]:
    """The seminar's stored choices over the defaults; unknown fields and values are ignored."""
    modes = dict(DEFAULT_MODES)
    codes = {code: mode for mode, code in MODE_CODES.items()}
    for name, code in (stored or {}).items():
        if name in modes and isinstance(code, str) and code in codes:
            modes[name] = codes[code]
    return modes


def stored_modes(modes: Mapping[str, Mode]) -> dict[str, str]:
    return {name: MODE_CODES[modes[name]] for name in FIELDS}


def is_mobile(text: str) -> bool:
    """A mainland mobile number: 11 digits starting 13–19 (spaces, dashes and +86 allowed)."""
    return bool(_MOBILE.match(re.sub(r"[\s\-()（）]", "", text)))


@dataclass(frozen=True)
class Dates:
    """The arrival and departure dates typed in (None: not given)."""

    arrival: dt.date | None
    departure: dt.date | None


def date_problems(dates: Dates, starts_on: dt.date, ends_on: dt.date) -> dict[str, str]:
    """Messages by field ("arrival", "departure") for dates out of the seminar's range or in the wrong order."""
    problems: dict[str, str] = {}
    earliest, latest = starts_on - ARRIVAL_SLACK, ends_on + DEPARTURE_SLACK
    if dates.arrival is not None and not earliest <= dates.arrival <= ends_on:
        problems["arrival"] = _(
            "The arrival date must be between %(first)s and %(last)s (the seminar runs %(start)s – %(end)s).",
            first=_day(earliest), last=_day(ends_on), start=_day(starts_on), end=_day(ends_on),
        )
    if dates.arrival is not None and dates.departure is not None and dates.departure < dates.arrival:
        problems["departure"] = _("The departure date cannot be before the arrival date.")
    elif dates.departure is not None and not starts_on <= dates.departure <= latest:
        problems["departure"] = _(
            "The departure date must be between %(first)s and %(last)s (the seminar runs %(start)s – %(end)s).",
            first=_day(starts_on), last=_day(latest), start=_day(starts_on), end=_day(ends_on),
        )
    return problems


def _day(day: dt.date) -> str:
    return format_date(day)


def companion_count(count: int | None, names: str) -> int:
    """The number of 随行人员: as typed, or, if only names were given, how many names there are."""
    if count:
        return count
    return len([name for name in re.split(r"[,，、;；\s]+", names) if name])


def is_open_for_changes(deadline: dt.date | None, today: dt.date) -> bool:
    """The 回执 may be changed through its deadline day (the seminar's local date); no deadline: always."""
    return deadline is None or today <= deadline

"""The editor's forms: settings, rooms, a slot, a session, a new slot, publishing.

Every form that changes the draft carries the draft's `version` as the page showed it.
Times are typed as the seminar's local time (datetime-local, no zone) and get its zone by `as_local`.
The last section fills the forms from the agenda and puts refusals on them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from wtforms import BooleanField, DateTimeLocalField, Field, FieldList, FormField, IntegerField, SelectField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import HiddenInput

from seminar.agenda.editing import SessionPeople, TypedPerson
from seminar.agenda.model import Person, Session, Slot, SlotKind
from seminar.agenda.program import day_label
from seminar.errors import UserError
from seminar.forms import BaseForm, HiddenField, SelectChoice, StringField, TextAreaField
from seminar.i18n import lazy_gettext as _l

if TYPE_CHECKING:
    from seminar.agenda.models import AgendaSettings

LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
MAX_DAYS = 62  # a seminar lasts days: a cap on the 签到 rows a post may carry
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _time_of_day(form: BaseForm, field: Field) -> None:
    field.data = (field.data or "").strip()
    if field.data and not _TIME.match(field.data):
        raise ValidationError(_l("Write the time as hh:mm, e.g. 09:00."))


def _parse_days(text: str) -> list[dt.date]:
    """The agenda's days, in order, from the field's text; ValidationError unless there is one or more."""
    days = []
    for part in re.split(r"[\s,，、;；]+", text):
        if not part:
            continue
        try:
            days.append(dt.date.fromisoformat(part))
        except ValueError:
            raise ValidationError(_l("Write each day as yyyy-mm-dd, one per line.")) from None
    if not days:
        raise ValidationError(_l("Choose at least one day for the agenda."))
    return sorted(set(days))


def _days(form: BaseForm, field: Field) -> None:
    _parse_days(field.data or "")


class VersionedForm(BaseForm):
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class SignInForm(BaseForm):
    """One day's 签到: when it opens, or none that day."""

    day = HiddenField()
    time = StringField(_l("Sign-in opens at"), validators=[_time_of_day])
    none = BooleanField(_l("No sign-in this day"))

    @property
    def day_label(self) -> str:
        """2027年1月21日（星期四）: the day the row is for."""
        try:
            return day_label(dt.date.fromisoformat(self.day.data))
        except ValueError:
            return self.day.data


class AgendaSettingsForm(BaseForm):
    days = TextAreaField(
        _l("Days of the agenda"), validators=[_days], description=_l("One date per line, e.g. 2026-12-10.")
    )
    day_start = StringField(_l("Day starts at"), validators=[DataRequired(), _time_of_day])
    lunch_start = StringField(_l("Lunch break from"), validators=[_time_of_day],
                              description=_l("Leave both lunch times empty for no lunch break."))
    lunch_end = StringField(_l("Lunch break until"), validators=[_time_of_day])
    day_end = StringField(_l("Day ends at"), validators=[DataRequired(), _time_of_day])
    keynote_minutes = IntegerField(_l("Minutes per keynote speech"), validators=[InputRequired(), NumberRange(1, 120)])
    discussion_minutes = IntegerField(_l("Minutes of discussion per topic at least"),
                                      validators=[InputRequired(), NumberRange(1, 240)])
    per_speaker_minutes = IntegerField(_l("Minutes per discussion speaker"), validators=[InputRequired(), NumberRange(0, 60)])
    commentary_minutes = IntegerField(_l("Minutes of commentary per topic"), validators=[InputRequired(), NumberRange(0, 120)])
    break_minutes = IntegerField(_l("Minutes of a break between sessions"), validators=[InputRequired(), NumberRange(0, 120)])
    opening_minutes = IntegerField(_l("Minutes of the opening ceremony"), validators=[InputRequired(), NumberRange(0, 240)])
    lecture_minutes = IntegerField(_l("Minutes of the expert lecture"), validators=[InputRequired(), NumberRange(0, 480)])
    lecture_title = StringField(_l("Title of the expert lecture"), validators=[Length(max=200)])
    lecturer = StringField(_l("Lecturer"), validators=[Length(max=100)])
    lecturer_unit = StringField(_l("Lecturer's unit"), validators=[Length(max=200)])
    lecturer_position = StringField(_l("Lecturer's position"), validators=[Length(max=100)])
    closing_commentary_minutes = IntegerField(_l("Minutes of the overall commentary"),
                                              validators=[InputRequired(), NumberRange(0, 240)])
    closing_minutes = IntegerField(_l("Minutes of the closing speech"), validators=[InputRequired(), NumberRange(0, 240)])
    parallel_rooms = BooleanField(_l("Topics may run in parallel rooms"))
    sign_in = FieldList(FormField(SignInForm), max_entries=MAX_DAYS)

    def values(self) -> dict[str, Any]:
        values = {name: self[name].data for name in self._fields if name not in ("days", "sign_in")}
        values["days"] = [day.isoformat() for day in _parse_days(self.days.data)]  # validated: parses
        values["sign_in"] = {
            row["day"]: "" if row["none"] else row["time"]
            for row in self.sign_in.data
            if row["day"] in values["days"] and (row["none"] or row["time"])
        }
        for name in ("lecture_title", "lecturer", "lecturer_unit", "lecturer_position"):
            values[name] = (values[name] or "").strip()
        return values


SETTINGS_FIELDS = tuple(
    name for name in vars(AgendaSettingsForm) if not name.startswith("_") and name not in ("values", "days", "sign_in")
)


class RoomForm(BaseForm):
    name = StringField(_l("Room name"), validators=[DataRequired(), Length(max=100)])
    capacity = IntegerField(_l("Seats"), validators=[Optional(), NumberRange(min=1, max=100000)])


def _positive_minutes(form: BaseForm, field: Field) -> None:
    if field.data is not None and field.data <= 0:
        raise ValidationError(_l("A slot must last at least one minute."))


class SlotForm(VersionedForm):
    title = StringField(_l("Slot title"), validators=[DataRequired(), Length(max=300)])
    start = DateTimeLocalField(_l("Starts at"), validators=[InputRequired()], format=LOCAL_FORMATS)
    duration = IntegerField(_l("Minutes"), validators=[InputRequired(), _positive_minutes, NumberRange(max=1440)])
    speaker = StringField(_l("Speaker"), validators=[Length(max=100)])
    speaker_unit = StringField(_l("Speaker's unit"), validators=[Length(max=200)])
    speaker_position = StringField(_l("Speaker's position"), validators=[Length(max=100)])

    def label_for(self, kind: SlotKind) -> None:
        """A lecture's form asks for its title and its lecturer (专题辅导: 题目, 主讲人)."""
        if kind is SlotKind.LECTURE:
            self.title.label.text = str(_l("Title of the lecture"))
            self.speaker.label.text = str(_l("Lecturer"))
            self.speaker_unit.label.text = str(_l("Lecturer's unit"))
            self.speaker_position.label.text = str(_l("Lecturer's position"))


KIND_CHOICES = [
    SelectChoice(SlotKind.BREAK.value, _l("Break")),
    SelectChoice(SlotKind.KEYNOTE.value, _l("Keynote speech")),
    SelectChoice(SlotKind.DISCUSSION.value, _l("Discussion")),
    SelectChoice(SlotKind.COMMENTARY.value, _l("Commentary")),
    SelectChoice(SlotKind.GUIDANCE.value, _l("Guidance")),
    SelectChoice(SlotKind.LECTURE.value, _l("Lecture")),
    SelectChoice(SlotKind.OPENING.value, _l("Opening")),
    SelectChoice(SlotKind.CLOSING.value, _l("Closing")),
]


class NewSlotForm(VersionedForm):
    kind = SelectField(_l("Kind of slot"), choices=KIND_CHOICES, default=SlotKind.BREAK.value)
    title = StringField(_l("Slot title"), validators=[DataRequired(), Length(max=300)])
    duration = IntegerField(_l("Minutes"), default=15,
                            validators=[InputRequired(), _positive_minutes, NumberRange(max=1440)])
    speaker = StringField(_l("Speaker"), validators=[Length(max=100)])


class PersonForm(BaseForm):
    """One person of a session: name, 单位, 职务; a row without a name is nobody."""

    name = StringField(_l("Name"), validators=[Length(max=100)])
    unit = StringField(_l("Unit"), validators=[Length(max=200)])
    position = StringField(_l("Position"), validators=[Length(max=100)])

    def validate_unit(self, field: Field) -> None:
        if (field.data or self.position.data) and not self.name.data.strip():
            raise ValidationError(_l("Give the person's name, or leave the row empty."))


COMMENTATOR_ROWS = 3  # empty rows the session form offers beyond the 点评人 it has
MAX_COMMENTATORS = 12


class SessionForm(VersionedForm):
    title = StringField(_l("Session title"), validators=[DataRequired(), Length(max=300)])
    room = SelectField(_l("Room"), coerce=int, validate_choice=False)
    start = DateTimeLocalField(_l("Starts at"), validators=[InputRequired()], format=LOCAL_FORMATS)
    end = DateTimeLocalField(_l("Ends at"), validators=[InputRequired()], format=LOCAL_FORMATS)
    chair = FormField(PersonForm, label=_l("Chair"))
    commentators = FieldList(FormField(PersonForm), label=_l("Commentators"), max_entries=MAX_COMMENTATORS)

    def validate_end(self, field: Field) -> None:
        if self.start.data and field.data and field.data <= self.start.data:
            raise ValidationError(_l("The session must end after it starts."))


class PublishForm(VersionedForm):
    notify_speakers = BooleanField(_l("Write to the speakers whose slots changed"))
    notify_participants = BooleanField(_l("Write to everyone taking part in the seminar"))


# ---------- between the forms and the agenda ----------


def as_local(value: dt.datetime, time_zone: str) -> dt.datetime:
    """A typed local time (no zone) as the seminar's time: agendas are read where they happen."""
    return value.replace(tzinfo=ZoneInfo(time_zone))


def as_typed(value: dt.datetime, time_zone: str) -> dt.datetime:
    return value.astimezone(ZoneInfo(time_zone)).replace(tzinfo=None)


def show_error(form: BaseForm, error: UserError) -> None:
    """A refusal beside the field it names, else at the top of the form."""
    if error.field and error.field in form and error.field != "version":
        form[error.field].errors = [*form[error.field].errors, error.message]
    else:
        form.form_errors.append(error.message)


def refresh_version(form: VersionedForm, version: int) -> None:
    """After a conflict: what was typed stays, and saving again applies it to the current draft."""
    form.version.data = version
    form.version.raw_data = [str(version)]


def slot_data(version: int, slot: Slot, time_zone: str) -> dict[str, Any]:
    speaker = slot.speaker or Person(None, "")
    return {
        "version": version, "title": slot.title, "start": as_typed(slot.start, time_zone),
        "duration": slot.duration, "speaker": speaker.name, "speaker_unit": speaker.unit,
        "speaker_position": speaker.position,
    }


def _person_row(person: Person | None) -> dict[str, str]:
    return {"name": person.name, "unit": person.unit, "position": person.position} if person else {}


def session_data(version: int, session: Session, time_zone: str) -> dict[str, Any]:
    """The form as the session is, with empty 点评人 rows after those it has."""
    commentators = [_person_row(person) for person in session.commentators]
    commentators += [{} for _row in range(min(COMMENTATOR_ROWS, MAX_COMMENTATORS - len(commentators)))]
    return {
        "version": version, "title": session.title, "room": session.room.id,
        "start": as_typed(session.start, time_zone), "end": as_typed(session.end, time_zone),
        "chair": _person_row(session.chair), "commentators": commentators,
    }


def typed_person(values: Mapping[str, Any] | None) -> TypedPerson:
    values = values or {}
    return TypedPerson(*((values.get(name) or "").strip() for name in ("name", "unit", "position")))


def session_people(values: Mapping[str, Any]) -> SessionPeople:
    """The 主持人 and 点评人 typed in the session form."""
    return SessionPeople(typed_person(values.get("chair")), tuple(map(typed_person, values.get("commentators") or ())))


def slot_speaker(values: Mapping[str, Any]) -> TypedPerson:
    """The speaker typed in the slot form."""
    return typed_person({"name": values.get("speaker"), "unit": values.get("speaker_unit"),
                         "position": values.get("speaker_position")})


def settings_data(saved: AgendaSettings) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(saved, name) for name in SETTINGS_FIELDS}
    values["days"] = "\n".join(saved.days)
    values["sign_in"] = [
        {"day": day, "time": saved.sign_in.get(day, ""), "none": saved.sign_in.get(day) == ""} for day in saved.days
    ]
    return values

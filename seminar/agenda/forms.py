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

from wtforms import BooleanField, DateTimeLocalField, Field, IntegerField, SelectField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import HiddenInput

from seminar.agenda.editing import SessionPeople
from seminar.agenda.model import Session, Slot, SlotKind
from seminar.errors import UserError
from seminar.forms import BaseForm, SelectChoice, StringField, TextAreaField
from seminar.i18n import lazy_gettext as _l

if TYPE_CHECKING:
    from seminar.agenda.models import AgendaSettings

LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
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
    closing_commentary_minutes = IntegerField(_l("Minutes of the overall commentary"),
                                              validators=[InputRequired(), NumberRange(0, 240)])
    closing_minutes = IntegerField(_l("Minutes of the closing speech"), validators=[InputRequired(), NumberRange(0, 240)])
    parallel_rooms = BooleanField(_l("Topics may run in parallel rooms"))

    def values(self) -> dict[str, Any]:
        values = {name: self[name].data for name in self._fields if name not in ("days",)}
        values["days"] = [day.isoformat() for day in _parse_days(self.days.data)]  # validated: parses
        for name in ("lecture_title", "lecturer"):
            values[name] = (values[name] or "").strip()
        return values


SETTINGS_FIELDS = tuple(
    name for name in vars(AgendaSettingsForm) if not name.startswith("_") and name not in ("values", "days")
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


class SessionForm(VersionedForm):
    title = StringField(_l("Session title"), validators=[DataRequired(), Length(max=300)])
    room = SelectField(_l("Room"), coerce=int, validate_choice=False)
    start = DateTimeLocalField(_l("Starts at"), validators=[InputRequired()], format=LOCAL_FORMATS)
    end = DateTimeLocalField(_l("Ends at"), validators=[InputRequired()], format=LOCAL_FORMATS)
    chair = StringField(_l("Chair"), validators=[Length(max=100)])
    chair_unit = StringField(_l("Chair's unit"), validators=[Length(max=200)])
    chair_position = StringField(_l("Chair's position"), validators=[Length(max=100)])
    commentator = StringField(_l("Commentator"), validators=[Length(max=100)])
    commentator_unit = StringField(_l("Commentator's unit"), validators=[Length(max=200)])
    commentator_position = StringField(_l("Commentator's position"), validators=[Length(max=100)])

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
    return {
        "version": version, "title": slot.title, "start": as_typed(slot.start, time_zone),
        "duration": slot.duration, "speaker": slot.speaker.name if slot.speaker else "",
    }


def session_data(version: int, session: Session, time_zone: str) -> dict[str, Any]:
    return {
        "version": version, "title": session.title, "room": session.room.id,
        "start": as_typed(session.start, time_zone), "end": as_typed(session.end, time_zone),
        "chair": session.chair.name if session.chair else "",
        "chair_unit": session.chair.unit if session.chair else "",
        "chair_position": session.chair.position if session.chair else "",
        "commentator": session.commentator.name if session.commentator else "",
        "commentator_unit": session.commentator.unit if session.commentator else "",
        "commentator_position": session.commentator.position if session.commentator else "",
    }


def session_people(values: Mapping[str, Any]) -> SessionPeople:
    """The 主持人 and 点评人 typed in the session form."""
    return SessionPeople(**{name: values.get(name) or "" for name in SessionPeople.__dataclass_fields__})


def settings_data(saved: AgendaSettings) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(saved, name) for name in SETTINGS_FIELDS}
    values["days"] = "\n".join(saved.days)
    return values

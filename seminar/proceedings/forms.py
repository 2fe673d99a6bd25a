"""The organizers' proceedings settings (前言, 后记, 领导讲话 …), the 专题点评, and the build request."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from wtforms import BooleanField, DateField, SelectField
from wtforms.validators import DataRequired, Length, Optional

from seminar.forms import BaseForm, SelectChoice, StringField, TextAreaField, optional_int
from seminar.i18n import _
from seminar.i18n import lazy_gettext as _l
from seminar.proceedings.models import SpeechKind
from seminar.proceedings.styles import LABELS as STYLE_LABELS
from seminar.proceedings.styles import HouseStyle

SPEECH_FIELDS = ("title", "speaker", "position", "text")


class ProceedingsSettingsForm(BaseForm):
    preface = TextAreaField(_l("Preface (前言)"), validators=[Length(max=20000)], render_kw={"rows": 10})
    preface_signature = StringField(_l("Signed by"), validators=[Length(max=100)])
    preface_date = DateField(_l("Dated"), validators=[Optional()])
    opening_title = StringField(_l("Opening speech: title"), validators=[Length(max=200)])
    opening_speaker = StringField(_l("Opening speech: speaker"), validators=[Length(max=50)])
    opening_position = StringField(_l("Opening speech: speaker's position"), validators=[Length(max=100)])
    opening_text = TextAreaField(_l("Opening speech: text"), validators=[Length(max=50000)], render_kw={"rows": 8})
    closing_title = StringField(_l("Closing speech: title"), validators=[Length(max=200)])
    closing_speaker = StringField(_l("Closing speech: speaker"), validators=[Length(max=50)])
    closing_position = StringField(_l("Closing speech: speaker's position"), validators=[Length(max=100)])
    closing_text = TextAreaField(_l("Closing speech: text"), validators=[Length(max=50000)], render_kw={"rows": 8})
    afterword = TextAreaField(_l("Afterword (后记)"), validators=[Length(max=20000)], render_kw={"rows": 6})
    afterword_signature = StringField(_l("Afterword signed by"), validators=[Length(max=100)])
    afterword_date = DateField(_l("Afterword dated"), validators=[Optional()])
    mark = StringField(_l("Cover mark"), validators=[Length(max=50)])
    compiled_by = StringField(_l("Compiled by (编印)"), validators=[Length(max=100)])
    include_agenda = BooleanField(_l("Append the published agenda"))
    include_participants = BooleanField(_l("Append the list of participants"))
    house_style = SelectField(
        _l("House style"), choices=[SelectChoice(style.value, STYLE_LABELS[style]) for style in HouseStyle],
        default=HouseStyle.ACADEMIC.value, coerce=HouseStyle,
    )

    tagged_pdf = BooleanField(_l("Tagged PDF for screen readers (PDF/UA)"))

    def fill_speeches(self, speeches: Sequence[Any]) -> None:
        """Show the saved 领导讲话 (rows of `models.BookSpeech`) in the form's speech fields."""
        for speech in speeches:
            for name in SPEECH_FIELDS:
                self[f"{speech.kind.value}_{name}"].data = getattr(speech, name)

    def values(self) -> dict[str, Any]:
        return {
            "preface": (self.preface.data or "").strip(),
            "preface_signature": (self.preface_signature.data or "").strip(),
            "preface_date": self.preface_date.data,
            "afterword": (self.afterword.data or "").strip(),
            "afterword_signature": (self.afterword_signature.data or "").strip(),
            "afterword_date": self.afterword_date.data,
            "mark": (self.mark.data or "").strip(),
            "compiled_by": (self.compiled_by.data or "").strip(),
            "include_agenda": bool(self.include_agenda.data),
            "include_participants": bool(self.include_participants.data),
            "house_style": HouseStyle(self.house_style.data or HouseStyle.ACADEMIC),
            "tagged_pdf": bool(self.tagged_pdf.data),
        }

    def speeches(self) -> dict[SpeechKind, dict[str, str]]:
        """Each 领导讲话 as typed: kind → title, speaker, position, text (all empty: none)."""
        return {
            kind: {name: (self[f"{kind.value}_{name}"].data or "").strip() for name in SPEECH_FIELDS}
            for kind in SpeechKind
        }


class CommentaryTextForm(BaseForm):
    """What the named 点评人 edits: the text of their 点评."""

    text = TextAreaField(_l("Commentary"), validators=[Length(max=20000)], render_kw={"rows": 12})

    def values(self) -> dict[str, Any]:
        return {"text": (self.text.data or "").strip()}


class CommentaryForm(CommentaryTextForm):
    """What organizers set of a 专题点评: the topic, the commentator and, if they like, the text."""

    topic = SelectField(_l("Topic"), coerce=optional_int, validate_choice=True, validators=[DataRequired()])
    name = StringField(_l("Commentator"), validators=[DataRequired(), Length(max=50)])
    unit = StringField(_l("Unit"), validators=[Length(max=200)])
    position = StringField(_l("Position"), validators=[Length(max=100)])
    commentator = SelectField(_l("Writes it through their own login"), coerce=optional_int, validate_choice=True)
    sort = SelectField(_l("Order"), coerce=int, choices=[SelectChoice(str(n), str(n)) for n in range(1, 10)], default=1)

    def set_choices(self, topics: Sequence[tuple[int, str]], people: Sequence[tuple[int, str]]) -> None:
        self.topic.choices = [SelectChoice(str(topic_id), title) for topic_id, title in topics]
        self.commentator.choices = [SelectChoice("", _("Nobody: the organizers enter the text"))] + [
            SelectChoice(str(user_id), name) for user_id, name in people
        ]

    def values(self) -> dict[str, Any]:
        return {
            "topic_id": self.topic.data,
            "name": (self.name.data or "").strip(),
            "unit": (self.unit.data or "").strip(),
            "position": (self.position.data or "").strip(),
            "commentator_id": self.commentator.data,
            "sort": self.sort.data,
            "text": (self.text.data or "").strip(),
        }


class BuildForm(BaseForm):
    volume = SelectField(_l("What to build"), choices=[], validate_choice=True)

    def set_topics(self, topics: list[tuple[int, str]]) -> None:
        self.volume.choices = [SelectChoice("", _("The whole book"))] + [
            SelectChoice(str(position), _("Volume of topic %(number)s: %(title)s", number=position, title=title))
            for position, title in topics
        ]

    @property
    def volume_number(self) -> int | None:
        return int(self.volume.data) if self.volume.data else None

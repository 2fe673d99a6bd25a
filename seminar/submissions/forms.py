"""The paper form (with a fixed set of author rows) and the deadline extension form."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wtforms import (
    BooleanField,
    DateTimeLocalField,
    Field,
    FieldList,
    FormField,
    RadioField,
    SelectField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from seminar.accounts.people import is_valid_phone
from seminar.accounts.spreadsheet import phone_problem
from seminar.forms import (
    BaseForm,
    EmailAddress,
    EmailField,
    HiddenField,
    SelectChoice,
    StringField,
    TextAreaField,
    strip,
)
from seminar.i18n import _
from seminar.i18n import lazy_gettext as _l
from seminar.submissions.rules import MAX_KEYWORDS, TITLE_MAX_LENGTH, parse_keywords
from seminar.text import whole_number

if TYPE_CHECKING:
    from seminar.submissions.models import Author, Paper

AUTHOR_ROWS = 3
LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


def _phone(form: BaseForm, field: Field) -> None:
    if field.data and not is_valid_phone(field.data):
        raise ValidationError(phone_problem(field.data))


def _keywords(form: BaseForm, field: Field) -> None:
    if len(parse_keywords(field.data or "")) > MAX_KEYWORDS:
        raise ValidationError(_("Enter at most %(count)s keywords.", count=MAX_KEYWORDS))


class AuthorForm(BaseForm):
    """One author row; a row left wholly empty is no author."""

    name = StringField(_l("Name"), validators=[Length(max=100)], filters=[strip])
    unit = StringField(_l("Unit"), validators=[Length(max=200)], filters=[strip])
    job_title = StringField(_l("Position"), validators=[Length(max=100)], filters=[strip])
    phone = StringField(_l("Mobile or phone"), validators=[Length(max=30), _phone], filters=[strip])
    email = EmailField(_l("E-mail"), validators=[Optional(), EmailAddress(), Length(max=254)], filters=[strip])

    @property
    def is_filled(self) -> bool:
        return any(self[name].data for name in ("name", "unit", "job_title", "phone", "email"))


def paper_form_data(paper: Paper, authors: list[Author]) -> dict[str, Any]:
    """The paper form filled in with the paper as saved, empty author rows after its authors."""
    rows: list[dict[str, Any]] = [
        {"name": a.name, "unit": a.unit, "job_title": a.job_title, "phone": a.phone, "email": a.email}
        for a in authors
    ]
    rows += [{} for _row in range(AUTHOR_ROWS - len(rows))]
    return {
        "title": paper.title,
        "subtitle": paper.subtitle,
        "topic": paper.topic_id,
        "abstract": paper.abstract,
        "keywords": "、".join(paper.keywords),
        "originality": paper.originality_confirmed,
        "authors": rows[:AUTHOR_ROWS],
        "contact": str(next((i for i, a in enumerate(authors) if a.is_contact), 0)),
        "presenter": str(next((i for i, a in enumerate(authors) if a.is_presenter), 0)),
        "version": paper.version,
    }


class PaperForm(BaseForm):
    title = StringField(_l("Paper title"), validators=[DataRequired(), Length(max=TITLE_MAX_LENGTH)], filters=[strip])
    subtitle = StringField(_l("Subtitle"), validators=[Length(max=TITLE_MAX_LENGTH)], filters=[strip])
    topic = SelectField(_l("Topic"), coerce=int, validators=[DataRequired()])
    abstract = TextAreaField(_l("Abstract"), validators=[Length(max=3000)], filters=[strip])
    keywords = StringField(
        _l("Keywords"),
        validators=[Length(max=300), _keywords],
        filters=[strip],
        description=_l("3 to 5 keywords, separated by commas or 、"),
    )
    originality = BooleanField(_l("I confirm that this paper is original and has not been published before."))
    authors = FieldList(FormField(AuthorForm), min_entries=AUTHOR_ROWS, max_entries=AUTHOR_ROWS)
    contact = RadioField(_l("Contact author"), choices=[SelectChoice(str(i), str(i + 1)) for i in range(AUTHOR_ROWS)], default="0")
    presenter = RadioField(_l("Presenter"), choices=[SelectChoice(str(i), str(i + 1)) for i in range(AUTHOR_ROWS)], default="0")
    version = HiddenField()

    def set_topics(self, topics: list[tuple[int, str]]) -> None:
        self.topic.choices = [SelectChoice(0, _("Choose a topic")), *(SelectChoice(value, label) for value, label in topics)]

    @property
    def opened_version(self) -> int:
        """The paper's version when the form was opened (0 if the field was tampered with)."""
        return whole_number(self.version.data) or 0

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        rows = list(self.authors)
        if not rows[0].form.is_filled:
            rows[0].form.name.errors = [*rows[0].form.name.errors, _("Enter at least the first author.")]
            valid = False
        for row in rows:
            author = row.form
            if author.is_filled:
                for name in ("name", "unit"):
                    if not author[name].data:
                        author[name].errors = [*author[name].errors, _("This field is required.")]
                        valid = False
        for marker in (self.contact, self.presenter):
            index = int(marker.data or 0)
            if index >= len(rows) or not rows[index].form.is_filled:
                marker.errors = [*marker.errors, _("Choose an author row that is filled in.")]
                valid = False
        return valid

    def authors_data(self) -> list[dict[str, Any]]:
        """The filled author rows in order, with the contact and presenter marks."""
        contact, presenter = int(self.contact.data or 0), int(self.presenter.data or 0)
        filled = []
        for index, row in enumerate(self.authors):
            author = row.form
            if author.is_filled:
                filled.append(
                    {
                        "name": author.name.data,
                        "unit": author.unit.data,
                        "job_title": author.job_title.data or "",
                        "phone": author.phone.data or "",
                        "email": (author.email.data or "").lower(),
                        "is_contact": index == contact,
                        "is_presenter": index == presenter,
                    }
                )
        return filled

    def values(self) -> dict[str, Any]:
        return {
            "title": self.title.data,
            "subtitle": self.subtitle.data or "",
            "topic_id": self.topic.data,
            "abstract": self.abstract.data or "",
            "keywords": parse_keywords(self.keywords.data or ""),
            "originality_confirmed": bool(self.originality.data),
            "authors": self.authors_data(),
        }


class ExtensionForm(BaseForm):
    city = SelectField(_l("City"), coerce=int, validators=[DataRequired()])
    until = DateTimeLocalField(_l("New deadline for this city"), validators=[DataRequired()], format=LOCAL_FORMATS)

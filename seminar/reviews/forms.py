"""Forms of the review area. Scores are read apart (one input per criterion, `score-<id>`) by `rules.read_scores`."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.datastructures import FormData
from wtforms import (
    BooleanField,
    FieldList,
    FloatField,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    widgets,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from seminar.forms import (
    BaseForm,
    HiddenField,
    RadioList,
    SelectChoice,
    StringField,
    TextAreaField,
    absent_as_empty,
    one_line,
    strip,
)
from seminar.i18n import lazy_gettext as _l
from seminar.reviews.models import Recommendation
from seminar.text import whole_number

EXTRA_CRITERION_ROWS = 2


RECOMMENDATION_LABELS = {
    Recommendation.KEYNOTE: _l("Keynote speech (重点发言)"),
    Recommendation.DISCUSSION: _l("Discussion contribution (研讨交流)"),
    Recommendation.PROCEEDINGS: _l("Proceedings only"),
    Recommendation.DECLINE: _l("Decline"),
}

CONFIDENCE_LABELS = {1: _l("Low"), 2: _l("Medium"), 3: _l("High")}
# The longest texts the review form takes, by field name.
REVIEW_TEXT_LIMITS = {"comment_to_authors": 10000, "confidential_note": 5000}


@dataclass(frozen=True)
class PostedReview:
    """What a posted review form says besides its scores (which `rules.read_scores` reads)."""

    comment_to_authors: str
    confidential_note: str
    recommendation: str
    confidence: int | None
    opened_version: int


class ReviewForm(BaseForm):
    comment_to_authors = TextAreaField(
        _l("Comment to the authors (点评)"), validators=[Length(max=REVIEW_TEXT_LIMITS["comment_to_authors"])],
        filters=[strip],
    )
    confidential_note = TextAreaField(
        _l("Confidential note to the organizers"), validators=[Length(max=REVIEW_TEXT_LIMITS["confidential_note"])],
        filters=[strip],
    )
    recommendation = RadioField(
        _l("Recommendation"), choices=[SelectChoice(r.value, label) for r, label in RECOMMENDATION_LABELS.items()],
        validate_choice=False, widget=RadioList(),
    )
    confidence = RadioField(
        _l("Your confidence"), choices=[SelectChoice(str(k), label) for k, label in CONFIDENCE_LABELS.items()],
        validate_choice=False, widget=RadioList(),
    )
    version = HiddenField()

    @property
    def opened_version(self) -> int:
        return whole_number(self.version.data) or 0

    @property
    def confidence_value(self) -> int | None:
        return whole_number(self.confidence.data)

    def posted(self) -> PostedReview:
        return PostedReview(self.comment_to_authors.data or "", self.confidential_note.data or "",
                            self.recommendation.data or "", self.confidence_value, self.opened_version)


def read_posted_review(data: FormData) -> PostedReview | None:
    """`ReviewForm(formdata=data).posted()`, read without binding the form, when the form would take
    every field; None when it might not (a text over its limit, the form's only check, or a file where
    text belongs): then bind the form, for its messages. Binding the form is a tenth of an autosave's
    CPU, and the autosave renders no field."""
    first: dict[str, str | None] = {}
    for name in (*REVIEW_TEXT_LIMITS, "recommendation", "confidence", "version"):
        values = data.getlist(name)  # WTForms reads a field's first value
        if not values:
            first[name] = None
        elif isinstance(values[0], str):
            first[name] = values[0]
        else:
            return None
    # As BaseForm binds the fields: a field missing from the post reads as empty, then each field's filters.
    texts = {name: strip(absent_as_empty(first[name])) for name in REVIEW_TEXT_LIMITS}
    if any(len(texts[name]) > limit for name, limit in REVIEW_TEXT_LIMITS.items()):
        return None
    return PostedReview(texts["comment_to_authors"], texts["confidential_note"], first["recommendation"] or "",
                        whole_number(first["confidence"]), whole_number(one_line(absent_as_empty(first["version"]))) or 0)


class DeclineForm(BaseForm):
    reason = TextAreaField(_l("Why do you decline?"), validators=[DataRequired(), Length(max=500)], filters=[strip])


class ProfileForm(BaseForm):
    topics = SelectMultipleField(
        _l("Topics of expertise"), coerce=int,
        widget=widgets.ListWidget(prefix_label=False), option_widget=widgets.CheckboxInput(),
    )
    min_load = IntegerField(
        _l("Fewest papers for this reviewer"), validators=[Optional(), NumberRange(min=0, max=1000)]
    )
    max_load = IntegerField(
        _l("Most papers for this reviewer"), validators=[Optional(), NumberRange(min=0, max=1000)]
    )
    note = StringField(_l("Note"), validators=[Length(max=300)], filters=[strip])
    keywords = StringField(_l("Keywords of expertise"), validators=[Length(max=300)], filters=[strip])
    description = TextAreaField(_l("Expertise in a few sentences"), validators=[Length(max=2000)], filters=[strip])


class ExpertiseForm(BaseForm):
    """The reviewer's own words about what they know, on their preferences page."""

    keywords = StringField(_l("Keywords of expertise"), validators=[Length(max=300)], filters=[strip])
    description = TextAreaField(_l("Expertise in a few sentences"), validators=[Length(max=2000)], filters=[strip])


class LoadSettingsForm(BaseForm):
    """The seminar's bounds on every reviewer's papers in automatic assignment (a profile may override them)."""

    min_load = IntegerField(_l("Fewest papers per reviewer"), validators=[Optional(), NumberRange(min=0, max=1000)])
    max_load = IntegerField(_l("Most papers per reviewer"), validators=[Optional(), NumberRange(min=0, max=1000)])
    # At most 10 each, so that one review never gains more than BALANCE_WEIGHT (assign.py) can hold.
    topic_weight = FloatField(_l("Weight of a topic of expertise"), validators=[Optional(), NumberRange(min=0, max=10)])
    text_weight = FloatField(_l("Weight of the text match"), validators=[Optional(), NumberRange(min=0, max=10)])


class ConflictForm(BaseForm):
    reviewer = SelectField(_l("Reviewer"), coerce=int, validate_choice=True)
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=300)], filters=[strip])


class LiftConflictForm(BaseForm):
    lift_reason = StringField(_l("Reason for lifting"), validators=[DataRequired(), Length(max=300)], filters=[strip])


class UnitConflictForm(BaseForm):
    """The reason for lifting a conflict by unit, or for putting it back in force."""

    reason = StringField(_l("Reason"), validators=[Length(max=300)], filters=[strip])


class CriterionRowForm(BaseForm):
    """One criterion; a row whose name is emptied removes the criterion."""

    id = HiddenField()
    name = StringField(_l("Criterion"), validators=[Length(max=50)], filters=[strip])
    description = StringField(_l("What it covers"), validators=[Length(max=300)], filters=[strip])
    max_points = IntegerField(_l("Points"), validators=[Optional(), NumberRange(min=1, max=1000)])


class ReviewFormSettingsForm(BaseForm):
    criteria = FieldList(FormField(CriterionRowForm), min_entries=1)
    reviews_visible_after_own = BooleanField(_l("Reviewers see the other reviews of a paper only after submitting their own"))
    authors_see_comments = BooleanField(_l("Cities may read the comments (点评) on their papers once decisions are released"))
    # Left empty: the threshold stays as it was.
    disagreement_points = IntegerField(
        _l("Disagreement threshold (points)"),
        validators=[Optional(), NumberRange(min=1, max=1000)],
    )


class DecisionMailForm(BaseForm):
    """The seminar's wording of one outcome's decision mail, and the paper to preview it with."""

    subject = StringField(_l("Mail subject"), validators=[DataRequired(), Length(max=300)], filters=[strip])
    body = TextAreaField(_l("Mail text"), validators=[DataRequired(), Length(max=20000)], filters=[strip],
                         render_kw={"rows": 14})
    paper = SelectField(_l("Preview with paper"), coerce=int, validate_choice=False)

"""The seminar settings form (used to create and to edit) and the topic form."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from wtforms import BooleanField, DateField, DateTimeLocalField, Field, HiddenField, IntegerField, SelectField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import HiddenInput

from seminar.accounts.models import RoleName
from seminar.forms import BaseForm, SelectChoice, StringField, TextAreaField, optional_int
from seminar.i18n import lazy_gettext as _l
from seminar.seminars.defaults import TIME_ZONES
from seminar.seminars.rules import Schedule, schedule_problems, slug_problem, to_local

if TYPE_CHECKING:
    from seminar.seminars.models import Seminar

# What a datetime-local input sends and shows: minutes, no zone (the seminar's zone applies).
LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def _valid_slug(form: BaseForm, field: Field) -> None:
    field.data = (field.data or "").strip()
    if problem := slug_problem(field.data):
        raise ValidationError(problem)


# The page marks the field required (an empty name is one of `slug_problem`'s answers).
_valid_slug.field_flags = {"required": True}  # type: ignore[attr-defined]  # WTForms reads flags off the validator


class SeminarForm(BaseForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(
        _l("Short name in the address"),
        validators=[_valid_slug],
        description=_l("Lowercase letters, digits and hyphens, e.g. gd-2026: the page will be /gd-2026/."),
    )
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
    organizer_unit = SelectField(_l("Organizing unit"), coerce=optional_int, validate_choice=True)
    venue = StringField(_l("Venue"), validators=[Length(max=200)])
    starts_on = DateField(_l("First day"), validators=[DataRequired()])
    ends_on = DateField(_l("Last day"), validators=[DataRequired()])
    submission_opens_at = DateTimeLocalField(
        _l("Submission opens"), validators=[Optional()], format=LOCAL_FORMATS
    )
    submission_deadline = DateTimeLocalField(
        _l("Submission deadline"), validators=[Optional()], format=LOCAL_FORMATS
    )
    review_deadline = DateTimeLocalField(_l("Review deadline"), validators=[Optional()], format=LOCAL_FORMATS)
    notification_on = DateField(_l("Authors notified on"), validators=[Optional()])
    final_version_deadline = DateTimeLocalField(
        _l("Deadline for final versions"), validators=[Optional()], format=LOCAL_FORMATS,
        description=_l("Cities with an accepted paper send its final version (定稿) until then. Leave empty for no deadline."),
    )
    reviews_per_paper = IntegerField(
        _l("Reviews per paper"), default=3, validators=[DataRequired(), NumberRange(min=1, max=10)]
    )
    blind_review = BooleanField(_l("Blind review (reviewers do not see authors)"), default=True)
    city_quota = IntegerField(
        _l("Papers per city at most"),
        validators=[Optional(), NumberRange(min=1)],
        description=_l("Leave empty for no limit."),
    )
    proceedings_public = BooleanField(_l("Proceedings open to the public"))
    time_zone = SelectField(_l("Time zone"), choices=[SelectChoice(zone) for zone in TIME_ZONES], default=TIME_ZONES[0])
    # The version the form was opened at: a save against a newer version is refused.
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])

    @classmethod
    def of(cls, seminar: Seminar) -> SeminarForm:
        """The form filled with the seminar as saved, its times in its own zone."""
        zone = seminar.time_zone
        return cls(data={
            "title": seminar.title,
            "slug": seminar.slug,
            "description": seminar.description,
            "organizer_unit": seminar.organizer_unit_id,
            "venue": seminar.venue,
            "starts_on": seminar.starts_on,
            "ends_on": seminar.ends_on,
            "submission_opens_at": to_local(seminar.submission_opens_at, zone),
            "submission_deadline": to_local(seminar.submission_deadline, zone),
            "review_deadline": to_local(seminar.review_deadline, zone),
            "notification_on": seminar.notification_on,
            "final_version_deadline": to_local(seminar.final_version_deadline, zone),
            "reviews_per_paper": seminar.reviews_per_paper,
            "blind_review": seminar.blind_review,
            "city_quota": seminar.city_quota,
            "proceedings_public": seminar.proceedings_public,
            "time_zone": zone,
            "version": seminar.version,
        })

    @classmethod
    def starting_from(cls, earlier: Seminar) -> SeminarForm:
        """A new seminar's form from an earlier one: its title, unit, venue and review choices, but
        no short name and no dates — those are the new year's."""
        form = cls.of(earlier)
        for name in ("slug", "starts_on", "ends_on", "submission_opens_at", "submission_deadline", "review_deadline",
                     "notification_on", "final_version_deadline", "version"):
            form[name].data = None
        return form

    def set_units(self, units: Sequence[tuple[int, str]]) -> None:
        self.organizer_unit.choices = [
            SelectChoice("", "—"),
            *[SelectChoice(str(unit_id), name) for unit_id, name in units],
        ]

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.starts_on.data is None or self.ends_on.data is None:
            return valid
        problems = schedule_problems(
            Schedule(
                starts_on=self.starts_on.data,
                ends_on=self.ends_on.data,
                submission_opens_at=self.submission_opens_at.data,
                submission_deadline=self.submission_deadline.data,
                review_deadline=self.review_deadline.data,
            )
        )
        for name, message in problems.items():
            self[name].errors = [*self[name].errors, message]
        return valid and not problems

    def values(self) -> dict[str, Any]:
        """The model's field values as typed (datetimes still naive, in the chosen zone)."""
        return {
            name: self[name].data
            for name in (
                "title",
                "slug",
                "description",
                "venue",
                "starts_on",
                "ends_on",
                "submission_opens_at",
                "submission_deadline",
                "review_deadline",
                "notification_on",
                "final_version_deadline",
                "reviews_per_paper",
                "blind_review",
                "city_quota",
                "proceedings_public",
                "time_zone",
            )
        } | {"organizer_unit_id": self.organizer_unit.data}


class TopicForm(BaseForm):
    title = StringField(_l("Topic title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Topic description"), validators=[Length(max=2000)])


class CopyForm(BaseForm):
    """Starting from an earlier seminar: which one (by its short name), and whom to invite again."""

    copy_from = HiddenField()
    invite_organizers = BooleanField(_l("Invite its other organizers again"), default=True)
    invite_reviewers = BooleanField(_l("Invite its reviewers again"), default=True)
    invite_submitters = BooleanField(_l("Invite its cities' submitters again"), default=True)

    def roles(self) -> list[RoleName]:
        chosen = ((self.invite_organizers, RoleName.ORGANIZER), (self.invite_reviewers, RoleName.REVIEWER),
                  (self.invite_submitters, RoleName.SUBMITTER))
        return [role for box, role in chosen if box.data]

"""The shared form pieces of `seminar.forms`."""

from __future__ import annotations

from typing import Any

import pytest
import wtforms
from markupsafe import Markup
from wtforms import RadioField, widgets
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3; types-wtforms 3.2 lacks it
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import ListWidget

from seminar.forms import (
    BaseForm,
    EmailField,
    HiddenField,
    PasswordField,
    RadioList,
    StringField,
    TextAreaField,
    html_params,
)
from seminar.i18n import lazy_gettext

CHOICES = [SelectChoice("keynote", "重点发言"), SelectChoice("a&b", '引号"与<尖括号>')]
LAZY_CHOICES = [SelectChoice("keynote", lazy_gettext("Keynote speech (重点发言)")), SelectChoice("x", lazy_gettext("Decline"))]


class Choose(BaseForm):
    plain = RadioField("推荐意见", choices=CHOICES, validate_choice=False, widget=RadioList())
    required = RadioField("必选", choices=CHOICES, validators=[DataRequired()], widget=RadioList())
    with_attributes = RadioField("带属性", choices=CHOICES, render_kw={"disabled": True}, widget=RadioList())
    translated = RadioField(lazy_gettext("Recommendation"), choices=LAZY_CHOICES, widget=RadioList())


@pytest.mark.parametrize("name", ["plain", "required", "with_attributes", "translated"])
@pytest.mark.parametrize("data", [{}, {"plain": "a&b", "required": "keynote", "with_attributes": "a&b", "translated": "x"}])
@pytest.mark.parametrize("attributes", [{}, {"aria-invalid": "true", "aria-describedby": "x-errors"}])
def test_radio_list_writes_what_wtforms_own_list_writes(name: str, data: dict[str, str], attributes: dict[str, Any]) -> None:
    field = Choose(data=data)[name]

    ours = str(field(**attributes))
    field.widget = ListWidget(prefix_label=False)
    theirs = str(field(**attributes))

    assert ours == theirs
    assert ("checked" in ours) == bool(data)


@pytest.mark.parametrize("attributes", [
    {},
    {"id": "title", "name": "title", "maxlength": 300},
    {"class_": "wide", "for_": "x", "data_keep_typed": "a:b", "aria_describedby": "x-errors", "aria-invalid": "true"},
    {"required": True, "disabled": False, "checked": True, "value": ""},
    {"value": '引号"与<尖括号>&', "title": Markup('<b class="x">粗</b>'), "rows": 14, "step": 0.5},
])
def test_html_params_writes_what_wtforms_own_writes(attributes: dict[str, Any]) -> None:
    assert html_params(**attributes) == widgets.html_params(**attributes)


class Typed(BaseForm):
    title = StringField("论文题目", validators=[DataRequired(), Length(min=2, max=300)])
    comment = TextAreaField("点评<意见>", validators=[Length(max=10000)], render_kw={"rows": 8})
    password = PasswordField("密码", validators=[Optional()])
    email = EmailField("电子邮箱")
    version = HiddenField()
    choice = RadioField("推荐意见", choices=CHOICES, widget=RadioList())
    translated = TextAreaField(lazy_gettext("Comment to the authors (点评)"))


WTFORMS_WIDGETS = {"title": widgets.TextInput(), "comment": widgets.TextArea(), "password": widgets.PasswordInput(),
                   "email": widgets.EmailInput(), "version": widgets.HiddenInput()}


@pytest.mark.parametrize("name", list(WTFORMS_WIDGETS))
@pytest.mark.parametrize("data", [{}, {"title": 'a"b<c>&d', "comment": "第一行\r\n<第二行>", "password": "秘密",
                                       "email": "a@example.org", "version": "3"}])
@pytest.mark.parametrize("attributes", [{}, {"aria-invalid": "true", "aria-describedby": "x-errors"},
                                        {"disabled": True, "maxlength": 20, "class_": "wide"}])
def test_text_widgets_write_what_wtforms_own_write(name: str, data: dict[str, str], attributes: dict[str, Any]) -> None:
    field = Typed(data=data)[name]

    ours = str(field(**attributes))
    field.widget = WTFORMS_WIDGETS[name]
    theirs = str(field(**attributes))

    assert ours == theirs
    assert type(field).widget is not WTFORMS_WIDGETS[name]  # the comparison is not with itself


@pytest.mark.parametrize("name", ["title", "comment", "version", "choice", "translated"])
@pytest.mark.parametrize(("text", "attributes"), [(None, {}), ("别的<文字>", {}), (None, {"class_": "visually-hidden"}),
                                                  (None, {"for_": "other"}), (None, {"for": "other", "hidden": True})])
def test_labels_write_what_wtforms_own_write(name: str, text: str | None, attributes: dict[str, Any]) -> None:
    label = Typed()[name].label

    ours = str(label(text, **attributes))
    theirs = str(wtforms.Label(label.field_id, label.text)(text, **attributes))

    assert ours == theirs
    assert type(label) is not wtforms.Label

"""The shared form pieces of `seminar.forms`."""

from __future__ import annotations

from typing import Any

import pytest
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # new in WTForms 3.3; types-wtforms 3.2 lacks it
from wtforms.validators import DataRequired
from wtforms.widgets import ListWidget

from seminar.forms import BaseForm, RadioList

CHOICES = [SelectChoice("keynote", "重点发言"), SelectChoice("a&b", '引号"与<尖括号>')]


class Choose(BaseForm):
    plain = RadioField("推荐意见", choices=CHOICES, validate_choice=False, widget=RadioList())
    required = RadioField("必选", choices=CHOICES, validators=[DataRequired()], widget=RadioList())
    with_attributes = RadioField("带属性", choices=CHOICES, render_kw={"disabled": True}, widget=RadioList())


@pytest.mark.parametrize("name", ["plain", "required", "with_attributes"])
@pytest.mark.parametrize("data", [{}, {"plain": "a&b", "required": "keynote", "with_attributes": "a&b"}])
@pytest.mark.parametrize("attributes", [{}, {"aria-invalid": "true", "aria-describedby": "x-errors"}])
def test_radio_list_writes_what_wtforms_own_list_writes(name: str, data: dict[str, str], attributes: dict[str, Any]) -> None:
    field = Choose(data=data)[name]

    ours = str(field(**attributes))
    field.widget = ListWidget(prefix_label=False)
    theirs = str(field(**attributes))

    assert ours == theirs
    assert ("checked" in ours) == bool(data)

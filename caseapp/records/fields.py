"""A date-and-time field typed as dd/mm/yyyy HH:MM in Vietnam time, stored in UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import Field, StringField
from wtforms.validators import ValidationError

from caseapp.clock import LOCAL_TZ, now

DATETIME_FORMATS = ("%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M")


class DMYDateTimeField(StringField):
    def __init__(self, label: Any = None, validators: Any = None, **kw: Any) -> None:
        render_kw = kw.pop("render_kw", {}) or {}
        render_kw.setdefault("placeholder", "dd/mm/yyyy hh:mm")
        render_kw.setdefault("autocomplete", "off")
        super().__init__(label, validators, render_kw=render_kw, **kw)

    def _value(self) -> str:
        if isinstance(self.data, datetime):
            return self.data.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M")
        return self.raw_data[0] if self.raw_data else ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        text = " ".join(str(valuelist[0]).split())
        for fmt in DATETIME_FORMATS:
            try:
                local = datetime.strptime(text, fmt).replace(tzinfo=LOCAL_TZ)
            except ValueError:
                continue
            self.data = local.astimezone(UTC)
            return
        self.data = None
        raise ValueError(_l("Enter a date and time as dd/mm/yyyy hh:mm."))


def datetime_not_in_future(form: Any, field: Field) -> None:
    if isinstance(field.data, datetime) and field.data > now():
        raise ValidationError(_l("This date cannot be in the future."))

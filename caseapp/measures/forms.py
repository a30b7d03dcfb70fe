from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField

from caseapp.forms_common import AppForm, DMYDateField, max_length, not_before, optional
from caseapp.measures.models import MeasureKind
from caseapp.records.common import enum_select


class MeasureForm(AppForm):
    kind = enum_select(_l("Measure"), MeasureKind, required_=True)
    issuer = StringField(_l("Issued by"), [optional(), max_length(200)])
    starts_on = DMYDateField(_l("From"), [optional()])
    ends_on = DMYDateField(_l("To"), [optional(), not_before("starts_on")])
    note = TextAreaField(_l("Note"), [optional(), max_length(4000)],
                         description=_l("A shelter's address is kept encrypted."))

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        if self.kind.data == MeasureKind.NO_CONTACT_ORDER:
            if not (self.issuer.data or "").strip():
                self.issuer.errors = [*self.issuer.errors,
                                      _l("A no-contact order needs its issuer.")]
                ok = False
            if self.starts_on.data is None and not self.starts_on.errors:
                self.starts_on.errors = [*self.starts_on.errors,
                                         _l("A no-contact order needs its start date.")]
                ok = False
        return ok

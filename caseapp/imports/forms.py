from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField
from wtforms import BooleanField

from caseapp.forms_common import AppForm

ALLOWED = FileAllowed(["csv", "xlsx", "txt"], _l("Choose a CSV or XLSX file."))


class ImportForm(AppForm):
    cases = FileField(_l("Cases file"), validators=[ALLOWED])
    referrals = FileField(_l("Referrals file"), validators=[ALLOWED])
    dry_run = BooleanField(_l("Check only (write nothing)"))

    def validate(self, extra_validators: object = None) -> bool:  # type: ignore[override]
        ok = super().validate(extra_validators)  # type: ignore[arg-type]
        if ok and not (self.cases.data or self.referrals.data):
            self.cases.errors = [*list(self.cases.errors), _l("Choose at least one file.")]
            return False
        return ok


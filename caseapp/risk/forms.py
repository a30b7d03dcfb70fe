from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField

from caseapp.forms_common import AppForm, MultiCheckboxField, max_length, optional
from caseapp.records.common import opts
from caseapp.risk.scoring import ITEMS


class RiskForm(AppForm):
    answers = MultiCheckboxField(_l("Danger signs present"),
                                 choices=opts((i.key, i.label) for i in ITEMS))
    note = TextAreaField(_l("Note"), [optional(), max_length(4000)])

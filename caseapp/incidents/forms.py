from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import FieldList, FormField, HiddenField, StringField, TextAreaField
from wtforms.validators import ValidationError

from caseapp.clients.models import Sex
from caseapp.forms_common import (
    AppForm,
    AppSubform,
    DMYDateField,
    MultiCheckboxField,
    enum_coerce,
    max_length,
    not_in_future,
    optional,
)
from caseapp.incidents.models import (
    AgeGroup,
    GbvType,
    PlaceType,
    Relationship,
    TraffickingPurpose,
    TraffickingScope,
    ViolenceAct,
)
from caseapp.records.common import enum_choices, enum_select

MAX_PERPETRATORS = 3

# Groups of Article 3, Law 13/2022/QH15, keyed by the prefix of ViolenceAct values.
ACT_GROUPS: dict[str, Any] = {
    "physical": _l("Physical violence"),
    "psych": _l("Psychological and emotional violence"),
    "sexual": _l("Sexual violence"),
    "economic": _l("Economic violence"),
    "neglect": _l("Neglect of dependants"),
    "marriage": _l("Forced marriage or divorce"),
    "confinement": _l("Confinement"),
    "forced_out_of_home": _l("Forcing out of the home"),
}


def act_group(act: str) -> str:
    return str(act).split(".", 1)[0]


class PerpetratorForm(AppSubform):
    relationship_ = enum_select(_l("Relationship to the client"), Relationship)
    sex = enum_select(_l("Sex"), Sex)
    age_group = enum_select(_l("Age group"), AgeGroup)

    def is_blank(self) -> bool:
        return not (self.relationship_.data or self.sex.data or self.age_group.data)

    def validate_relationship_(self, field: Any) -> None:
        if not field.data and not self.is_blank():
            raise ValidationError(_l("Choose the relationship, or leave the whole row empty."))


class IncidentForm(AppForm):
    occurred_on = DMYDateField(_l("Date of the incident"), [optional(), not_in_future])
    place_type = enum_select(_l("Place"), PlaceType)
    acts = MultiCheckboxField(_l("Acts of violence"), choices=enum_choices(ViolenceAct),
                              coerce=enum_coerce(ViolenceAct))
    gbv_type = enum_select(_l("GBVIMS type"), GbvType)
    perpetrators = FieldList(FormField(PerpetratorForm), min_entries=MAX_PERPETRATORS,
                             max_entries=MAX_PERPETRATORS)
    narrative = TextAreaField(_l("What happened"), [optional(), max_length(10000)])
    trafficking_purpose = enum_select(_l("Purpose of trafficking"), TraffickingPurpose)
    trafficking_scope = enum_select(_l("Domestic or cross-border"), TraffickingScope)
    destination_country = StringField(_l("Destination country"), [optional(), max_length(64)])
    returned_on = DMYDateField(_l("Date of return"), [optional(), not_in_future])
    version = HiddenField()

    def grouped_acts(self) -> list[tuple[Any, list[Any]]]:
        """Checkboxes of ``acts`` grouped by their article group, in the groups' order."""
        groups: dict[str, list[Any]] = {k: [] for k in ACT_GROUPS}
        for sub in self.acts:
            groups[act_group(sub.data)].append(sub)
        return [(ACT_GROUPS[k], subs) for k, subs in groups.items() if subs]

    def perpetrator_rows(self) -> list[dict[str, Any]]:
        return [
            {"relationship_": row.relationship_.data, "sex": row.sex.data,
             "age_group": row.age_group.data}
            for row in self.perpetrators
            if not row.form.is_blank()
        ]

"""Condition rows (field, operator, value) shared by sharing rules and assignment rule entries."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _gettext

from tandem.core.fields import all_fields
from tandem.core.filters import OPERATORS, conditions_q


class CriteriaRowsMixin:
    """Adds c<i>_field / c<i>_op / c<i>_value fields: the saved conditions plus two empty rows."""

    def add_criteria_rows(self, obj, existing: list[dict]) -> None:
        field_choices = [("", "—")] + [(s.name, s.label) for s in all_fields(obj)]
        self.criteria_rows = []
        for i in range(max(len(existing) + 2, 3)):
            row = existing[i] if i < len(existing) else {}
            names = (f"c{i}_field", f"c{i}_op", f"c{i}_value")
            self.fields[names[0]] = forms.ChoiceField(
                label=_gettext("Condition %(n)d: field") % {"n": i + 1},
                choices=field_choices,
                required=False,
                initial=row.get("field", ""),
            )
            self.fields[names[1]] = forms.ChoiceField(
                label=_gettext("Condition %(n)d: operator") % {"n": i + 1},
                choices=list(OPERATORS.items()),
                required=False,
                initial=row.get("op", "equals"),
            )
            self.fields[names[2]] = forms.CharField(
                label=_gettext("Condition %(n)d: value") % {"n": i + 1},
                required=False,
                initial=row.get("value", ""),
            )
            for name in names:
                css = "form-control form-control-sm" if name.endswith("value") else "form-select form-select-sm"
                self.fields[name].widget.attrs["class"] = css
            self.criteria_rows.append(names)

    def condition_rows(self):
        return [[self[n] for n in names] for names in self.criteria_rows]

    def clean_criteria(self, obj, data: dict) -> list[dict]:
        """The filled-in rows as conditions; each bad one is reported at its own field."""
        conditions = []
        for i, (f_name, op_name, v_name) in enumerate(self.criteria_rows):
            field, value = data.get(f_name), data.get(v_name, "")
            if not field:
                if value:
                    self.add_error(f_name, _gettext("Condition %(n)d: choose a field.") % {"n": i + 1})
                continue
            cond = {"field": field, "op": data.get(op_name) or "equals", "value": value}
            try:
                conditions_q(obj, [cond])
            except ValidationError as exc:
                self.add_error(v_name, exc.messages)
                continue
            conditions.append(cond)
        return conditions

"""Picklist values: add, relabel, and the extra meaning of stages and lead statuses."""

from django import forms
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from tandem.core.models import PicklistValue
from tandem.setup.forms.base import ModelForm


def is_stage(object_name: str, field_name: str) -> bool:
    return (object_name, field_name) == ("opportunity", "stage")


def is_lead_status(object_name: str, field_name: str) -> bool:
    return (object_name, field_name) == ("lead", "status")


class PicklistValueForm(ModelForm):
    class Meta:
        model = PicklistValue
        fields = (
            "value",
            "label",
            "probability",
            "forecast_category",
            "is_closed",
            "is_won",
            "is_converted",
        )

    def __init__(self, *args, object_name, field_name, field_label, **kwargs):
        super().__init__(*args, **kwargs)
        self.object_name, self.field_name, self.field_label = object_name, field_name, field_label
        self.fields["label"].required = False
        self.fields["label"].help_text = _("What people see; the value itself when left empty.")
        if self.instance.pk:
            del self.fields["value"]  # records store the value: changing it would orphan them
        else:
            self.fields["value"].help_text = _(
                "Stored on records, used in filters, imports and the API."
            )
        if is_stage(object_name, field_name):
            self.fields["probability"].widget.attrs.update({"min": 0, "max": 100})
            categories = PicklistValue.objects.filter(
                object_name="opportunity", field_name="forecast_category", is_active=True
            ).values_list("value", "label")
            self.fields["forecast_category"] = forms.ChoiceField(
                label=_("Forecast category"), choices=[("", "—"), *categories], required=False
            )
            self.style_field("forecast_category", self.fields["forecast_category"])
            del self.fields["is_converted"]
        else:
            for name in ("probability", "forecast_category", "is_closed", "is_won"):
                del self.fields[name]
            if not is_lead_status(object_name, field_name):
                del self.fields["is_converted"]

    def clean_value(self):
        value = self.cleaned_data["value"].strip()
        if not value:
            raise forms.ValidationError(_gettext("Enter a value."))
        clash = PicklistValue.objects.filter(
            object_name=self.object_name, field_name=self.field_name, value__iexact=value
        ).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                _gettext("“%(value)s” is already a value of %(field)s.")
                % {"value": value, "field": self.field_label}
            )
        return value

    def clean_probability(self):
        p = self.cleaned_data.get("probability")
        if p is not None and not 0 <= p <= 100:
            raise forms.ValidationError(_gettext("Enter a probability between 0 and 100."))
        return p

    def clean(self):
        data = super().clean()
        if data.get("is_won") and not data.get("is_closed"):
            self.add_error("is_won", _gettext("A won stage must also be closed."))
        if not data.get("label"):
            data["label"] = data.get("value") or self.instance.value
        return data

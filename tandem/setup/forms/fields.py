"""Custom fields: create (every type, lookups included) and edit."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from tandem.core import registry
from tandem.core.fields import CUSTOM_PREFIX, FieldSpec
from tandem.core.filters import coerce
from tandem.core.models import CustomField
from tandem.sales.lead_mapping import TARGET_OBJECTS, choices_for, save_mapping
from tandem.setup.forms.base import Form, ModelForm

API_NAME = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
PICKLIST_TYPES = (CustomField.PICKLIST, CustomField.MULTIPICKLIST)
NUMERIC_TYPES = (CustomField.NUMBER, CustomField.CURRENCY, CustomField.PERCENT)
LENGTH_TYPES = (CustomField.TEXT, CustomField.TEXTAREA)


def lookup_choices():
    return (
        [("", "—")]
        + [(o.name, o.label) for o in registry.all_objects()]
        + [("user", _gettext("User"))]
    )


def parse_values(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class CustomFieldBaseForm(ModelForm):
    def __init__(self, *args, obj=None, **kwargs):
        self.obj = obj
        super().__init__(*args, **kwargs)

    def _field_type(self):
        return self.instance.field_type if self.instance.pk else self.cleaned_data.get("field_type")

    def clean_label(self):
        label = self.cleaned_data["label"].strip()
        if not label:
            raise forms.ValidationError(_gettext("Give the field a label."))
        return label

    def check_default(self, values=()):
        """A default must be a valid value of the field's type."""
        default = (self.cleaned_data.get("default_value") or "").strip()
        kind = self._field_type()
        if not default or kind is None:
            return
        if kind in PICKLIST_TYPES:
            wanted = (
                [v.strip() for v in default.split(";")]
                if kind == CustomField.MULTIPICKLIST
                else [default]
            )
            missing = [v for v in wanted if v not in values]
            if missing:
                self.add_error(
                    "default_value",
                    _gettext("“%(value)s” is not one of the picklist values.")
                    % {"value": missing[0]},
                )
            return
        if kind == CustomField.LOOKUP:
            self.add_error("default_value", _gettext("A lookup field cannot have a default value."))
            return
        spec = FieldSpec(name="x", label=str(self.fields["default_value"].label), type=kind)
        try:
            coerce(spec, default)
        except ValidationError:
            self.add_error(
                "default_value",
                _gettext("“%(value)s” is not a valid value for this type.") % {"value": default},
            )
            return
        if kind == CustomField.EMAIL:
            try:
                forms.EmailField().clean(default)
            except ValidationError:
                self.add_error("default_value", _gettext("Enter a valid email address."))
        if kind == CustomField.URL:
            try:
                forms.URLField(assume_scheme="https").clean(default)
            except ValidationError:
                self.add_error("default_value", _gettext("Enter a valid URL."))


class CustomFieldCreateForm(CustomFieldBaseForm):
    picklist_values = forms.CharField(
        label=_("Picklist values"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One value per line, in the order they should appear. For picklists only."),
    )

    class Meta:
        model = CustomField
        fields = (
            "label",
            "name",
            "field_type",
            "lookup_object",
            "max_length",
            "decimal_places",
            "required",
            "help_text",
            "default_value",
            "track_history",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False
        self.fields["name"].help_text = _(
            "Lowercase letters, digits and single underscores, starting with a letter; "
            "filled from the label when left empty. It cannot change later."
        )
        self.fields["lookup_object"] = forms.ChoiceField(
            label=_("Related to"),
            choices=lookup_choices(),
            required=False,
            help_text=_("For lookup relationships only."),
        )
        self.style_field("lookup_object", self.fields["lookup_object"])
        self.fields["max_length"].help_text = _("For text fields: the most characters allowed.")
        self.fields["decimal_places"].help_text = _("For number, currency and percent fields.")
        self.fields["default_value"].help_text = _(
            "For multi-select picklists, separate values with “;”."
        )

    def clean_name(self):
        name = (self.cleaned_data.get("name") or "").strip()
        if not name:
            name = slugify(self.data.get(self.add_prefix("label"), "")).replace("-", "_")
            name = re.sub(r"_+", "_", name).strip("_")
            if name and not name[0].isalpha():
                name = "f_" + name
        if not name or not API_NAME.match(name):
            raise forms.ValidationError(
                _gettext(
                    "“%(name)s” is not a valid field name: use lowercase letters, digits and single underscores, starting with a letter."
                )
                % {"name": name}
            )
        if CustomField.objects.filter(object_name=self.obj.name, name=name).exists():
            raise forms.ValidationError(
                _gettext("%(object)s already has a custom field named %(name)s.")
                % {"object": self.obj.label, "name": name}
            )
        return name

    def clean(self):
        data = super().clean()
        kind = data.get("field_type")
        values = parse_values(data.get("picklist_values", ""))
        if kind in PICKLIST_TYPES:
            if not values:
                self.add_error("picklist_values", _gettext("A picklist needs at least one value."))
            seen = set()
            for v in values:
                if v.lower() in seen:
                    self.add_error(
                        "picklist_values", _gettext("“%(value)s” is listed twice.") % {"value": v}
                    )
                    break
                if len(v) > 120:
                    self.add_error(
                        "picklist_values",
                        _gettext("“%(value)s” is longer than 120 characters.") % {"value": v[:20]},
                    )
                    break
                seen.add(v.lower())
        elif values:
            self.add_error("picklist_values", _gettext("Only picklist fields have values."))
        if kind == CustomField.LOOKUP:
            if not data.get("lookup_object"):
                self.add_error("lookup_object", _gettext("Choose the object this field looks up."))
        elif data.get("lookup_object"):
            data["lookup_object"] = ""
        if kind in LENGTH_TYPES:
            length = data.get("max_length")
            limit = 131072 if kind == CustomField.TEXTAREA else 255
            if length is not None and not 1 <= length <= limit:
                self.add_error(
                    "max_length",
                    _gettext("Choose a length between 1 and %(max)d.") % {"max": limit},
                )
        else:
            data["max_length"] = None
        if kind in NUMERIC_TYPES:
            places = data.get("decimal_places")
            if places is not None and places > 10:
                self.add_error("decimal_places", _gettext("At most 10 decimal places."))
        else:
            data["decimal_places"] = None
        self.values = values
        self.check_default(values)
        return data

    def save(self, commit=True):
        field = super().save(commit=False)
        field.object_name = self.obj.name
        field.lookup_object = self.cleaned_data.get("lookup_object") or ""
        field.max_length = self.cleaned_data.get("max_length")
        field.decimal_places = self.cleaned_data.get("decimal_places")
        if commit:
            field.save()
        return field


def mapping_field(obj: str, choices, current: str) -> forms.ChoiceField:
    """One "copy to the <object> field" select of a lead field's conversion mapping."""
    field = forms.ChoiceField(
        label=_("%(object)s field") % {"object": registry.get(obj).label},
        choices=[("", _gettext("— Do not copy —")), *choices],
        required=False,
        initial=current if current in {c for c, _label in choices} else "",
    )
    return field


class CustomFieldEditForm(CustomFieldBaseForm):
    class Meta:
        model = CustomField
        fields = ("label", "help_text", "required", "default_value", "track_history")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mapping_names = []
        if self.obj is not None and self.obj.name == "lead":
            choices = choices_for(self.instance)
            for obj in TARGET_OBJECTS:
                name = f"map_{obj}"
                current = (self.instance.convert_to or {}).get(obj, "")
                self.fields[name] = mapping_field(obj, choices[obj], current)
                self.fields[name].help_text = _(
                    "When a lead is converted, its value goes into this field of the new "
                    "%(object)s. Only fields of a compatible type are listed."
                ) % {"object": registry.get(obj).label.lower()}
                self.style_field(name, self.fields[name])
                self.mapping_names.append(name)

    def save(self, commit=True):
        field = super().save(commit=commit)
        if self.mapping_names and commit:
            save_mapping(
                field,
                {n.removeprefix("map_"): self.cleaned_data.get(n, "") for n in self.mapping_names},
            )
        return field

    def clean(self):
        data = super().clean()
        from tandem.core.models import PicklistValue

        values = list(
            PicklistValue.objects.filter(
                object_name=self.instance.object_name, field_name=CUSTOM_PREFIX + self.instance.name
            ).values_list("value", flat=True)
        )
        self.check_default(values)
        return data


class LeadMappingForm(Form):
    """Setup › Map Lead Fields: every lead custom field and the fields it is copied to."""

    def __init__(self, *args, sources, **kwargs):
        super().__init__(*args, **kwargs)
        from tandem.sales.lead_mapping import target_fields

        targets = target_fields()
        self.rows = []
        for source in sources:
            choices = choices_for(source, targets)
            names = []
            for obj in TARGET_OBJECTS:
                name = f"f{source.pk}_{obj}"
                current = (source.convert_to or {}).get(obj, "")
                field = mapping_field(obj, choices[obj], current)
                field.label = _("%(lead_field)s to the %(object)s field") % {
                    "lead_field": source.label,
                    "object": registry.get(obj).label,
                }
                self.fields[name] = field
                self.style_field(name, field)
                names.append(name)
            self.rows.append((source, names))

    def bound_rows(self):
        return [(source, [self[n] for n in names]) for source, names in self.rows]

    def save(self):
        for source, names in self.rows:
            wanted = {n.rsplit("_", 1)[1]: self.cleaned_data.get(n, "") for n in names}
            if wanted != {o: (source.convert_to or {}).get(o, "") for o in wanted}:
                save_mapping(source, wanted)

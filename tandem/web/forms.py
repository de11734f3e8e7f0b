"""Record forms generated from the metadata layer: standard and custom fields alike."""

import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.utils.translation import gettext as _

from tandem.access.directory import pickable_users
from tandem.core import registry
from tandem.core.fields import CUSTOM_PREFIX, FieldSpec, picklist_choices, record_value
from tandem.web.layouts import layout_for


class LookupWidget(forms.Select):
    """A select holding only the current value; typing in its search box fetches options via HTMX."""

    template_name = "web/widgets/lookup.html"

    def __init__(self, lookup_object: str, attrs=None):
        super().__init__(attrs)
        self.lookup_object = lookup_object

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["lookup_object"] = self.lookup_object
        return context


class LookupField(forms.Field):
    """A reference to another record the user may see; anything else is refused at the field."""

    def __init__(self, *, user, lookup_object: str, **kwargs):
        self.user = user
        self.lookup_object = lookup_object
        kwargs.setdefault("widget", LookupWidget(lookup_object))
        super().__init__(**kwargs)

    def queryset(self):
        if self.lookup_object == "user":
            return pickable_users(self.user)
        return registry.get(self.lookup_object).model.objects.visible_to(self.user, "read")

    def to_python(self, value):
        if value in (None, "", []):
            return None
        try:
            return self.queryset().get(pk=int(value))
        except (ValueError, TypeError, ObjectDoesNotExist):
            raise ValidationError(
                _("Select a valid %(object)s that you can see.") % {"object": self.lookup_object},
                code="invalid_choice",
            ) from None

    def set_initial_choice(self, obj):
        if obj is not None:
            self.widget.choices = [(obj.pk, str(obj))]


def form_field(spec: FieldSpec, user, current=None) -> forms.Field:
    """The Django form field for one FieldSpec."""
    common = {"label": spec.label, "required": spec.required, "help_text": spec.help_text}
    t = spec.type
    if t == "textarea":
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), **common)
    if t == "email":
        return forms.EmailField(max_length=spec.max_length or 254, **common)
    if t == "url":
        return forms.URLField(max_length=spec.max_length or 255, assume_scheme="https", **common)
    if t in ("number", "currency", "percent"):
        if not spec.is_custom and t == "percent":
            return forms.IntegerField(min_value=0, max_value=100, **common)
        if not spec.is_custom and spec.decimal_places is None:
            return forms.IntegerField(min_value=0, **common)
        places = spec.decimal_places if spec.decimal_places is not None else (2 if t != "number" else 6)
        return forms.DecimalField(max_digits=18, decimal_places=places, **common)
    if t == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if t == "datetime":
        return forms.DateTimeField(
            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            **common,
        )
    if t == "checkbox":
        common["required"] = False
        return forms.BooleanField(**common)
    if t in ("picklist", "multipicklist"):
        include = current if isinstance(current, str) else None
        choices = picklist_choices(spec.object_name, spec.name, include)
        if t == "multipicklist":
            return forms.MultipleChoiceField(
                choices=choices, widget=forms.CheckboxSelectMultiple, **common
            )
        return forms.ChoiceField(choices=[("", "--None--")] + choices, **common)
    if t in ("lookup", "owner"):
        field = LookupField(user=user, lookup_object=spec.lookup_object, **common)
        return field
    max_length = spec.max_length or 255
    return forms.CharField(max_length=max_length, **common)


class RecordForm(forms.Form):
    """Built per object and per user from the page layout; returns standard values and custom values."""

    def __init__(self, obj_def: registry.ObjectDef, user, record=None, data=None, initial=None):
        self.obj_def = obj_def
        self.user = user
        self.record = record
        self.layout = layout_for(obj_def, user)
        super().__init__(data=data, initial=initial or {})
        self.specs: dict[str, FieldSpec] = {}
        for section in self.layout.sections:
            for spec in section.fields:
                if not spec.editable or spec.type == "owner" or spec.name == "owner_queue":
                    continue
                current = record_value(record, spec) if record is not None else None
                field = form_field(spec, user, current)
                if spec.name in self.layout.required:
                    field.required = True
                if isinstance(field, LookupField):
                    field.set_initial_choice(current)
                self.fields[spec.key] = field
                self.specs[spec.key] = spec
                if record is not None:
                    self.initial[spec.key] = current.pk if hasattr(current, "pk") else current
                elif spec.is_custom and spec.definition.default_value and spec.key not in self.initial:
                    self.initial[spec.key] = spec.definition.default_value
        for key, field in self.fields.items():
            css = "form-check-input" if isinstance(field, forms.BooleanField) else "form-control"
            if isinstance(field.widget, forms.Select) and not isinstance(field.widget, LookupWidget):
                css = "form-select"
            if isinstance(field.widget, forms.CheckboxSelectMultiple):
                css = ""
            field.widget.attrs.setdefault("class", css)

    @property
    def sections(self):
        """The layout's sections with bound fields, for the template."""
        out = []
        for section in self.layout.sections:
            bound = [self[s.key] for s in section.fields if s.key in self.fields]
            if bound:
                out.append({"title": section.title, "fields": bound})
        return out

    def split_values(self) -> tuple[dict, dict]:
        """Cleaned data as (standard field values, custom field values as JSON-safe data)."""
        values, custom = {}, {}
        for key, value in self.cleaned_data.items():
            spec = self.specs[key]
            if spec.is_custom:
                custom[spec.name[len(CUSTOM_PREFIX) :]] = to_json(value)
            else:
                values[spec.name] = "" if value is None and _is_text(spec) else value
        return values, custom

    def add_action_error(self, error: ValidationError):
        """Show an error raised by an action at its field when it names one."""
        if hasattr(error, "error_dict"):
            for name, messages in error.error_dict.items():
                key = name.replace(".", "__")
                self.add_error(key if key in self.fields else None, messages)
        else:
            self.add_error(None, error)


def _is_text(spec: FieldSpec) -> bool:
    return spec.type in ("text", "textarea", "email", "phone", "url", "picklist")


def to_json(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


class ChangeOwnerForm(forms.Form):
    owner = LookupField(user=None, lookup_object="user", label=_("Owner"), required=False)
    partner_user = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("Partner user"),
        help_text=_("Only active partner users who have logged in at least once are listed."),
    )
    queue = forms.ModelChoiceField(queryset=None, required=False, label=_("Queue"))
    send_email = forms.BooleanField(required=False, label=_("Send notification email"))

    def __init__(self, *args, obj_def, user, **kwargs):
        super().__init__(*args, **kwargs)
        from tandem.access.models import Group
        from tandem.partners.actions import eligible_partner_users
        from tandem.partners.models import PartnerProgram

        self.fields["owner"].user = user
        if obj_def.queue_owned:
            self.fields["queue"].queryset = Group.objects.filter(kind=Group.KIND_QUEUE)
        else:
            del self.fields["queue"]
        if obj_def.name in ("lead", "opportunity") and PartnerProgram.current().enabled and not user.is_external:
            self.fields["partner_user"].queryset = eligible_partner_users().select_related("contact__account")
            self.fields["partner_user"].label_from_instance = lambda u: f"{u.full_name} ({u.contact.account})"
        else:
            del self.fields["partner_user"]
        for name in ("queue", "partner_user"):
            if name in self.fields:
                self.fields[name].widget.attrs["class"] = "form-select"
        self.fields["send_email"].widget.attrs["class"] = "form-check-input"

    def clean(self):
        data = super().clean()
        chosen = [data.get(n) for n in ("owner", "partner_user", "queue") if data.get(n)]
        if len(chosen) != 1:
            raise ValidationError(_("Choose one new owner: a user, a partner user or a queue."))
        data["new_owner"] = data.get("owner") or data.get("partner_user")
        return data

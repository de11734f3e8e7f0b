"""Page layouts: sections of ordered fields, required fields, assigned profiles, default flag."""

from django import forms
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from tandem.access.models import Profile
from tandem.core.models import PageLayout
from tandem.setup.forms.base import ModelForm
from tandem.setup.layouts import layout_fields


def sections_to_text(sections) -> str:
    lines = []
    for section in sections:
        lines.append(f"# {section.get('title', '')}")
        lines.extend(section.get("fields", []))
        lines.append("")
    return "\n".join(lines).strip() + "\n" if lines else ""


def must_be_on_layout(obj, specs) -> list:
    """Fields a record cannot be saved without: required, no default, not set elsewhere."""
    out = []
    for spec in specs:
        if not spec.required or spec.type in ("owner", "checkbox"):
            continue
        if not spec.is_custom and obj.model._meta.get_field(spec.name).has_default():
            continue
        out.append(spec)
    return out


class PageLayoutForm(ModelForm):
    sections_text = forms.CharField(
        label=_("Sections and fields"),
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false", "class": "font-monospace"}),
        help_text=_(
            "Start each section with a line “# Section title”, then one field name per line, "
            "in display order. Field names are listed on the right."
        ),
    )
    required_fields = forms.MultipleChoiceField(
        label=_("Required on this layout"), required=False, widget=forms.CheckboxSelectMultiple
    )
    profiles = forms.ModelMultipleChoiceField(
        label=_("Assigned profiles"),
        queryset=Profile.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Users with these profiles see this layout. A profile has one layout per object."
        ),
    )

    class Meta:
        model = PageLayout
        fields = ("name", "is_default", "profiles")

    def __init__(self, *args, obj=None, **kwargs):
        self.obj = obj
        super().__init__(*args, **kwargs)
        self.specs = layout_fields(obj)
        self.spec_map = {s.name: s for s in self.specs}
        self.fields["required_fields"].choices = [(s.name, s.label) for s in self.specs]
        if self.instance.pk:
            self.initial.setdefault("sections_text", sections_to_text(self.instance.sections))
            self.initial.setdefault("required_fields", list(self.instance.required))

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = PageLayout.objects.filter(object_name=self.obj.name, name__iexact=name).exclude(
            pk=self.instance.pk
        )
        if clash.exists():
            raise forms.ValidationError(
                _gettext("There is already a layout named %(name)s.") % {"name": name}
            )
        return name

    def clean_sections_text(self):
        text = self.cleaned_data["sections_text"]
        sections, seen, errors = [], set(), []
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw.strip()
            if not line:
                continue
            if line.startswith("#"):
                title = line.lstrip("#").strip()
                if not title:
                    errors.append(_gettext("Line %(n)d: give the section a title.") % {"n": number})
                sections.append({"title": title, "fields": []})
                continue
            name = line.replace("custom__", "custom.", 1) if line.startswith("custom__") else line
            if not sections:
                errors.append(
                    _gettext("Line %(n)d: start with a section title line such as “# Details”.")
                    % {"n": number}
                )
                sections.append({"title": "", "fields": []})
            if name not in self.spec_map:
                errors.append(
                    _gettext("Line %(n)d: %(object)s has no field “%(field)s”.")
                    % {"n": number, "object": self.obj.label, "field": line}
                )
                continue
            if name in seen:
                errors.append(
                    _gettext("Line %(n)d: “%(field)s” is already on the layout.")
                    % {"n": number, "field": line}
                )
                continue
            seen.add(name)
            sections[-1]["fields"].append(name)
        if not sections and not errors:
            errors.append(_gettext("Add at least one section."))
        missing = [s.label for s in must_be_on_layout(self.obj, self.specs) if s.name not in seen]
        if missing:
            errors.append(
                _gettext(
                    "These fields are always required, so the layout must show them: %(fields)s."
                )
                % {"fields": ", ".join(missing)}
            )
        if errors:
            raise forms.ValidationError(errors)
        self.placed = seen
        return sections

    def clean(self):
        data = super().clean()
        placed = getattr(self, "placed", None)
        if placed is not None:
            off = [
                self.spec_map[f].label for f in data.get("required_fields", []) if f not in placed
            ]
            if off:
                self.add_error(
                    "required_fields",
                    _gettext(
                        "Only fields on the layout can be required here; not on it: %(fields)s."
                    )
                    % {"fields": ", ".join(off)},
                )
        return data

    def save(self, commit=True):
        layout = super().save(commit=False)
        layout.object_name = self.obj.name
        layout.sections = self.cleaned_data["sections_text"]
        layout.required = list(self.cleaned_data.get("required_fields", []))
        layout.save()
        profiles = list(self.cleaned_data.get("profiles") or [])
        # One layout per profile and object: assigning here takes the profile off the others.
        for other in PageLayout.objects.filter(object_name=self.obj.name).exclude(pk=layout.pk):
            other.profiles.remove(*profiles)
        layout.profiles.set(profiles)
        if layout.is_default:
            PageLayout.objects.filter(object_name=self.obj.name).exclude(pk=layout.pk).update(
                is_default=False
            )
        return layout

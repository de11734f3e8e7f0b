"""Bootstrap rendering for Setup forms: errors shown at the field, a grid that folds on a phone."""

from django import forms

WIDE_WIDGETS = (forms.Textarea, forms.CheckboxSelectMultiple)


class BootstrapMixin:
    """Adds Bootstrap classes to widgets and marks fields with errors as invalid."""

    template_name = "setup/forms/bootstrap.html"
    wide_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            self.style_field(name, field)

    def style_field(self, name, field):
        """Bootstrap classes and grid width for one field (call it for fields added later)."""
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple):
            css = "form-check-input"
            widget.template_name = "setup/forms/checkboxes.html"
            widget.option_template_name = "setup/forms/checkbox_option.html"
        elif isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
            field.is_checkbox = True
        elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
            css = "form-select"
        else:
            css = "form-control"
        if isinstance(widget, forms.TextInput) and getattr(widget, "input_type", "") == "color":
            css = "form-control form-control-color"
        if css not in widget.attrs.get("class", ""):
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
        wide = name in self.wide_fields or isinstance(widget, WIDE_WIDGETS)
        field.col_class = "col-12" if wide else "col-12 col-md-6"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"
                widget.attrs["aria-invalid"] = "true"


class Form(BootstrapMixin, forms.Form):
    pass


class ModelForm(BootstrapMixin, forms.ModelForm):
    pass


def first_error_field(form) -> str | None:
    return next(iter(form.errors), None)

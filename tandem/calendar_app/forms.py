"""Forms of the calendar: a new event from a slot, vCard import, email preferences."""

from django import forms
from django.utils.translation import gettext_lazy as _

REMINDER_CHOICES = [
    ("", _("No reminder")),
    ("0", _("At the start")),
    ("5", _("5 minutes before")),
    ("15", _("15 minutes before")),
    ("30", _("30 minutes before")),
    ("60", _("1 hour before")),
    ("1440", _("1 day before")),
]


class EventForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=255)
    start = forms.DateTimeField(
        label=_("Start"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    end = forms.DateTimeField(
        label=_("End"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    is_all_day = forms.BooleanField(label=_("All-day event"), required=False)
    location = forms.CharField(label=_("Location"), max_length=255, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    reminder = forms.TypedChoiceField(
        label=_("Reminder"), choices=REMINDER_CHOICES, required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = (
                "form-check-input"
                if isinstance(field.widget, forms.CheckboxInput)
                else "form-control"
            )
            if isinstance(field.widget, forms.Select):
                css = "form-select"
            field.widget.attrs.setdefault("class", css)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end must not be before the start."))
        return data

    def values(self) -> dict:
        return {
            k: self.cleaned_data[k]
            for k in ("subject", "start", "end", "is_all_day", "location", "description")
        }


class VCardImportForm(forms.Form):
    file = forms.FileField(label=_("vCard file (.vcf)"))

    MAX_BYTES = 2 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        raw = upload.read()
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                _("The file is not UTF-8 text; save it as a UTF-8 vCard.")
            ) from None

"""Forms of the calendar: a new event from a slot, vCard import, email preferences."""

from typing import ClassVar

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


class AttendeesWidget(forms.Widget):
    """A search box over users and contacts (the door decides which), chosen ones as chips."""

    template_name = "calendar_app/widgets/attendees.html"
    labels: ClassVar[dict[str, str]] = {}

    def value_from_datadict(self, data, files, name):
        return data.getlist(name) if hasattr(data, "getlist") else data.get(name, [])

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = [{"id": token, "label": self.labels.get(token, token)} for token in (value or [])]
        context["widget"]["chosen"] = chosen
        return context


class AttendeesField(forms.Field):
    widget = AttendeesWidget

    def to_python(self, value):
        return [str(v) for v in (value or []) if str(v).strip()]


def attendee_label(person) -> str:
    from tandem.sales.models import Contact

    if isinstance(person, Contact):
        account = f", {person.account}" if person.account_id else ""
        return _("%(name)s (contact%(account)s)") % {"name": person, "account": account}
    return _("%(name)s (user)") % {"name": person.full_name}


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
    attendees = AttendeesField(
        label=_("Attendees"),
        required=False,
        help_text=_("Users and contacts; invited users see the event in their calendar."),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.invitees = ([], [])
        self.fields["attendees"].widget = AttendeesWidget()
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
        tokens = data.get("attendees") or []
        if tokens and self.user is not None:
            from django.core.exceptions import ValidationError

            from tandem.calendar_app.attendees import parse_invitees

            try:
                self.invitees = parse_invitees(self.user, tokens)
            except ValidationError as exc:
                self.add_error("attendees", exc.message_dict["attendees"])
            else:
                users, contacts = self.invitees
                self.fields["attendees"].widget.labels = {
                    **{f"user:{u.pk}": attendee_label(u) for u in users},
                    **{f"contact:{c.pk}": attendee_label(c) for c in contacts},
                }
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

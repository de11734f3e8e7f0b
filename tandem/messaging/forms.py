"""Forms of email templates, notification templates, Send Email and email preferences.

Template texts are checked with the merge-field grammar: bad syntax or an unknown merge field
is an error at the field it is in, naming the token.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.messaging.merge import problems, tokens
from tandem.messaging.merge_fields import known_tokens
from tandem.messaging.models import EmailTemplate, NotificationTemplate
from tandem.messaging.notify import known_fields, required_fields
from tandem.messaging.sending import parse_addresses
from tandem.setup.forms.base import ModelForm


def _check(form, names, known):
    for name in names:
        for message in problems(form.cleaned_data.get(name) or "", known):
            form.add_error(name, message)


class EmailTemplateForm(ModelForm):
    wide_fields = ("subject", "description")

    class Meta:
        model = EmailTemplate
        fields = [
            "name",
            "description",
            "object_name",
            "subject",
            "body",
            "html_body",
            "is_active",
            "is_shared",
        ]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 8}),
            "html_body": forms.Textarea(attrs={"rows": 8, "class": "font-monospace"}),
        }
        help_texts = {
            "object_name": _(
                "The record the merge fields come from; the template is offered when sending from it."
            ),
            "html_body": _(
                "Optional. Sent alongside the text body; merged values are HTML-escaped."
            ),
        }

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("body") or "").strip() and not (cleaned.get("html_body") or "").strip():
            self.add_error("body", _("Write a text body, an HTML body or both."))
        _check(
            self, ("subject", "body", "html_body"), known_tokens(cleaned.get("object_name") or "")
        )
        return cleaned


class NotificationTemplateForm(ModelForm):
    wide_fields = ("subject",)

    class Meta:
        model = NotificationTemplate
        fields = ["name", "subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}

    def __init__(self, *args, key: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.key = key

    def clean(self):
        cleaned = super().clean()
        _check(self, ("subject", "body"), known_fields(self.key))
        used = tokens(cleaned.get("body") or "")
        for name in required_fields(self.key):
            if name not in used:
                self.add_error(
                    "body",
                    _("The body must contain {{%(token)s}}: the recipient needs it.")
                    % {"token": name},
                )
        return cleaned


class SendEmailForm(forms.Form):
    """To, CC, BCC, template, subject and bodies; contacts of the account are offered as To."""

    to_contacts = forms.MultipleChoiceField(
        label=_("Contacts"), required=False, widget=forms.CheckboxSelectMultiple
    )
    to = forms.CharField(
        label=_("To"),
        required=False,
        help_text=_("Email addresses, separated by commas."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    cc = forms.CharField(label=_("CC"), required=False)
    bcc = forms.CharField(label=_("BCC"), required=False)
    template = forms.ChoiceField(label=_("Template"), required=False)
    subject = forms.CharField(label=_("Subject"), max_length=255, required=False)
    body = forms.CharField(
        label=_("Message"), required=False, widget=forms.Textarea(attrs={"rows": 10})
    )
    html_body = forms.CharField(
        label=_("HTML version"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "class": "font-monospace"}),
    )

    def __init__(self, *args, contacts=(), templates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.contact_emails = {str(c.pk): c.email for c in contacts}
        self.fields["to_contacts"].choices = [(str(c.pk), f"{c} <{c.email}>") for c in contacts]
        if not contacts:
            del self.fields["to_contacts"]
        self.fields["template"].choices = [("", _("Free text (no template)"))] + [
            (str(t.pk), t.name) for t in templates
        ]
        for field in self.fields.values():
            if not isinstance(field.widget, forms.CheckboxSelectMultiple):
                css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                field.widget.attrs["class"] = (
                    css + " " + field.widget.attrs.get("class", "")
                ).strip()

    def clean(self):
        cleaned = super().clean()
        addresses = {}
        for name in ("to", "cc", "bcc"):
            try:
                addresses[name] = parse_addresses(cleaned.get(name, ""), name)
            except forms.ValidationError as exc:
                self.add_error(None, exc)
                addresses[name] = []
        chosen = [self.contact_emails[pk] for pk in cleaned.get("to_contacts") or []]
        to = chosen + [a for a in addresses["to"] if a.lower() not in {c.lower() for c in chosen}]
        cleaned["recipients"] = {"to": to, "cc": addresses["cc"], "bcc": addresses["bcc"]}
        return cleaned


class EmailPreferencesForm(forms.Form):
    """One checkbox per kind of notification email (calendar_app's EmailPreference)."""

    def __init__(self, *args, kinds=(), initial_values=None, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in kinds:
            self.fields[kind] = forms.BooleanField(
                label=label,
                required=False,
                initial=(initial_values or {}).get(kind, True),
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )

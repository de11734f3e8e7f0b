"""Forms of channel pages: register a deal, approve or reject a registration."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.channel.actions import MAX_PROTECTION_DAYS
from tandem.channel.models import DealRegistration


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def add_action_error(self, exc: ValidationError) -> None:
        """Put an action's errors next to the fields they name (the rest above the form)."""
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, exc.messages)


class DealRegistrationForm(StyledForm):
    company = forms.CharField(label=_("Company"), max_length=255)
    contact_name = forms.CharField(label=_("Contact name"), max_length=160)
    contact_email = forms.EmailField(label=_("Contact email"))
    product_interest = forms.CharField(label=_("Product interest"), max_length=255, required=False)
    expected_amount = forms.DecimalField(
        label=_("Expected amount"), max_digits=18, decimal_places=2, min_value=0
    )
    expected_close_date = forms.DateField(
        label=_("Expected close date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def clean_expected_close_date(self):
        value = self.cleaned_data["expected_close_date"]
        if value < timezone.localdate():
            raise ValidationError(_("The expected close date cannot be in the past."))
        return value


class ApproveForm(StyledForm):
    account = forms.ModelChoiceField(
        label=_("Account"),
        queryset=None,
        required=False,
        empty_label=_("Create a new account named after the company"),
        help_text=_("Attach the opportunity to a matching account, or create a new one."),
    )
    protection_days = forms.IntegerField(
        label=_("Protect the deal for (days)"),
        min_value=0,
        max_value=MAX_PROTECTION_DAYS,
        initial=DealRegistration.DEFAULT_PROTECTION_DAYS,
        help_text=_(
            "Until then, other partners' registrations for this company are flagged as conflicting."
        ),
    )

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts


class RejectForm(StyledForm):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason for rejecting: the partner will see it.")},
        help_text=_("The partner sees this reason."),
    )

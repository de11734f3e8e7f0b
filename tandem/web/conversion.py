"""The Convert page of a lead."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.access.door import can
from tandem.core import registry
from tandem.core.actions import NotVisible
from tandem.sales.conversion import convert_lead, converted_statuses, matching_accounts
from tandem.sales.models import Contact
from tandem.web.forms import LookupField
from tandem.web.records import fetch


class ConvertForm(forms.Form):
    owner = LookupField(user=None, lookup_object="user", label=gettext_lazy("Record Owner"))
    account_choice = forms.ChoiceField(label=gettext_lazy("Account"), widget=forms.RadioSelect)
    account_name = forms.CharField(label=gettext_lazy("New account name"), max_length=255, required=False)
    account = LookupField(user=None, lookup_object="account", label=gettext_lazy("Existing account"), required=False)
    contact = forms.ChoiceField(label=gettext_lazy("Contact"), required=False)
    opportunity_name = forms.CharField(label=gettext_lazy("Opportunity name"), max_length=255, required=False)
    no_opportunity = forms.BooleanField(
        label=gettext_lazy("Don't create an opportunity upon conversion"), required=False
    )
    converted_status = forms.ChoiceField(label=gettext_lazy("Converted Status"))

    def __init__(self, *args, user, lead, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].user = user
        self.fields["account"].user = user
        self.fields["owner"].set_initial_choice(user)
        self.fields["account_choice"].choices = [
            ("new", _("Create new account")),
            ("existing", _("Attach to existing account")),
        ]
        self.suggestions = list(matching_accounts(user, lead))
        if self.suggestions:
            self.fields["account"].widget.choices = [(a.pk, a.name) for a in self.suggestions]
        statuses = converted_statuses()
        self.fields["converted_status"].choices = [(s, s) for s in statuses]
        account_id = self.data.get("account") or (self.suggestions[0].pk if self.suggestions else None)
        contacts = []
        if account_id:
            contacts = Contact.objects.visible_to(user, "read").filter(account_id=account_id)[:50]
        self.fields["contact"].choices = [("", _("Create new contact"))] + [(c.pk, str(c)) for c in contacts]
        for name, field in self.fields.items():
            if not isinstance(field.widget, (forms.RadioSelect, forms.CheckboxInput)):
                field.widget.attrs.setdefault("class", "form-select" if isinstance(field.widget, forms.Select) else "form-control")
            elif isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"

    def clean(self):
        data = super().clean()
        if data.get("account_choice") == "existing" and not data.get("account"):
            self.add_error("account", _("Choose the account to attach the lead to."))
        return data


@login_required
def lead_convert(request, pk):
    obj_def = registry.get("lead")
    lead = fetch(obj_def, request.user, pk)
    if lead.is_converted or not can(request.user, "edit", lead):
        raise Http404
    initial = {
        "owner": request.user.pk,
        "account_choice": "new",
        "account_name": lead.company,
        "opportunity_name": f"{lead.company}-",
        "converted_status": (converted_statuses() or [""])[0],
    }
    form = ConvertForm(request.POST or None, user=request.user, lead=lead, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        existing = data["account"] if data["account_choice"] == "existing" else None
        contact = None
        if existing and data.get("contact"):
            contact = Contact.objects.visible_to(request.user, "read").filter(pk=data["contact"]).first()
        try:
            result = convert_lead(
                request.user,
                lead,
                owner=data["owner"],
                converted_status=data["converted_status"],
                account=existing,
                account_name=data["account_name"],
                contact=contact,
                create_opportunity=not data["no_opportunity"],
                opportunity_name=data["opportunity_name"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errs in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errs)
            else:
                form.add_error(None, exc.messages)
        except NotVisible:
            raise Http404 from None
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Lead converted."))
            target = result.opportunity or result.account
            if can(request.user, "read", target):
                return redirect(target.get_absolute_url())
            return redirect(lead.get_absolute_url())
    return render(
        request,
        "web/convert.html",
        {"obj_def": obj_def, "record": lead, "form": form, "page_title": _("Convert Lead")},
        status=400 if request.method == "POST" else 200,
    )

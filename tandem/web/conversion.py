"""The Convert page of a lead: thin over `tandem.sales.conversion.convert_lead`."""

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
from tandem.sales.lead_mapping import broken_mappings
from tandem.sales.models import Account, Contact
from tandem.web.forms import LookupField
from tandem.web.records import fetch

CONTACT_CHOICES = 50


class ConvertForm(forms.Form):
    owner = LookupField(user=None, lookup_object="user", label=gettext_lazy("Record Owner"))
    account_choice = forms.ChoiceField(label=gettext_lazy("Account"), widget=forms.RadioSelect)
    account_name = forms.CharField(
        label=gettext_lazy("New account name"), max_length=255, required=False
    )
    account = LookupField(
        user=None, lookup_object="account", label=gettext_lazy("Existing account"), required=False
    )
    contact = forms.ChoiceField(label=gettext_lazy("Contact"), required=False)
    opportunity_name = forms.CharField(
        label=gettext_lazy("Opportunity name"), max_length=255, required=False
    )
    no_opportunity = forms.BooleanField(
        label=gettext_lazy("Don't create an opportunity upon conversion"), required=False
    )
    converted_status = forms.ChoiceField(label=gettext_lazy("Converted Status"))

    def __init__(self, *args, user, lead, account_hint=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["owner"].user = user
        self.fields["account"].user = user
        owner_id = self.data.get("owner") or self.initial.get("owner")
        self.fields["owner"].set_initial_choice(
            self.fields["owner"].queryset().filter(pk=owner_id).first()
            if str(owner_id or "").isdigit()
            else user
        )
        self.fields["account_choice"].choices = [
            ("new", _("Create new account")),
            ("existing", _("Attach to existing account")),
        ]
        self.suggestions = matching_accounts(user, lead)
        chosen = self._chosen_account(account_hint)
        options = [(a.pk, f"{a.name} ({a.match_reason})") for a in self.suggestions]
        if chosen is not None and chosen.pk not in {a.pk for a in self.suggestions}:
            options.insert(0, (chosen.pk, chosen.name))
        self.fields["account"].widget.choices = options
        if chosen is not None and not self.is_bound:
            self.initial["account"] = chosen.pk
        self.fields["converted_status"].choices = [(s, s) for s in converted_statuses()]
        contacts = []
        if chosen is not None:
            contacts = (
                Contact.objects.visible_to(user, "read")
                .filter(account=chosen)
                .order_by("last_name", "first_name", "pk")[:CONTACT_CHOICES]
            )
            # The lead's own person first, when the account already has them.
            contacts = sorted(
                contacts,
                key=lambda c: (
                    not (
                        (lead.email and c.email.lower() == lead.email.lower())
                        or (c.last_name.lower() == lead.last_name.lower())
                    )
                ),
            )
        self.chosen_account = chosen
        self.fields["contact"].choices = [("", _("Create new contact"))] + [
            (c.pk, f"{c} · {c.email}" if c.email else str(c)) for c in contacts
        ]
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"
            elif not isinstance(field.widget, forms.RadioSelect):
                css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                field.widget.attrs.setdefault("class", css)

    def _chosen_account(self, hint):
        """The account whose contacts are offered: posted, asked for, else the best suggestion."""
        raw = self.data.get("account") or hint
        if raw and str(raw).isdigit():
            found = Account.objects.visible_to(self.user, "read").filter(pk=int(raw)).first()
            if found is not None:
                return found
        return self.suggestions[0] if self.suggestions else None

    def clean(self):
        data = super().clean()
        if data.get("account_choice") == "existing" and not data.get("account"):
            self.add_error("account", _("Choose the account to attach the lead to."))
        if data.get("account_choice") == "new" and not (data.get("account_name") or "").strip():
            self.add_error("account_name", _("Enter the name of the new account."))
        return data


def _show_errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errs in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, exc.messages)


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
    form = ConvertForm(
        request.POST or None,
        user=request.user,
        lead=lead,
        initial=initial,
        account_hint=request.GET.get("account"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        existing = data["account"] if data["account_choice"] == "existing" else None
        contact = None
        if existing and data.get("contact"):
            contact = (
                Contact.objects.visible_to(request.user, "read").filter(pk=data["contact"]).first()
            )
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
            _show_errors(form, exc)
        except NotVisible:
            raise Http404 from None
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Lead converted."))
            if result.skipped:
                messages.warning(
                    request,
                    _("Not copied (the mapping in Setup no longer works): %(list)s")
                    % {"list": "; ".join(m.describe() for m in result.skipped)},
                )
            for target in (result.opportunity, result.account, result.contact):
                if target is not None and can(request.user, "read", target):
                    return redirect(target.get_absolute_url())
            return redirect(lead.get_absolute_url())
    return render(
        request,
        "web/convert.html",
        {
            "obj_def": obj_def,
            "record": lead,
            "form": form,
            "broken": broken_mappings(),
            "page_title": _("Convert Lead"),
        },
        status=400 if request.method == "POST" else 200,
    )

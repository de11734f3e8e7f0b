"""Setup pages of partner management: the one-way enable wizard, settings and claim limits."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.access.models import (
    OWD_CHOICES,
    OWD_RANK,
    TARGET_GROUP,
    TARGET_ROLE_SUBS,
    OrgDefault,
    SharingRule,
    User,
)
from tandem.core import registry
from tandem.partners.actions import enable_partner_management
from tandem.partners.models import ClaimLimit, PartnerProgram
from tandem.sales.models import Account

WIZARD_KEY = "partner_wizard"


def _admin_only(request):
    if not request.user.is_authenticated or not request.user.has_system_permission("customize_application"):
        raise Http404


def exposing_rules() -> list[dict]:
    """Active sharing rules that will reach partner users once partner roles exist.

    Partner roles are created under internal roles, so "Role and Subordinates" targets
    and public groups (which can contain such roles) will include partner users.
    """
    rules = []
    for rule in SharingRule.objects.filter(is_active=True, target_kind__in=[TARGET_ROLE_SUBS, TARGET_GROUP]):
        obj_def = registry.find(rule.object_name)
        rules.append(
            {
                "rule": rule,
                "object": obj_def.label_plural if obj_def else rule.object_name,
                "exposes": _("%(level)s access to %(object)s: “%(rule)s” shares with %(target)s, which will include partner users placed below it.")
                % {
                    "level": rule.get_access_level_display(),
                    "object": obj_def.label_plural if obj_def else rule.object_name,
                    "rule": rule.name,
                    "target": rule.get_target_kind_display(),
                },
            }
        )
    return rules


class ExternalDefaultsForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rows = {r.object_name: r for r in OrgDefault.objects.all()}
        labels = dict(OWD_CHOICES)
        for obj_def in registry.all_objects():
            row = rows.get(obj_def.name)
            internal = row.internal_access if row else obj_def.default_owd
            choices = [
                (c, labels[c]) for c in obj_def.owd_choices if OWD_RANK[c] <= OWD_RANK[internal]
            ]
            self.fields[obj_def.name] = forms.ChoiceField(
                label=obj_def.label_plural,
                choices=choices,
                initial=row.external_access if row else obj_def.default_owd,
                help_text=_("Internal default: %(value)s") % {"value": labels[internal]},
                widget=forms.Select(attrs={"class": "form-select"}),
            )


def partner_settings(request):
    _admin_only(request)
    program = PartnerProgram.current()

    class SettingsForm(forms.ModelForm):
        class Meta:
            model = PartnerProgram
            fields = ["portal_name", "role_levels", "welcome_subject"]

    form = SettingsForm(request.POST or None, instance=program)
    for field in form.fields.values():
        field.widget.attrs["class"] = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Partner settings saved."))
        return redirect("partner_settings")
    return render(
        request,
        "partners/setup_settings.html",
        {"program": program, "form": form, "page_title": _("Partner Relationship Management")},
    )


def enable_wizard(request):
    """Confirm, then (1) external defaults, (2) rules that would expose records, (3) summary."""
    _admin_only(request)
    program = PartnerProgram.current()
    if program.enabled:
        return redirect("partner_settings")
    state = request.session.get(WIZARD_KEY, {"step": 0})
    if request.method == "POST" and "cancel" in request.POST:
        request.session.pop(WIZARD_KEY, None)
        messages.info(request, _("Partner management was not enabled; nothing changed."))
        return redirect("partner_settings")
    step = state.get("step", 0)
    error = None
    defaults_form = ExternalDefaultsForm(request.POST if step == 1 and request.method == "POST" else None,
                                         initial=state.get("defaults"))
    rules = exposing_rules()
    if request.method == "POST":
        if "back" in request.POST and step > 1:
            state["step"] = step - 1
        elif step == 0:
            if request.POST.get("understand") == "1":
                state = {"step": 1}
            else:
                error = _("Confirm that you understand this cannot be undone.")
        elif step == 1 and defaults_form.is_valid():
            state.update(step=2, defaults=defaults_form.cleaned_data)
        elif step == 2:
            keep_ids = {str(r["rule"].pk) for r in rules}
            state.update(step=3, deactivate=[i for i in request.POST.getlist("deactivate") if i in keep_ids])
        elif step == 3 and "finish" in request.POST:
            try:
                with transaction.atomic():
                    enable_partner_management(request.user, state.get("defaults", {}))
                    SharingRule.objects.filter(pk__in=state.get("deactivate", [])).update(is_active=False)
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                request.session.pop(WIZARD_KEY, None)
                messages.success(request, _("Partner relationship management is enabled."))
                return redirect("partner_settings")
        request.session[WIZARD_KEY] = state
        if error is None and state.get("step") != step:
            return redirect("partner_enable")
    labels = dict(OWD_CHOICES)
    summary = []
    for obj_def in registry.all_objects():
        value = state.get("defaults", {}).get(obj_def.name)
        if value:
            summary.append((obj_def.label_plural, labels[value]))
    deactivating = [r for r in rules if str(r["rule"].pk) in state.get("deactivate", [])]
    return render(
        request,
        "partners/enable_wizard.html",
        {
            "step": state.get("step", 0),
            "defaults_form": defaults_form,
            "rules": rules,
            "summary": summary,
            "deactivating": deactivating,
            "error": error,
            "page_title": _("Enable Partner Relationship Management"),
        },
        status=400 if error else 200,
    )


class ClaimLimitForm(forms.ModelForm):
    class Meta:
        model = ClaimLimit
        fields = ["partner_account", "user", "max_open_leads", "max_accepts_per_day"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner_account"].queryset = Account.objects.unrestricted().filter(is_partner=True)
        self.fields["user"].queryset = User.objects.filter(is_external=True)
        self.fields["max_open_leads"].label = gettext_lazy("Open leads held at once")
        self.fields["max_accepts_per_day"].label = gettext_lazy("Leads accepted per day")
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(field.widget, forms.Select) else "form-control"

    def clean(self):
        data = super().clean()
        user, account = data.get("user"), data.get("partner_account")
        if user and account and (not user.contact_id or user.contact.account_id != account.pk):
            self.add_error("user", _("This partner user does not belong to that partner account."))
        if data.get("max_open_leads") is None and data.get("max_accepts_per_day") is None:
            raise ValidationError(_("Set at least one limit."))
        return data


def claim_limits(request):
    _admin_only(request)
    if request.method == "POST" and "delete" in request.POST:
        ClaimLimit.objects.filter(pk=request.POST.get("delete")).delete()
        messages.success(request, _("Claim limit removed."))
        return redirect("partner_claim_limits")
    form = ClaimLimitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        existing = ClaimLimit.objects.filter(
            partner_account=form.cleaned_data["partner_account"], user=form.cleaned_data["user"]
        ).first()
        if existing:
            existing.max_open_leads = form.cleaned_data["max_open_leads"]
            existing.max_accepts_per_day = form.cleaned_data["max_accepts_per_day"]
            existing.save()
        else:
            form.save()
        messages.success(request, _("Claim limit saved."))
        return redirect("partner_claim_limits")
    return render(
        request,
        "partners/claim_limits.html",
        {
            "form": form,
            "limits": ClaimLimit.objects.select_related("partner_account", "user"),
            "page_title": _("Claim limits"),
        },
        status=400 if request.method == "POST" else 200,
    )

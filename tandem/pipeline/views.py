"""Pipeline pages: the board, moving a card, closing as lost, and the opportunity panels.

Views stay thin: records come through the door (404 when not visible), changes through
tandem.pipeline.actions.
"""

import datetime
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, Q, Sum, When
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tandem.access.directory import pickable_users
from tandem.access.door import can
from tandem.access.models import Role, RoleClosure, User
from tandem.core import registry
from tandem.core.actions import NotVisible
from tandem.core.models import Company
from tandem.pipeline import actions
from tandem.pipeline.history import pipeline_changes, stage_spells
from tandem.pipeline.models import ContactRole, LossReason, OpportunityLoss
from tandem.sales.models import Account, Contact, Opportunity
from tandem.web.records import fetch

CARDS_PER_COLUMN = 100


def money(amount, currency="") -> str:
    return f"{currency} {intcomma(Decimal(amount or 0).quantize(Decimal('0.01')))}".strip()


def _messages_of(exc) -> list[str]:
    if isinstance(exc, ValidationError):
        return exc.messages
    return [str(exc) or _("You may not edit this opportunity.")]


def _errors_of(exc) -> dict:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        return {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
    return {}


class BoardFilter(forms.Form):
    owner = forms.ModelChoiceField(
        label=gettext_lazy("Owner"), queryset=User.objects.none(), required=False
    )
    role = forms.ModelChoiceField(
        label=gettext_lazy("Team (role and below)"), queryset=Role.objects.none(), required=False
    )
    partner = forms.ModelChoiceField(
        label=gettext_lazy("Partner"), queryset=Account.objects.none(), required=False
    )
    close_from = forms.DateField(
        label=gettext_lazy("Close date from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    close_to = forms.DateField(
        label=gettext_lazy("Close date to"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = pickable_users(user).order_by("last_name", "first_name")
        self.fields["owner"].label_from_instance = lambda u: u.full_name
        self.fields["role"].queryset = Role.objects.filter(partner_account__isnull=True).order_by(
            "name"
        )
        self.fields["partner"].queryset = (
            Account.objects.visible_to(user, "read").filter(is_partner=True).order_by("name")
        )
        if user.is_external:
            del self.fields["role"]
            del self.fields["partner"]
        for field in self.fields.values():
            field.widget.attrs["class"] = (
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm"
            )

    def clean(self):
        data = super().clean()
        start, end = data.get("close_from"), data.get("close_to")
        if start and end and end < start:
            self.add_error("close_to", _("Close date to: must be on or after the start date."))
        return data

    def apply(self, qs):
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("owner"):
            qs = qs.filter(owner=data["owner"])
        if data.get("role"):
            below = RoleClosure.objects.filter(ancestor=data["role"]).values("descendant_id")
            qs = qs.filter(owner__role_id__in=below)
        if data.get("partner"):
            # A partner's deals: owned by its partner users, or registered by it (and since
            # handed to someone else).
            from tandem.channel.models import DealRegistration

            registered = DealRegistration.objects.filter(
                partner_account=data["partner"], opportunity__isnull=False
            ).values("opportunity_id")
            qs = qs.filter(
                Q(owner__is_external=True, owner__contact__account=data["partner"])
                | Q(pk__in=registered)
            )
        if data.get("close_from"):
            qs = qs.filter(close_date__gte=data["close_from"])
        if data.get("close_to"):
            qs = qs.filter(close_date__lte=data["close_to"])
        return qs


@login_required
def board(request):
    """One column per open stage with count and total; closed stages are drop targets."""
    all_stages = actions.stages()
    open_stages = [s for s in all_stages if not s.is_closed]
    filters = BoardFilter(request.GET or None, user=request.user)
    qs = filters.apply(
        Opportunity.objects.visible_to(request.user, "read").filter(
            stage__in=[s.value for s in open_stages]
        )
    )
    totals = {
        row["stage"]: row
        for row in qs.order_by().values("stage").annotate(n=Count("pk"), total=Sum("amount"))
    }
    cards: dict[str, list] = {s.value: [] for s in open_stages}
    editable = set(
        Opportunity.objects.visible_to(request.user, "edit")
        .filter(pk__in=qs.values("pk"))
        .values_list("pk", flat=True)
    )
    currency = Company.current().currency
    for opp in qs.select_related("owner", "account").order_by("close_date", "pk"):
        column = cards[opp.stage]
        if len(column) < CARDS_PER_COLUMN:
            opp.can_move = opp.pk in editable
            opp.amount_display = (
                money(opp.amount, opp.currency or currency) if opp.amount is not None else ""
            )
            column.append(opp)
    columns = [
        {
            "stage": s,
            "count": totals.get(s.value, {}).get("n", 0),
            "total": totals.get(s.value, {}).get("total") or Decimal(0),
            "total_display": money(totals.get(s.value, {}).get("total"), currency),
            "cards": cards[s.value],
            "more": totals.get(s.value, {}).get("n", 0) - len(cards[s.value]),
        }
        for s in open_stages
    ]
    return render(
        request,
        "pipeline/board.html",
        {
            "columns": columns,
            "stages": all_stages,
            "closed_stages": [s for s in all_stages if s.is_closed],
            "lost_stages": [s.value for s in all_stages if s.is_closed and not s.is_won],
            "filters": filters,
            "loss_reasons": LossReason.choices,
            "currency": currency,
            "page_title": _("Pipeline"),
        },
    )


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _back(request, default):
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return default


@login_required
@require_POST
def move(request, pk):
    """Move a card to a stage: JSON for the board's script, a redirect for plain forms."""
    opportunity = fetch(registry.get("opportunity"), request.user, pk)
    stage = request.POST.get("stage", "")
    try:
        actions.move_to_stage(
            request.user,
            opportunity,
            stage,
            loss_reason=request.POST.get("loss_reason", ""),
            competitor=request.POST.get("competitor", ""),
        )
    except NotVisible:
        raise Http404 from None
    except (ValidationError, PermissionDenied) as exc:
        errors = _errors_of(exc)
        text = " ".join(_messages_of(exc))
        if _wants_json(request):
            return JsonResponse(
                {"ok": False, "message": text, "errors": errors}, status=400 if errors else 403
            )
        if "loss_reason" in errors:
            url = reverse("pipeline:close_lost", args=[pk]) + f"?stage={stage}"
            messages.error(request, text)
            return redirect(url)
        messages.error(request, text)
        return redirect(_back(request, reverse("pipeline:board")))
    text = _("%(name)s moved to %(stage)s.") % {"name": opportunity, "stage": opportunity.stage}
    if _wants_json(request):
        return JsonResponse(
            {
                "ok": True,
                "message": text,
                "stage": opportunity.stage,
                "probability": opportunity.probability,
                "closed": opportunity.is_closed,
            }
        )
    messages.success(request, text)
    return redirect(_back(request, reverse("pipeline:board")))


class LossForm(forms.Form):
    stage = forms.ChoiceField(label=gettext_lazy("Stage"))
    loss_reason = forms.ChoiceField(
        label=gettext_lazy("Loss reason"),
        choices=[("", "---------"), *LossReason.choices],
        required=False,
    )
    competitor = forms.CharField(label=gettext_lazy("Competitor"), max_length=255, required=False)
    next = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [
            (s.value, s.label) for s in actions.stages() if s.is_closed and not s.is_won
        ]
        for name, field in self.fields.items():
            if name != "next":
                field.widget.attrs["class"] = (
                    "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                )


@login_required
def close_lost(request, pk):
    """The "Close as Lost" form: a lost stage, a loss reason and the competitor."""
    opportunity = fetch(registry.get("opportunity"), request.user, pk)
    if not can(request.user, "edit", opportunity):
        messages.error(request, _("You may not edit this opportunity."))
        return redirect(opportunity.get_absolute_url())
    if request.method == "POST":
        form = LossForm(request.POST)
        if form.is_valid():
            try:
                actions.move_to_stage(
                    request.user,
                    opportunity,
                    form.cleaned_data["stage"],
                    loss_reason=form.cleaned_data["loss_reason"],
                    competitor=form.cleaned_data["competitor"],
                )
            except ValidationError as exc:
                for field, errs in _errors_of(exc).items():
                    form.add_error(field if field in form.fields else None, errs)
                if not hasattr(exc, "error_dict"):
                    form.add_error(None, exc.messages)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("%(name)s closed as lost.") % {"name": opportunity})
                return redirect(_back(request, opportunity.get_absolute_url()))
    else:
        loss = OpportunityLoss.objects.filter(opportunity=opportunity).first()
        form = LossForm(
            initial={
                "stage": request.GET.get("stage", ""),
                "loss_reason": loss.reason if loss else "",
                "competitor": loss.competitor if loss else "",
                "next": request.GET.get("next", ""),
            }
        )
    return render(
        request,
        "pipeline/close_lost.html",
        {"form": form, "record": opportunity, "page_title": _("Close as Lost")},
    )


# Contact roles ------------------------------------------------------------------------------


class ContactRoleForm(forms.Form):
    contact = forms.ModelChoiceField(label=gettext_lazy("Contact"), queryset=Contact.objects.none())
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=ContactRole.choices)
    is_primary = forms.BooleanField(label=gettext_lazy("Primary"), required=False)

    def __init__(self, *args, user, opportunity, **kwargs):
        super().__init__(*args, **kwargs)
        visible = Contact.objects.visible_to(user, "read").exclude(
            opportunity_roles__opportunity=opportunity
        )
        if opportunity.account_id:
            # The deal's account's contacts first; others the user can see after them.
            visible = visible.order_by(
                Case(When(account_id=opportunity.account_id, then=0), default=1),
                "last_name",
                "first_name",
                "pk",
            )
        else:
            visible = visible.order_by("last_name", "first_name", "pk")
        self.fields["contact"].queryset = visible
        for name, field in self.fields.items():
            if name != "is_primary":
                field.widget.attrs["class"] = "form-select form-select-sm"


def _opportunity_for_edit(request, pk):
    return fetch(registry.get("opportunity"), request.user, pk)


def _run(request, call, success):
    try:
        call()
        messages.success(request, success)
    except NotVisible:
        raise Http404 from None
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(_messages_of(exc)))


@login_required
@require_POST
def contact_role_add(request, pk):
    opportunity = _opportunity_for_edit(request, pk)
    form = ContactRoleForm(request.POST, user=request.user, opportunity=opportunity)
    if not form.is_valid():
        for field, errs in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errs)}" if label else " ".join(errs))
        return redirect(opportunity.get_absolute_url())
    data = form.cleaned_data
    _run(
        request,
        lambda: actions.add_contact_role(
            request.user, opportunity, data["contact"], data["role"], data["is_primary"]
        ),
        _("%(name)s added as %(role)s.")
        % {"name": data["contact"], "role": ContactRole(data["role"]).label},
    )
    return redirect(opportunity.get_absolute_url())


@login_required
@require_POST
def contact_role_primary(request, pk, role_id):
    opportunity = _opportunity_for_edit(request, pk)
    _run(
        request,
        lambda: actions.make_primary(request.user, opportunity, role_id),
        _("Primary contact changed."),
    )
    return redirect(opportunity.get_absolute_url())


@login_required
@require_POST
def contact_role_remove(request, pk, role_id):
    opportunity = _opportunity_for_edit(request, pk)
    _run(
        request,
        lambda: actions.remove_contact_role(request.user, opportunity, role_id),
        _("Contact role removed."),
    )
    return redirect(opportunity.get_absolute_url())


# Panels on the opportunity page -------------------------------------------------------------


def _human(delta: datetime.timedelta) -> str:
    seconds = int(delta.total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    if days:
        return _("%(d)s d %(h)s h") % {"d": days, "h": hours}
    if hours:
        return _("%(h)s h %(m)s min") % {"h": hours, "m": rest // 60}
    return _("%(m)s min") % {"m": max(rest // 60, 0)}


def stage_history_panel(request, record):
    """Stage, amount, probability and close date changes, and time spent in each stage."""
    from tandem.core.history import tracked_specs

    labels = {spec.name: spec.label for spec in tracked_specs(registry.get("opportunity"))}
    changes = pipeline_changes(record)
    for change in changes:
        change.field_label = labels.get(change.field_name, change.field_name)
    spells = stage_spells(record)
    loss = OpportunityLoss.objects.filter(opportunity=record).first()
    may_edit = can(request.user, "edit", record)
    totals: dict[str, datetime.timedelta] = {}
    for spell in spells:
        totals[spell.stage] = totals.get(spell.stage, datetime.timedelta()) + spell.duration
    return {
        "template": "pipeline/stage_history_panel.html",
        "record": record,
        "changes": changes,
        "spells": [(s, _human(s.duration)) for s in spells],
        "totals": [(stage, _human(d), stage == record.stage) for stage, d in totals.items()],
        "loss": loss,
        "can_close_lost": not record.is_closed and may_edit,
        # Lost through the Edit page (which does not ask): invite the reason afterwards.
        "needs_loss_reason": record.is_closed and not record.is_won and loss is None and may_edit,
    }


def contact_roles_panel(request, record):
    can_edit = can(request.user, "edit", record)
    visible_contacts = Contact.objects.visible_to(request.user, "read").values("pk")
    return {
        "template": "pipeline/contact_roles_panel.html",
        "record": record,
        # Roles of contacts the user cannot see are counted, never named.
        "roles": list(
            record.contact_roles.filter(contact__in=visible_contacts).select_related("contact")
        ),
        "hidden": record.contact_roles.exclude(contact__in=visible_contacts).count(),
        "form": ContactRoleForm(user=request.user, opportunity=record) if can_edit else None,
        "can_edit": can_edit,
    }

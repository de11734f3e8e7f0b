"""Channel pages: the partner feed and scorecard panels, deal registration, the channel dashboard.

Every record and registration comes through the door; one the user may not see answers 404.
Partner users get the portal pages (registering and following their deals); internal users
get the review pages and the dashboard.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tandem.access.door import can
from tandem.channel import actions
from tandem.channel.access import registrations_visible_to
from tandem.channel.conflicts import describe, find_conflicts
from tandem.channel.feed import feed_for
from tandem.channel.forms import ApproveForm, DealRegistrationForm, RejectForm
from tandem.channel.models import DealRegistration
from tandem.channel.scorecard import scorecards
from tandem.core import registry
from tandem.core.actions import NotVisible
from tandem.partners.models import PartnerProgram
from tandem.sales.models import Account
from tandem.web.records import fetch

FEED_POLL_SECONDS = 10


def _internal(request):
    """Channel management pages are for employees: partners get 404, as for anything not theirs."""
    if request.user.is_external:
        raise Http404


def _partner(request):
    if not request.user.is_external or not request.user.partner_account_id:
        raise Http404


def _partner_account(request, pk) -> Account:
    account = fetch(registry.get("account"), request.user, pk)
    if not account.is_partner:
        raise Http404
    return account


# Detail panels on the partner account page ------------------------------------------------


def _panel_applies(request, record) -> bool:
    return (
        not request.user.is_external
        and getattr(record, "is_partner", False)
        and PartnerProgram.current().enabled
    )


def scorecard_panel(request, record):
    """The partner scorecard on a partner account page."""
    if not _panel_applies(request, record):
        return None
    scores = scorecards(request.user, [record])
    if not scores:
        return None
    pending = registrations_visible_to(request.user, "edit").filter(
        partner_account=record, status=DealRegistration.PENDING
    )
    return {
        "template": "channel/scorecard_panel.html",
        "account": record,
        "score": scores[0],
        "pending_count": pending.count(),
    }


def feed_panel(request, record):
    """The live partner activity feed on a partner account page (refreshed by HTMX polling)."""
    if not _panel_applies(request, record):
        return None
    return {
        "template": "channel/feed_panel.html",
        "account": record,
        "items": feed_for(request.user, record),
        "poll_seconds": FEED_POLL_SECONDS,
    }


@login_required
def account_feed(request, pk):
    """The feed's items alone, for HTMX polling."""
    _internal(request)
    account = _partner_account(request, pk)
    return render(request, "channel/feed_items.html", {"items": feed_for(request.user, account)})


# Partner portal: register and follow deals -------------------------------------------------


@login_required
def deal_list(request):
    if not request.user.is_external:
        return redirect("channel:registration_list")
    _partner(request)
    registrations = registrations_visible_to(request.user, "read").select_related("opportunity")
    return render(
        request,
        "channel/deal_list.html",
        {"registrations": registrations[:200], "page_title": _("My Deal Registrations")},
    )


@login_required
def deal_register(request):
    _partner(request)
    form = DealRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            registration = actions.register_deal(request.user, form.cleaned_data)
        except ValidationError as exc:
            form.add_action_error(exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(
                request,
                _("Deal registered: %(company)s. Your channel manager will review it.")
                % {"company": registration.company},
            )
            return redirect("channel:deal_detail", pk=registration.pk)
    return render(
        request,
        "channel/deal_form.html",
        {"form": form, "page_title": _("Register a Deal")},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def deal_detail(request, pk):
    if not request.user.is_external:
        return redirect("channel:registration_review", pk=pk)
    registration = (
        registrations_visible_to(request.user, "read")
        .select_related("opportunity")
        .filter(pk=pk)
        .first()
    )
    if registration is None:
        raise Http404
    opportunity = registration.opportunity
    if opportunity is not None and not can(request.user, "read", opportunity):
        opportunity = None
    return render(
        request,
        "channel/deal_detail.html",
        {
            "registration": registration,
            "opportunity": opportunity,
            "page_title": registration.company,
        },
    )


# Channel manager: review registrations -------------------------------------------------------


@login_required
def registration_list(request):
    _internal(request)
    show_all = request.GET.get("status") == "all"
    registrations = registrations_visible_to(request.user, "read" if show_all else "edit")
    if not show_all:
        registrations = registrations.filter(status=DealRegistration.PENDING)
    registrations = registrations.select_related("partner_account", "submitted_by")
    return render(
        request,
        "channel/registration_list.html",
        {
            "registrations": registrations[:200],
            "show_all": show_all,
            "page_title": _("Deal Registrations"),
        },
    )


def _review_context(request, registration, approve_form=None, reject_form=None) -> dict:
    if registration.is_pending:
        conflicts = find_conflicts(
            registration.company,
            registration.contact_email,
            registration.partner_account_id,
            registration.pk,
        )
    else:  # as they stood when the channel manager decided, not the records the approval made
        conflicts = registration.conflicts
    account_ids = [c["record_id"] for c in conflicts if c["object_name"] == "account"]
    accounts = (
        Account.objects.visible_to(request.user, "read").filter(pk__in=account_ids).order_by("name")
    )
    can_review = (
        registration.is_pending
        and registrations_visible_to(request.user, "edit").filter(pk=registration.pk).exists()
    )
    opportunity = registration.opportunity
    if opportunity is not None and not can(request.user, "read", opportunity):
        opportunity = None
    return {
        "registration": registration,
        "conflicts": describe(conflicts, request.user),
        "can_review": can_review,
        "opportunity": opportunity,
        "approve_form": approve_form or ApproveForm(accounts=accounts),
        "reject_form": reject_form or RejectForm(),
        "accounts": accounts,
        "page_title": _("Deal Registration: %(company)s") % {"company": registration.company},
    }


def _visible_registration(request, pk) -> DealRegistration:
    _internal(request)
    registration = (
        registrations_visible_to(request.user, "read")
        .select_related("partner_account", "submitted_by", "reviewed_by", "opportunity", "account")
        .filter(pk=pk)
        .first()
    )
    if registration is None:
        raise Http404
    return registration


@login_required
def registration_review(request, pk):
    registration = _visible_registration(request, pk)
    return render(
        request, "channel/registration_review.html", _review_context(request, registration)
    )


def _review_failed(request, registration, exc, approve_form=None, reject_form=None):
    context = _review_context(request, registration, approve_form, reject_form)
    form = approve_form or reject_form
    if isinstance(exc, ValidationError):
        form.add_action_error(exc)
    else:
        form.add_error(None, str(exc))
    return render(request, "channel/registration_review.html", context, status=400)


@login_required
@require_POST
def registration_approve(request, pk):
    registration = _visible_registration(request, pk)
    context = _review_context(request, registration)
    form = ApproveForm(request.POST, accounts=context["accounts"])
    if not form.is_valid():
        return render(
            request,
            "channel/registration_review.html",
            {**context, "approve_form": form},
            status=400,
        )
    try:
        actions.approve_registration(
            request.user,
            registration.pk,
            account=form.cleaned_data["account"],
            protection_days=form.cleaned_data["protection_days"],
        )
    except NotVisible:
        raise Http404 from None
    except (ValidationError, PermissionDenied) as exc:
        return _review_failed(request, registration, exc, approve_form=form)
    messages.success(
        request,
        _("Approved: the opportunity now belongs to %(partner)s.")
        % {"partner": registration.submitted_by.full_name},
    )
    return redirect("channel:registration_review", pk=registration.pk)


@login_required
@require_POST
def registration_reject(request, pk):
    registration = _visible_registration(request, pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        context = _review_context(request, registration, reject_form=form)
        return render(request, "channel/registration_review.html", context, status=400)
    try:
        actions.reject_registration(request.user, registration.pk, form.cleaned_data["reason"])
    except NotVisible:
        raise Http404 from None
    except (ValidationError, PermissionDenied) as exc:
        return _review_failed(request, registration, exc, reject_form=form)
    messages.success(request, _("Rejected; the partner sees your reason."))
    return redirect("channel:registration_review", pk=registration.pk)


# The channel dashboard ------------------------------------------------------------------------


@login_required
def dashboard(request):
    """Scorecards of every partner account the user may read: a table and a bar chart."""
    _internal(request)
    scores = scorecards(request.user)
    chart = {
        "labels": [s.account.name for s in scores],
        "datasets": [
            {"label": _("Open pipeline"), "data": [float(s.open_pipeline) for s in scores]},
            {"label": _("Won amount"), "data": [float(s.won_amount) for s in scores]},
        ],
        "leads": [
            {"label": _("Leads received"), "data": [s.leads_received for s in scores]},
            {"label": _("Accepted"), "data": [s.leads_accepted for s in scores]},
            {"label": _("Converted"), "data": [s.leads_converted for s in scores]},
        ],
    }
    pending = (
        registrations_visible_to(request.user, "edit")
        .filter(status=DealRegistration.PENDING)
        .count()
    )
    return render(
        request,
        "channel/dashboard.html",
        {
            "scores": scores,
            "chart": chart,
            "pending_count": pending,
            "registrations_url": reverse("channel:registration_list"),
            "page_title": _("Channel Dashboard"),
        },
    )

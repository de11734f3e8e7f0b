"""Partner pages: enable partner accounts and users, accept from queues, the portal home."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tandem.access.door import can
from tandem.access.models import Profile
from tandem.activities.models import Task
from tandem.core import registry
from tandem.core.actions import remember_view
from tandem.partners import actions
from tandem.partners.models import PartnerProgram
from tandem.sales.models import Lead, Opportunity
from tandem.web.records import fetch


def _fail(request, exc):
    messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))


@login_required
@require_POST
def account_enable(request, pk):
    account = fetch(registry.get("account"), request.user, pk)
    try:
        actions.enable_partner_account(request.user, account)
        messages.success(request, _("%(name)s is now a partner account.") % {"name": account})
    except (ValidationError, PermissionDenied) as exc:
        _fail(request, exc)
    return redirect(account.get_absolute_url())


@login_required
@require_POST
def account_disable(request, pk):
    account = fetch(registry.get("account"), request.user, pk)
    try:
        actions.disable_partner_account(request.user, account)
        messages.success(request, _("%(name)s is no longer a partner account; its partner users cannot log in.") % {"name": account})
    except (ValidationError, PermissionDenied) as exc:
        _fail(request, exc)
    return redirect(account.get_absolute_url())


class PartnerUserForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Email"), required=False)
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=80, required=False)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=80, required=False)
    profile = forms.ModelChoiceField(label=gettext_lazy("Profile"), queryset=Profile.objects.filter(is_external=True))
    level = forms.ChoiceField(label=gettext_lazy("Partner role"))

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        choices = actions.partner_role_choices(account)
        self.fields["level"].choices = choices
        self.fields["level"].initial = choices[-1][0]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(field.widget, forms.Select) else "form-control"


@login_required
def contact_enable_user(request, pk):
    contact = fetch(registry.get("contact"), request.user, pk)
    if not contact.account_id or not contact.account.is_partner:
        messages.error(request, _("Enable the account as a partner first."))
        return redirect(contact.get_absolute_url())
    initial = {
        "email": contact.email,
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "profile": Profile.objects.filter(name="Partner User").first(),
    }
    form = PartnerUserForm(request.POST or None, account=contact.account, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, _password = actions.enable_partner_user(
                request.user, contact, email=data["email"], first_name=data["first_name"],
                last_name=data["last_name"], level=data["level"], profile=data["profile"],
                portal_url=request.build_absolute_uri(reverse("portal_home")),
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errs in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errs)
            else:
                form.add_error(None, exc.messages)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Partner user %(email)s created; the welcome email with the portal link and a temporary password was sent.") % {"email": user.email})
            return redirect(contact.get_absolute_url())
    return render(
        request,
        "partners/enable_user.html",
        {"form": form, "record": contact, "page_title": _("Enable Partner User")},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def contact_disable_user(request, pk):
    contact = fetch(registry.get("contact"), request.user, pk)
    user = getattr(contact, "partner_user", None)
    if user is None:
        raise Http404
    try:
        actions.disable_partner_user(request.user, user)
        messages.success(request, _("Partner user disabled; they can no longer log in."))
    except (ValidationError, PermissionDenied) as exc:
        _fail(request, exc)
    return redirect(contact.get_absolute_url())


@login_required
@require_POST
def lead_accept(request, pk):
    try:
        lead = actions.accept_from_queue(request.user, pk)
    except ValidationError as exc:
        _fail(request, exc)
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = reverse("record_list", args=["leads"])
        return redirect(back)
    remember_view(request.user, registry.get("lead"), lead)
    messages.success(request, _("You accepted %(name)s.") % {"name": lead})
    return redirect(lead.get_absolute_url())


@login_required
def portal_home(request):
    """Where every partner login lands: new leads, queue leads to accept, pipeline, tasks due."""
    user = request.user
    if not user.is_external:
        return redirect("home")
    leads = Lead.objects.visible_to(user, "read").filter(is_converted=False)
    context = {
        "new_leads": leads.filter(owner=user, status="Open - Not Contacted")[:10],
        "queue_leads": leads.filter(owner_queue__isnull=False).select_related("owner_queue")[:10],
        "open_opportunities": Opportunity.objects.visible_to(user, "read").filter(owner=user, is_closed=False).order_by("close_date")[:10],
        "tasks_due": Task.objects.visible_to(user, "read").filter(owner=user, completed_at__isnull=True).order_by("due_date")[:10],
        "program": PartnerProgram.current(),
        "page_title": _("Home"),
    }
    return render(request, "partners/portal_home.html", context)


def partner_panel(request, record):
    """The partner section of an account page: enable/disable, its partner users."""
    program = PartnerProgram.current()
    if not program.enabled or request.user.is_external:
        return None
    users = []
    if record.is_partner:
        from tandem.access.models import User

        users = User.objects.filter(is_external=True, contact__account=record).select_related("role")
    return {
        "template": "partners/account_panel.html",
        "account": record,
        "partner_users": users,
        "can_manage": can(request.user, "edit", record),
    }


def contact_panel(request, record):
    program = PartnerProgram.current()
    if not program.enabled or request.user.is_external or not record.account_id:
        return None
    account = record.account
    if not account.is_partner:
        return None
    return {
        "template": "partners/contact_panel.html",
        "contact": record,
        "partner_user": getattr(record, "partner_user", None),
        "can_manage": can(request.user, "edit", account),
    }

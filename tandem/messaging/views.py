"""The notifications menu and the administrators' Outbox (every email, its status, retry)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tandem.core import registry
from tandem.messaging.models import Notification, OutboundEmail
from tandem.setup.views.common import setup_render


@login_required
def notifications(request):
    items = Notification.objects.filter(user=request.user)[:100]
    return render(
        request, "messaging/notifications.html", {"items": items, "page_title": _("Notifications")}
    )


@login_required
@require_POST
def notification_open(request, pk):
    item = get_object_or_404(Notification, pk=pk, user=request.user)
    if item.read_at is None:
        item.read_at = timezone.now()
        item.save(update_fields=["read_at"])
    if item.url and url_has_allowed_host_and_scheme(item.url, allowed_hosts={request.get_host()}):
        return redirect(item.url)
    return redirect("notifications")


@login_required
@require_POST
def notifications_read_all(request):
    Notification.objects.filter(user=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return redirect("notifications")


def _admin(request):
    if not request.user.is_authenticated or not request.user.has_system_permission(
        "customize_application"
    ):
        raise Http404


def outbox(request):
    _admin(request)
    status = request.GET.get("status", "")
    emails = OutboundEmail.objects.select_related("sent_by")
    if status in dict(OutboundEmail.STATUSES):
        emails = emails.filter(status=status)
    page = Paginator(emails, 50).get_page(request.GET.get("page"))
    failed = OutboundEmail.objects.filter(status=OutboundEmail.FAILED).count()
    return setup_render(
        request,
        "messaging/outbox.html",
        {
            "page": page,
            "status": status,
            "statuses": OutboundEmail.STATUSES,
            "failed": failed,
            "page_title": _("Outbox"),
        },
    )


def outbox_email(request, pk):
    _admin(request)
    email = get_object_or_404(OutboundEmail.objects.select_related("sent_by"), pk=pk)
    record_url = ""
    obj_def = registry.find(email.object_name) if email.object_name else None
    if obj_def is not None and email.record_id:
        record = (
            obj_def.model.objects.visible_to(request.user, "read")
            .filter(pk=email.record_id)
            .first()
        )
        record_url = record.get_absolute_url() if record is not None else ""
    return setup_render(
        request,
        "messaging/outbox_email.html",
        {
            "email": email,
            "page_title": email.subject,
            "record_url": record_url,
            "breadcrumbs": [(_("Outbox"), reverse("outbox"))],
        },
    )


@require_POST
def outbox_retry(request, pk):
    """Try a failed email again now, instead of waiting for the worker's next sweep."""
    _admin(request)
    from tandem.messaging.delivery import claim, deliver

    email = get_object_or_404(OutboundEmail, pk=pk)
    if email.status != OutboundEmail.FAILED:
        messages.info(request, _("This email is not waiting for a retry."))
    elif not claim(email):
        messages.info(request, _("This email is already being retried."))
    elif deliver(email):
        messages.success(request, _("The email was sent."))
    else:
        messages.error(
            request, _("The email failed again: %(error)s") % {"error": email.last_error}
        )
    if request.POST.get("from") == "list":
        return redirect(f"{reverse('outbox')}?status={OutboundEmail.FAILED}")
    return redirect("outbox_email", pk=pk)

"""The notifications menu and the administrators' Outbox."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tandem.messaging.models import Notification, OutboundEmail


@login_required
def notifications(request):
    items = Notification.objects.filter(user=request.user)[:100]
    return render(request, "messaging/notifications.html", {"items": items, "page_title": _("Notifications")})


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
    Notification.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
    return redirect("notifications")


def _admin(request):
    if not request.user.is_authenticated or not request.user.has_system_permission("customize_application"):
        raise Http404


def outbox(request):
    _admin(request)
    status = request.GET.get("status", "")
    emails = OutboundEmail.objects.all()
    if status in dict(OutboundEmail.STATUSES):
        emails = emails.filter(status=status)
    page = Paginator(emails, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "messaging/outbox.html",
        {"page": page, "status": status, "statuses": OutboundEmail.STATUSES, "page_title": _("Outbox")},
    )


def outbox_email(request, pk):
    _admin(request)
    email = get_object_or_404(OutboundEmail, pk=pk)
    if request.method == "POST" and email.status == OutboundEmail.FAILED:
        from tandem.messaging.delivery import deliver

        deliver(email)
        return redirect("outbox_email", pk=pk)
    return render(request, "messaging/outbox_email.html", {"email": email, "page_title": email.subject})

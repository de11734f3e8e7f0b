"""Attendee pages: the people lookup, invite/remove on the event page, accept or decline.

Thin: records come through the door (404 when unseen), changes through
`tandem.calendar_app.attendees`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tandem.access.directory import pickable_users
from tandem.access.door import can
from tandem.activities.models import Event, EventAttendee
from tandem.calendar_app import attendees
from tandem.calendar_app.forms import AttendeesWidget, attendee_label
from tandem.core.actions import NotVisible
from tandem.sales.models import Contact

LOOKUP_LIMIT = 10


@login_required
def attendee_lookup(request):
    """JSON: users the person may pick and contacts they may see, whose name or email match."""
    text = request.GET.get("q", "").strip()[:80]
    if len(text) < 1:
        return JsonResponse({"results": []})
    match = Q(first_name__icontains=text) | Q(last_name__icontains=text) | Q(email__icontains=text)
    users = pickable_users(request.user).filter(match).order_by("last_name", "first_name")
    contacts = (
        Contact.objects.visible_to(request.user, "read")
        .filter(match)
        .select_related("account")
        .order_by("last_name", "first_name", "pk")
    )
    results = [{"id": f"user:{u.pk}", "label": attendee_label(u)} for u in users[:LOOKUP_LIMIT]]
    results += [
        {"id": f"contact:{c.pk}", "label": attendee_label(c)} for c in contacts[:LOOKUP_LIMIT]
    ]
    return JsonResponse({"results": results})


def _event(request, pk) -> Event:
    event = Event.objects.visible_to(request.user, "read").filter(pk=pk).first()
    if event is None:
        raise Http404
    return event


def _run(request, call, success: str):
    try:
        call()
    except NotVisible:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)


@login_required
@require_POST
def attendee_add(request, pk):
    event = _event(request, pk)

    def call():
        users, contacts = attendees.parse_invitees(request.user, request.POST.getlist("attendees"))
        if not users and not contacts:
            raise ValidationError({"attendees": _("Choose someone to invite.")})
        attendees.invite(request.user, event, users, contacts)

    _run(request, call, _("Attendees added."))
    return redirect(event.get_absolute_url())


@login_required
@require_POST
def attendee_remove(request, pk, attendee_id):
    event = _event(request, pk)
    _run(
        request,
        lambda: attendees.remove(request.user, event, attendee_id),
        _("Attendee removed."),
    )
    return redirect(event.get_absolute_url())


@login_required
@require_POST
def respond(request, pk):
    event = _event(request, pk)
    status = request.POST.get("status", "")
    _run(
        request,
        lambda: attendees.respond(request.user, event, status),
        _("You accepted this event.")
        if status == EventAttendee.ACCEPTED
        else _("You declined this event."),
    )
    return redirect(
        request.POST.get("next") if _safe(request.POST.get("next")) else event.get_absolute_url()
    )


def _safe(url) -> bool:
    return bool(url) and url.startswith("/") and not url.startswith("//")


def attendees_panel(request, record):
    """The Attendees section of an event's page: who, their answer, and the viewer's buttons."""
    shown, hidden = attendees.attendees_for(request.user, record)
    mine = next((a for a in shown if a.user_id == request.user.pk), None)
    return {
        "template": "calendar_app/attendees_panel.html",
        "record": record,
        "attendees": shown,
        "hidden": hidden,
        "mine": mine,
        "can_edit": can(request.user, "edit", record),
        "picker": AttendeesWidget().render("attendees", [], {"id": "id_attendees"}),
    }

"""Calendar pages: day/week/month, create from a slot, drag to move, the feed, vCards."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tandem.access.door import can
from tandem.access.models import User
from tandem.activities.models import Event
from tandem.calendar_app import agenda
from tandem.calendar_app.actions import (
    change_event_reminder,
    import_vcards,
    move_event,
    schedule_event,
)
from tandem.calendar_app.forms import EventForm, VCardImportForm
from tandem.calendar_app.ical import feed as build_feed
from tandem.calendar_app.models import FeedToken
from tandem.calendar_app.vcard import contact_to_vcard
from tandem.core.actions import NotVisible
from tandem.sales.models import Contact

HOURS = range(24)


def _day(value: str | None, tz) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value) if value else timezone.now().astimezone(tz).date()
    except ValueError:
        return timezone.now().astimezone(tz).date()


def _subject_user(request):
    """Whose calendar: mine, or a colleague's (the door still filters every record)."""
    raw = request.GET.get("user")
    if not raw or not raw.isdigit() or int(raw) == request.user.pk:
        return request.user
    colleague = User.objects.filter(pk=int(raw), is_active=True).first()
    if colleague is None:
        raise Http404
    return colleague


@login_required
def calendar(request):
    tz = agenda.user_zone(request.user)
    view = request.GET.get("view")
    chosen = view in agenda.VIEWS
    view = view if chosen else "week"
    day = _day(request.GET.get("date"), tz)
    owner = _subject_user(request)
    first, last = agenda.date_range(view, day)
    days = agenda.load(request.user, owner, first, last, tz)
    colleagues = User.objects.filter(is_active=True, is_external=False).order_by(
        "last_name", "first_name"
    )
    if request.user.is_external:
        colleagues = colleagues.none()
    editable = set(
        Event.objects.visible_to(request.user, "edit")
        .filter(pk__in=[e.pk for d in days for e in d.events])
        .values_list("pk", flat=True)
    )
    for d in days:
        for e in d.events:
            e.editable = e.pk in editable
            e.top_hour = e.local_start.hour if e.local_start.date() == d.date else 0
    weeks = [days[i : i + 7] for i in range(0, len(days), 7)] if view == "month" else []
    with timezone.override(tz):
        return render(
            request,
            "calendar_app/calendar.html",
            {
                "page_title": _("Calendar"),
                "view": view,
                "view_chosen": chosen,
                "views": [("day", _("Day")), ("week", _("Week")), ("month", _("Month"))],
                "day": day,
                "today": timezone.now().astimezone(tz).date(),
                "first": first,
                "last": last,
                "days": days,
                "weeks": weeks,
                "hours": HOURS,
                "owner": owner,
                "is_mine": owner.pk == request.user.pk,
                "colleagues": colleagues,
                "prev": agenda.step(view, day, -1),
                "next": agenda.step(view, day, 1),
                "tz": tz,
            },
        )


@login_required
def event_new(request):
    tz = agenda.user_zone(request.user)
    with timezone.override(tz):
        if request.method == "POST":
            form = EventForm(request.POST, user=request.user)
            if form.is_valid():
                users, contacts = form.invitees
                try:
                    event = schedule_event(
                        request.user,
                        form.values(),
                        form.cleaned_data["reminder"],
                        users=users,
                        contacts=contacts,
                    )
                except ValidationError as exc:
                    _errors_to_form(form, exc)
                except NotVisible:
                    raise Http404 from None
                else:
                    day = event.start.astimezone(tz).date().isoformat()
                    target = (
                        reverse("calendar:calendar")
                        + f"?view={request.POST.get('view', 'week')}&date={day}"
                    )
                    if request.htmx:
                        response = HttpResponse(status=204)
                        response["HX-Redirect"] = target
                        return response
                    messages.success(request, _("Event created."))
                    return redirect(target)
        else:
            start = parse_datetime(request.GET.get("start", "")) or timezone.now().astimezone(
                tz
            ).replace(minute=0, second=0, microsecond=0) + datetime.timedelta(hours=1)
            if timezone.is_naive(start):
                start = timezone.make_aware(start, tz)
            start = start.astimezone(tz)
            fmt = "%Y-%m-%dT%H:%M"
            form = EventForm(
                user=request.user,
                initial={
                    "start": start.strftime(fmt),
                    "end": (start + datetime.timedelta(hours=1)).strftime(fmt),
                    "view": request.GET.get("view", "week"),
                },
            )
        for name in form.errors:
            if name in form.fields:
                attrs = form.fields[name].widget.attrs
                attrs["class"] = attrs.get("class", "") + " is-invalid"
                attrs["aria-describedby"] = f"{name}-error"
        template = (
            "calendar_app/event_form_partial.html"
            if request.htmx
            else "calendar_app/event_form.html"
        )
        return render(
            request,
            template,
            {
                "form": form,
                "page_title": _("New Event"),
                "view": request.GET.get("view") or request.POST.get("view", "week"),
            },
        )


def _errors_to_form(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errs in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, exc.messages)


@login_required
@require_POST
def event_move(request, pk):
    """Drag and drop: POST start=<ISO datetime>; JSON answer. 404 if unseen, 403 if read-only."""
    event = Event.objects.visible_to(request.user, "read").filter(pk=pk).first()
    if event is None:
        raise Http404
    tz = agenda.user_zone(request.user)
    start = parse_datetime(request.POST.get("start", ""))
    if start is None:
        return JsonResponse({"error": _("Enter a valid start.")}, status=400)
    if timezone.is_naive(start):
        start = timezone.make_aware(start, tz)
    if not can(request.user, "edit", event):
        return JsonResponse({"error": _("You may not change this event.")}, status=403)
    try:
        move_event(request.user, event, start)
    except NotVisible:
        return JsonResponse({"error": _("You may not change this event.")}, status=403)
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=400)
    return JsonResponse(
        {"id": event.pk, "start": event.start.isoformat(), "end": event.end.isoformat()}
    )


@login_required
@require_POST
def event_reminder(request, pk):
    """Set an existing event's reminder: POST minutes (empty clears it). 404 unseen, 403 read-only."""
    event = Event.objects.visible_to(request.user, "read").filter(pk=pk).first()
    if event is None:
        raise Http404
    raw = request.POST.get("minutes", "").strip()
    if raw and not raw.isdigit():
        return JsonResponse({"error": _("Enter a number of minutes.")}, status=400)
    try:
        change_event_reminder(request.user, event, int(raw) if raw else None)
    except NotVisible:
        return JsonResponse({"error": _("You may not change this event.")}, status=403)
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=400)
    if not request.htmx and request.headers.get("Accept", "").startswith("text/html"):
        messages.success(request, _("Reminder saved."))
        return redirect(event.get_absolute_url())
    return JsonResponse({"id": event.pk, "minutes_before": int(raw) if raw else None})


# The feed ------------------------------------------------------------------


def feed(request, token):
    user = FeedToken.user_for(token)
    if user is None:
        raise Http404
    response = HttpResponse(
        build_feed(user, request.get_host()), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="tandem.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
def settings_page(request):
    """My calendar feed URL (which emails I receive is on the email notifications page)."""
    new_token = request.session.pop("calendar_feed_token", None)
    feed_url = (
        request.build_absolute_uri(reverse("calendar:feed", args=[new_token])) if new_token else ""
    )
    has_feed = FeedToken.objects.filter(user=request.user, revoked_at__isnull=True).exists()
    return render(
        request,
        "calendar_app/settings.html",
        {
            "page_title": _("Calendar Settings"),
            "feed_url": feed_url,
            "has_feed": has_feed,
        },
    )


@login_required
@require_POST
def feed_regenerate(request):
    request.session["calendar_feed_token"] = FeedToken.issue(request.user)
    messages.success(request, _("A new feed URL was made; the old one no longer works."))
    return redirect("calendar:settings")


@login_required
@require_POST
def feed_revoke(request):
    FeedToken.revoke(request.user)
    messages.success(request, _("Your calendar feed URL was revoked."))
    return redirect("calendar:settings")


# vCards --------------------------------------------------------------------


@login_required
def contact_vcard(request, pk):
    contact = (
        Contact.objects.visible_to(request.user, "read")
        .select_related("account")
        .filter(pk=pk)
        .first()
    )
    if contact is None:
        raise Http404
    name = "".join(c for c in str(contact) if c.isalnum() or c in " -_").strip() or "contact"
    response = HttpResponse(contact_to_vcard(contact), content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.vcf"'
    return response


@login_required
def vcard_import(request):
    errors: list[str] = []
    if request.method == "POST":
        form = VCardImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                created = import_vcards(request.user, form.cleaned_data["file"])
            except ValidationError as exc:
                errors = exc.messages
            except NotVisible:
                raise Http404 from None
            else:
                messages.success(request, _("%(n)d contact(s) imported.") % {"n": len(created)})
                return redirect(reverse("record_list", args=["contacts"]))
    else:
        form = VCardImportForm()
    return render(
        request,
        "calendar_app/vcard_import.html",
        {"form": form, "errors": errors, "page_title": _("Import vCards")},
        status=400 if errors else 200,
    )

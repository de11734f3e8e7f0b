"""Schedules on the report page: email a report daily, weekly or monthly to chosen users."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tandem.reports.forms import ScheduleForm
from tandem.reports.models import ReportSchedule
from tandem.reports.views import _internal, _report_or_404


def _editable_report(user, pk):
    report = _report_or_404(user, pk)
    if not report.can_edit(user):
        raise Http404
    return report


def _schedule_or_404(user, pk) -> ReportSchedule:
    schedule = get_object_or_404(ReportSchedule.objects.select_related("report"), pk=pk)
    _editable_report(user, schedule.report_id)
    return schedule


def _page(request, form, report, schedule=None):
    status = 400 if form.is_bound and form.errors else 200
    title = _("Schedule “%(name)s”") % {"name": report.name}
    return render(
        request,
        "reports/schedule_form.html",
        {"form": form, "report": report, "schedule": schedule, "page_title": title},
        status=status,
    )


@login_required
def schedule_new(request, pk):
    _internal(request.user)
    report = _editable_report(request.user, pk)
    form = ScheduleForm(request.POST or None, report=report)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            schedule = form.save(commit=False)
            schedule.created_by = request.user
            schedule.save()
            form.save_m2m()
        messages.success(request, _("Schedule saved."))
        return redirect("reports:run", pk=report.pk)
    if not form.is_bound:
        form.initial["recipients"] = [request.user.pk]
    return _page(request, form, report)


@login_required
def schedule_edit(request, pk):
    _internal(request.user)
    schedule = _schedule_or_404(request.user, pk)
    form = ScheduleForm(request.POST or None, instance=schedule, report=schedule.report)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
        messages.success(request, _("Schedule saved."))
        return redirect("reports:run", pk=schedule.report_id)
    return _page(request, form, schedule.report, schedule)


@login_required
@require_POST
def schedule_delete(request, pk):
    _internal(request.user)
    schedule = _schedule_or_404(request.user, pk)
    report_id = schedule.report_id
    schedule.delete()
    messages.success(request, _("Schedule deleted."))
    return redirect("reports:run", pk=report_id)

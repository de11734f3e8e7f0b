"""Scheduled report emails: when each schedule is next due, and sending the due ones once.

The worker's minute sweep calls send_due_schedules(). Each due schedule is claimed with a
conditional UPDATE (its next_run_at moves forward only if nobody moved it first), so two
workers sweeping at the same moment never send the same run twice. A schedule missed while
the worker was down is sent once, then moves to its next future time.
"""

import calendar
import csv
import datetime
import io
import logging
import zoneinfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tandem.core.models import Company
from tandem.reports import engine
from tandem.reports.exports import _text
from tandem.reports.models import (
    DAILY,
    MONTHLY,
    RUN_AS_RECIPIENT,
    WEEKLY,
    Report,
    ReportSchedule,
)
from tandem.reports.types import get_type

logger = logging.getLogger(__name__)
EMAIL_ROWS = 100  # rows shown in the email body of a tabular report; the CSV has them all


def company_zone() -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(Company.current().time_zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _runs_on(schedule, day: datetime.date) -> bool:
    if schedule.frequency == WEEKLY:
        return day.weekday() == schedule.weekday
    if schedule.frequency == MONTHLY:
        last = calendar.monthrange(day.year, day.month)[1]
        return day.day == min(schedule.month_day, last)  # the 31st means the last day
    return schedule.frequency == DAILY


def next_run_after(schedule, after: datetime.datetime) -> datetime.datetime:
    """The first run time strictly after `after`, at the schedule's hour in the company zone."""
    zone = company_zone()
    day = after.astimezone(zone).date()
    for _i in range(400):
        local = datetime.datetime.combine(day, datetime.time(schedule.hour), tzinfo=zone)
        if _runs_on(schedule, day) and local > after:
            return local.astimezone(datetime.UTC)
        day += datetime.timedelta(days=1)
    raise ValueError("no run time within 400 days")  # unreachable for valid schedules


def send_due_schedules(now: datetime.datetime | None = None) -> int:
    """Send every schedule due at `now` once; returns how many schedules were sent."""
    now = now or timezone.now()
    due = list(
        ReportSchedule.objects.filter(is_active=True, next_run_at__lte=now)
        .select_related("report", "report__owner")
        .order_by("next_run_at", "pk")
    )
    sent = 0
    for schedule in due:
        following = next_run_after(schedule, now)
        claimed = ReportSchedule.objects.filter(
            pk=schedule.pk, is_active=True, next_run_at=schedule.next_run_at
        ).update(next_run_at=following, last_run_at=now)
        if claimed != 1:
            continue  # another worker took it
        try:
            send_schedule(schedule)
            sent += 1
        except Exception:  # one broken report must not stop the others
            logger.exception("Scheduled report %s could not be sent", schedule.pk)
    return sent


def _recipients(schedule):
    return [u for u in schedule.recipients.filter(is_active=True).order_by("pk") if u.email]


def send_schedule(schedule: ReportSchedule) -> int:
    """Email the report to each recipient; returns the number of messages sent."""
    report = schedule.report
    recipients = _recipients(schedule)
    if not recipients:
        return 0
    sent = 0
    if schedule.run_as == RUN_AS_RECIPIENT:
        for user in recipients:
            sent += _send(report, user, [user])
    else:
        sent += _send(report, report.owner, recipients)
    return sent


def _send(report: Report, running_user, to_users) -> int:
    """Run the report as `running_user` and email the result to each of `to_users`."""
    with translation.override(running_user.language or settings.LANGUAGE_CODE):
        content = render_report_email(report, running_user)
    messages = []
    for user in to_users:
        msg = EmailMultiAlternatives(
            content["subject"], content["text"], settings.DEFAULT_FROM_EMAIL, [user.email]
        )
        msg.attach_alternative(content["html"], "text/html")
        if content["csv"] is not None:
            msg.attach(content["filename"], content["csv"], "text/csv")
        messages.append(msg)
    from django.core.mail import get_connection

    return get_connection().send_messages(messages) or 0


def render_report_email(report: Report, user) -> dict:
    """Subject, text and HTML bodies (the summary, or the first rows) and the CSV of all rows."""
    rtype = get_type(report.report_type)
    context = {"report": report, "running_user": user, "errors": [], "missing": []}
    csv_text = None
    if rtype is None or not rtype.may_use(user):
        context["errors"] = [
            _("The report type “%(type)s” no longer exists.") % {"type": report.report_type}
        ]
    else:
        p = engine.prepare(rtype, report.definition)
        result = engine.run(p, user, limit=EMAIL_ROWS)
        context.update(p=p, result=result, missing=p.missing, errors=result["errors"])
        if not result["errors"]:
            csv_text = _csv(p, user)
    context["table"] = _table(context)
    base = "reports/email/scheduled"
    return {
        "subject": _("Report: %(name)s") % {"name": report.name},
        "text": render_to_string(base + ".txt", context),
        "html": render_to_string(base + ".html", context),
        "csv": csv_text,
        "filename": f"{slugify(report.name) or 'report'}.csv",
    }


def _csv(p, user) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.label for c in p.columns])
    for row in engine.iter_rows(p, user):
        writer.writerow([_text(v) for v in row])
    return out.getvalue()


def _fmt(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:,.2f}"
    return _text(v)


def _table(context) -> dict | None:
    """The email's table as header + rows of text, the same for HTML and plain text."""
    result, p = context.get("result"), context.get("p")
    if not result or result.get("errors"):
        return None
    if "summary" in result:
        s = result["summary"]
        head = [
            " / ".join(c.label for c, _k in p.groupings),
            _("Record count"),
            *s["summary_labels"],
        ]
        rows = []
        for g in s["groups"]:
            rows.append([g["labels"][0], g["count"], *map(_fmt, g["values"])])
            for ch in g["children"]:
                rows.append(["    " + ch["labels"][1], ch["count"], *map(_fmt, ch["values"])])
        foot = [_("Grand total"), s["total"]["count"], *map(_fmt, s["total"]["values"])]
        return {"head": head, "rows": rows, "foot": foot}
    if "matrix" in result:
        m = result["matrix"]
        head = ["", *(c["labels"][0] for c in m["columns"]), _("Total")]

        def cell(x):
            return "" if not x else _fmt(x["values"][0] if x["values"] else x["count"])

        rows = [[r["labels"][0], *map(cell, r["cells"]), cell(r)] for r in m["rows"]]
        foot = [_("Total"), *map(cell, m["columns"]), cell(m["total"])]
        return {"head": head, "rows": rows, "foot": foot}
    table = result.get("table") or {}
    foot = None
    if result.get("total"):
        foot = [_("Grand total: %(n)s records") % {"n": result["total"]["count"]}]
    return {
        "head": [c.label for c in p.columns],
        "rows": [[_fmt(v) for v in r["cells"]] for r in table.get("rows", [])],
        "foot": foot,
        "more": table.get("has_next", False),
    }

"""Folders shared with roles and groups; scheduled report emails; charts and run_report."""

import datetime
import threading
import zoneinfo

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from tandem.access.models import Group, GroupMember
from tandem.core.models import Company
from tandem.reports import engine
from tandem.reports.models import Report, ReportFolder, ReportFolderShare, ReportSchedule
from tandem.reports.schedules import next_run_after, send_due_schedules
from tandem.reports.standard import install_standard_reports

UTC = datetime.UTC


@pytest.fixture
def folder_report(data):
    folder = ReportFolder.objects.create(name="Team", owner=data.admin, visibility="shared")
    report = Report.objects.create(
        name="Team pipeline",
        report_type="opportunity",
        owner=data.admin,
        folder=folder,
        definition={"format": "tabular", "columns": ["name", "amount"]},
    )
    return folder, report


def visible(user, report):
    return Report.objects.for_user(user).filter(pk=report.pk).exists()


def test_folder_shared_with_a_role(data, folder_report):
    folder, report = folder_report
    ReportFolderShare.objects.create(folder=folder, kind="role", role=data.vp_role)
    assert visible(data.manager, report)
    assert not visible(data.owner, report)  # below the role: not without "and subordinates"
    assert not visible(data.ceo, report)  # above it: a folder share does not roll up
    assert not visible(data.outsider, report)


def test_folder_shared_with_role_and_subordinates(data, folder_report):
    folder, report = folder_report
    ReportFolderShare.objects.create(folder=folder, kind="role_subs", role=data.vp_role)
    assert visible(data.manager, report) and visible(data.owner, report)
    assert not visible(data.ceo, report) and not visible(data.outsider, report)


def test_folder_shared_with_a_group(data, folder_report):
    folder, report = folder_report
    group = Group.objects.create(name="Analysts")
    GroupMember.objects.create(group=group, kind="user", user=data.outsider)
    ReportFolderShare.objects.create(folder=folder, kind="group", group=group)
    assert visible(data.outsider, report) and not visible(data.teammate, report)
    # Private again: the shares no longer open it.
    ReportFolder.objects.filter(pk=folder.pk).update(visibility="private")
    assert not visible(data.outsider, report)


def test_folder_sharing_page(client, data):
    folder = ReportFolder.objects.create(name="Mine", owner=data.owner)
    report = Report.objects.create(
        name="Shared one",
        report_type="opportunity",
        owner=data.owner,
        folder=folder,
        definition={"format": "tabular", "columns": ["name", "amount"]},
    )
    client.force_login(data.owner)
    url = reverse("reports:folder_edit", args=[folder.pk])
    bad = client.post(url, {"name": "Mine", "visibility": "shared"})
    assert bad.status_code == 400 and "Roles: choose at least one" in bad.content.decode()
    # A rep cannot publish to everyone.
    assert client.post(url, {"name": "Mine", "visibility": "public"}).status_code == 400
    ok = client.post(url, {"name": "Mine", "visibility": "shared", "roles": [data.rep_role.pk]})
    assert ok.status_code == 302
    client.force_login(data.teammate)
    assert client.get(f"/reports/{report.pk}/").status_code == 200
    # The teammate sees the report, but only the rows they may see.
    client.force_login(data.outsider)
    assert client.get(f"/reports/{report.pk}/").status_code == 404
    assert client.get(url).status_code == 404


# -- schedules -------------------------------------------------------------------------------


def make_schedule(report, recipients, **kw):
    s = ReportSchedule(report=report, **kw)
    s.next_run_at = kw.get("next_run_at") or datetime.datetime(2026, 5, 1, tzinfo=UTC)
    s.save()
    s.recipients.set(recipients)
    return s


def test_next_run_in_the_company_time_zone(db):
    Company.objects.update_or_create(
        pk=Company.current().pk, defaults={"time_zone": "Europe/Paris"}
    )
    paris = zoneinfo.ZoneInfo("Europe/Paris")
    after = datetime.datetime(2026, 5, 15, 7, 30, tzinfo=paris)  # a Friday
    daily = ReportSchedule(frequency="daily", hour=8)
    assert next_run_after(daily, after) == datetime.datetime(2026, 5, 15, 8, tzinfo=paris)
    weekly = ReportSchedule(frequency="weekly", weekday=0, hour=8)
    assert next_run_after(weekly, after) == datetime.datetime(2026, 5, 18, 8, tzinfo=paris)
    monthly = ReportSchedule(frequency="monthly", month_day=31, hour=6)
    assert next_run_after(monthly, after) == datetime.datetime(2026, 5, 31, 6, tzinfo=paris)
    june = datetime.datetime(2026, 6, 1, tzinfo=paris)
    assert next_run_after(monthly, june) == datetime.datetime(2026, 6, 30, 6, tzinfo=paris)


def test_due_schedule_is_sent_once_as_the_owner(data):
    reports = {r.standard_key: r for r in install_standard_reports(data.admin)}
    report = reports["opportunity_pipeline"]
    Report.objects.filter(pk=report.pk).update(owner=data.owner)
    report.refresh_from_db()
    s = make_schedule(report, [data.owner, data.manager], frequency="daily", hour=8)
    now = datetime.datetime(2026, 5, 15, 12, tzinfo=UTC)
    assert send_due_schedules(now) == 1
    assert send_due_schedules(now) == 0  # moved forward: not due again today
    assert sorted(m.to[0] for m in mail.outbox) == sorted([data.owner.email, data.manager.email])
    msg = mail.outbox[0]
    assert msg.subject == "Report: Opportunity Pipeline"
    html = msg.alternatives[0][0]
    # Run as the owner: the owner's 300 open, never the teammate's 1,700.
    assert "Grand total" in html and "300" in html and "1,700" not in html and "2,000" not in html
    name, content, mimetype = msg.attachments[0]
    assert name == "opportunity-pipeline.csv" and mimetype == "text/csv"
    assert "O1" in content and "T1" not in content
    s.refresh_from_db()
    assert s.last_run_at == now and s.next_run_at == datetime.datetime(2026, 5, 16, 8, tzinfo=UTC)


def test_schedule_run_as_each_recipient(data):
    report = Report.objects.create(
        name="Open deals",
        report_type="opportunity",
        owner=data.admin,
        visibility="public",
        definition={"format": "tabular", "columns": ["name", "amount"], "sort": "name"},
    )
    make_schedule(report, [data.owner, data.teammate], run_as="recipient")
    assert send_due_schedules(datetime.datetime(2026, 5, 15, tzinfo=UTC)) == 1
    by_to = {m.to[0]: m for m in mail.outbox}
    owner_csv = by_to[data.owner.email].attachments[0][1]
    mate_csv = by_to[data.teammate.email].attachments[0][1]
    assert "O1" in owner_csv and "T1" not in owner_csv
    assert "T1" in mate_csv and "O1" not in mate_csv
    assert "O1" in by_to[data.owner.email].body  # the text part holds the rows too


@pytest.mark.django_db(transaction=True)
def test_two_workers_send_a_due_schedule_once(org):
    report = Report.objects.create(
        name="Race",
        report_type="opportunity",
        owner=org.admin,
        definition={"format": "tabular", "columns": ["name"]},
    )
    make_schedule(report, [org.admin])
    now = datetime.datetime(2026, 5, 15, tzinfo=UTC)
    results, barrier = [], threading.Barrier(2)

    def worker():
        try:
            barrier.wait()
            results.append(send_due_schedules(now))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [0, 1]
    assert len(mail.outbox) == 1


def test_schedule_pages(client, data):
    report = Report.objects.create(
        name="Mine",
        report_type="opportunity",
        owner=data.owner,
        definition={"format": "tabular", "columns": ["name"]},
    )
    client.force_login(data.owner)
    html = client.get(f"/reports/{report.pk}/").content.decode()
    assert 'id="report-schedules"' in html
    url = reverse("reports:schedule_new", args=[report.pk])
    form = {
        "frequency": "weekly",
        "weekday": "2",
        "month_day": "1",
        "hour": "25",
        "run_as": "owner",
        "recipients": [data.owner.pk],
        "is_active": "on",
    }
    bad = client.post(url, form)
    assert bad.status_code == 400 and "Hour: enter a number from 0 to 23." in bad.content.decode()
    # The teammate cannot open a private report: refused as a recipient, by name.
    bad = client.post(url, {**form, "hour": "7", "recipients": [data.teammate.pk]})
    assert bad.status_code == 400 and data.teammate.full_name in bad.content.decode()
    assert client.post(url, {**form, "hour": "7"}).status_code == 302
    s = ReportSchedule.objects.get()
    assert (s.frequency, s.weekday, s.hour, s.next_run_at.weekday()) == ("weekly", 2, 7, 2)
    edit = reverse("reports:schedule_edit", args=[s.pk])
    assert client.post(edit, {**form, "frequency": "daily", "hour": "9"}).status_code == 302
    s.refresh_from_db()
    assert s.frequency == "daily" and s.hour == 9
    client.force_login(data.teammate)
    assert client.get(edit).status_code == 404
    assert client.post(reverse("reports:schedule_delete", args=[s.pk])).status_code == 404
    client.force_login(data.owner)
    assert client.post(reverse("reports:schedule_delete", args=[s.pk])).status_code == 302
    assert not ReportSchedule.objects.exists()


def test_schedule_form_shows_run_as_choices_and_active_as_checkboxes_with_labels(client, data):
    report = Report.objects.create(
        name="Mine", report_type="opportunity", owner=data.owner, definition={"columns": ["name"]}
    )
    client.force_login(data.owner)
    html = client.get(reverse("reports:schedule_new", args=[report.pk])).content.decode()
    run_as = html.split('id="run-as"')[1].split("</fieldset>")[0]
    assert run_as.count('<div class="form-check"><input type="radio"') == 2
    assert "The report owner" in run_as and '<label class="form-check-label"' in run_as
    at = html.index('name="is_active"')
    active = html[html.rindex("<input", 0, at) : html.index(">", at)]
    assert 'type="checkbox"' in active and 'class="form-check-input"' in active


# -- charts and run_report -----------------------------------------------------------------------


def test_run_report_with_dashboard_filters_and_every_chart(data):
    report = Report.objects.create(
        name="By stage",
        report_type="opportunity",
        owner=data.admin,
        definition={
            "format": "summary",
            "groupings": [{"field": "stage"}],
            "summaries": [{"field": "amount", "agg": "sum"}],
            "chart": {"type": "bar"},
        },
    )
    out = engine.run_report(report, data.admin)
    assert out["chart"]["type"] == "bar"
    assert (
        dict(zip(out["chart"]["labels"], out["chart"]["datasets"][0]["data"]))["Prospecting"]
        == 1100
    )
    extra = [{"field": "owner", "op": "equals", "value": str(data.teammate.pk)}]
    out = engine.run_report(report, data.admin, extra_filters=extra)
    assert out["result"]["summary"]["total"]["values"][0] == 2200
    # A rep's dashboard never counts what the rep cannot see, whatever the filters.
    assert (
        engine.run_report(report, data.owner, extra_filters=extra)["result"]["summary"]["total"][
            "count"
        ]
        == 0
    )
    bad = engine.run_report(report, data.admin, [{"field": "amount", "op": "equals", "value": "x"}])
    assert bad["chart"] is None and "Amount" in bad["result"]["errors"][0]
    for kind in ("stacked_bar", "line", "donut", "funnel"):
        report.definition["chart"] = {"type": kind}
        assert engine.run_report(report, data.admin)["chart"]["type"] == kind
    report.definition["chart"] = {"type": "number"}
    assert engine.run_report(report, data.admin)["chart"] == {
        "type": "number",
        "value": 2850.0,
        "label": "Sum: Amount",
    }
    report.definition["chart"] = {"type": "gauge", "target": "4000", "ranges": "1000,3000"}
    chart = engine.run_report(report, data.admin)["chart"]
    assert (chart["value"], chart["target"], chart["ranges"]) == (2850.0, 4000.0, [1000.0, 3000.0])


def test_gauge_settings_errors_name_the_field(client, data):
    client.force_login(data.admin)
    post = {
        "format": "summary",
        "group_0_field": "stage",
        "summary_0_agg": "sum",
        "summary_0_field": "amount",
        "chart": "gauge",
        "chart_target": "lots",
    }
    html = client.post(reverse("reports:preview", args=["opportunity"]), post).content.decode()
    assert (
        "Gauge target: “lots” is not a number."
        in html.replace("&ldquo;", "“").replace("&rdquo;", "”")
        or "Gauge target" in html
    )
    post.update(chart_target="5000", chart_ranges="4000,1000")
    html = client.post(reverse("reports:preview", args=["opportunity"]), post).content.decode()
    assert "Gauge ranges" in html
    post.update(chart_ranges="1000,4000")
    html = client.post(reverse("reports:preview", args=["opportunity"]), post).content.decode()
    assert 'data-report-chart="report-chart-data"' in html and "Gauge: 2,850" in html
    post.update(chart="number")
    html = client.post(reverse("reports:preview", args=["opportunity"]), post).content.decode()
    assert 'id="report-chart-number"' in html


def test_csv_values_are_written_the_same_on_every_database(client, data):
    from tandem.reports.exports import csv_lines

    p = engine.prepare(
        "opportunity_account",
        {
            "format": "tabular",
            "columns": [
                "name",
                "amount",
                "close_date",
                "is_won",
                "probability",
                "account__name",
                "owner__name",
                "created_at",
            ],
            "filters": [{"field": "name", "op": "in", "value": "O3,T1"}],
            "sort": "name",
        },
    )
    text = "".join(csv_lines(p, data.admin, ctx=engine.Context(datetime.date(2026, 5, 15), 4)))
    lines = text.splitlines()
    assert lines[0].startswith("Opportunity name,Amount,Close date,")
    o3, t1 = (line.split(",") for line in lines[1:])
    assert o3[:7] == ["O3", "300.00", "2026-03-31", "true", "", "Acme", data.owner.full_name]
    assert t1[:4] == ["T1", "1000.00", "2026-07-01", "false"]
    assert o3[7][:4] == "2026" and "T" in o3[7]  # an ISO date and time

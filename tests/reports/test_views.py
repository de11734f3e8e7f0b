"""The Reports tab: list, builder, preview, viewer, drill-down, exports and deleted fields."""

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from tandem.core.models import CustomField
from tandem.reports.models import PUBLIC, Report
from tandem.reports.standard import install_standard_reports
from tests import factories as f


@pytest.fixture
def standard(data):
    return {r.standard_key: r for r in install_standard_reports(data.admin)}


def login(client, user):
    client.force_login(user)
    return client


def test_home_lists_public_and_own_reports(client, data, standard):
    mine = Report.objects.create(name="My private", report_type="opportunity", owner=data.owner)
    Report.objects.create(name="Teammate private", report_type="opportunity", owner=data.teammate)
    html = login(client, data.owner).get("/reports/").content.decode()
    assert "Opportunity Pipeline" in html and mine.name in html
    assert "Teammate private" not in html
    assert (
        client.get(f"/reports/{Report.objects.get(name='Teammate private').pk}/").status_code == 404
    )


def test_pipeline_page_shows_only_the_reps_totals(client, data, standard):
    html = (
        login(client, data.owner)
        .get(f"/reports/{standard['opportunity_pipeline'].pk}/")
        .content.decode()
    )
    assert 'id="grand-total"' in html
    assert "300" in html and "2,000" not in html and "2000" not in html
    html = (
        login(client, data.admin)
        .get(f"/reports/{standard['opportunity_pipeline'].pk}/")
        .content.decode()
    )
    assert "2,000" in html or "2000" in html


def test_drill_down_from_a_group_to_its_rows(client, data, standard):
    login(client, data.admin)
    report = standard["opportunity_pipeline"]
    drill = json.dumps([{"field": "stage", "date_group": "", "key": "Prospecting"}])
    response = client.get(f"/reports/{report.pk}/", {"drill": drill})
    html = response.content.decode()
    assert 'id="report-table"' in html
    assert ">O1<" in html and ">T1<" in html and ">O2<" not in html
    # Drilling into a fiscal quarter of Closed Opportunities.
    drill = json.dumps(
        [{"field": "close_date", "date_group": "fiscal_quarter", "key": "2026-04-01"}]
    )
    html = client.get(
        f"/reports/{standard['closed_opportunities'].pk}/", {"drill": drill}
    ).content.decode()
    assert ">O4<" in html and ">T2<" in html and ">O3<" not in html


def test_summary_page_links_groups_to_their_rows(client, data, standard):
    html = (
        login(client, data.admin)
        .get(f"/reports/{standard['closed_opportunities'].pk}/")
        .content.decode()
    )
    assert "drill=" in html and "FY2026 Q1" in html


def test_tabular_sort_and_paging(client, data):
    report = Report.objects.create(
        name="All opps",
        report_type="opportunity",
        owner=data.admin,
        definition={"format": "tabular", "columns": ["name", "amount"], "sort": "-amount"},
    )
    login(client, data.admin)
    html = client.get(f"/reports/{report.pk}/").content.decode()
    assert html.index(">T1<") < html.index(">T3<") < html.index(">T2<")
    html = client.get(f"/reports/{report.pk}/", {"sort": "amount"}).content.decode()
    assert html.index(">O4<") < html.index(">O1<") < html.index(">T1<")


def test_builder_preview_and_save(client, data):
    login(client, data.owner)
    assert client.get("/reports/new/").status_code == 200
    assert client.get("/reports/new/opportunity_account/").status_code == 200
    post = {
        "name": "Energy deals",
        "format": "summary",
        "columns": ["name", "account__industry", "amount"],
        "filter_0_field": "account__industry",
        "filter_0_op": "equals",
        "filter_0_value": "Energy",
        "group_0_field": "stage",
        "summary_0_agg": "sum",
        "summary_0_field": "amount",
        "chart": "bar",
    }
    preview = client.post("/reports/preview/opportunity_account/", post).content.decode()
    assert 'id="report-summary"' in preview and "report-chart-data" in preview
    # The rep's Energy deals are on Acme: O1 (100), O3 (300), O4 (50); the teammate's Initech is not visible.
    assert "450" in preview
    response = client.post("/reports/new/opportunity_account/", {**post, "save": "1"})
    report = Report.objects.get(name="Energy deals")
    assert response.status_code == 302 and response["Location"] == f"/reports/{report.pk}/"
    assert report.owner == data.owner and report.definition["groupings"] == [
        {"field": "stage", "date_group": ""}
    ]


def test_wrong_typed_filter_names_the_field(client, data):
    login(client, data.owner)
    post = {
        "name": "Bad",
        "format": "tabular",
        "columns": ["name"],
        "filter_0_field": "amount",
        "filter_0_op": "greater_than",
        "filter_0_value": "lots",
    }
    preview = client.post("/reports/preview/opportunity/", post).content.decode()
    assert "report-error" in preview and "Amount" in preview and "lots" in preview
    response = client.post("/reports/new/opportunity/", {**post, "save": "1"})
    assert response.status_code == 200 and not Report.objects.filter(name="Bad").exists()
    assert "Amount" in response.content.decode()
    bad_date = {
        **post,
        "filter_0_field": "close_date",
        "filter_0_op": "equals",
        "filter_0_value": "NEXT_DECADE",
    }
    assert "Close date" in client.post("/reports/preview/opportunity/", bad_date).content.decode()


def test_saved_report_with_deleted_custom_field_opens_and_names_the_column(client, data):
    region = CustomField.objects.create(
        object_name="opportunity", name="region", label="Region", field_type="text"
    )
    report = Report.objects.create(
        name="By region",
        report_type="opportunity",
        owner=data.admin,
        definition={"format": "tabular", "columns": ["name", "custom.region", "amount"]},
    )
    login(client, data.admin)
    assert "missing-field" not in client.get(f"/reports/{report.pk}/").content.decode()
    region.delete()
    response = client.get(f"/reports/{report.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "missing-field" in html and "custom.region" in html
    assert ">O1<" in html  # the rest of the report still runs
    assert client.get(f"/reports/{report.pk}/edit/").status_code == 200


def test_custom_field_columns_and_sums(client, data):
    CustomField.objects.create(
        object_name="opportunity", name="score", label="Score", field_type="number"
    )
    type(data.o1).objects.unrestricted().filter(pk=data.o1.pk).update(custom={"score": 7})
    type(data.o2).objects.unrestricted().filter(pk=data.o2.pk).update(custom={"score": 5})
    from tandem.reports.engine import prepare, summary

    p = prepare(
        "opportunity", {"format": "summary", "summaries": [{"field": "custom.score", "agg": "sum"}]}
    )
    assert summary(p, data.owner)["total"]["values"] == [12]


def test_csv_export_streams_only_visible_rows(client, data, standard):
    login(client, data.owner)
    report = standard["stuck_opportunities"]
    response = client.get(f"/reports/{report.pk}/export.csv")
    assert response.streaming
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(body)))
    assert table[0][:3] == ["Opportunity name", "Account: Account name", "Amount"]
    assert [r[0] for r in table[1:]] == ["O2"]
    assert table[1][1] == "Globex" and table[1][2] == "200.00"


def test_xlsx_export(client, data):
    report = Report.objects.create(
        name="Opps",
        report_type="opportunity_account",
        owner=data.manager,
        visibility=PUBLIC,
        definition={
            "format": "tabular",
            "columns": ["name", "amount", "close_date", "owner__name"],
            "sort": "name",
        },
    )
    login(client, data.owner)
    response = client.get(f"/reports/{report.pk}/export.xlsx")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    values = list(wb.active.values)
    assert values[0] == ("Opportunity name", "Amount", "Close date", "Owner: Full name")
    assert [v[0] for v in values[1:]] == ["O1", "O2", "O3", "O4"]  # the rep's own only
    assert values[1][1] == 100 and values[1][3] == data.owner.full_name


def test_csv_neutralises_formulas(client, data):
    f.opportunity(data.owner, name='=HYPERLINK("x")')
    report = Report.objects.create(
        name="Names",
        report_type="opportunity",
        owner=data.owner,
        definition={"columns": ["name"], "sort": "name"},
    )
    login(client, data.owner)
    body = b"".join(client.get(f"/reports/{report.pk}/export.csv").streaming_content).decode(
        "utf-8-sig"
    )
    assert "'=HYPERLINK" in body


def test_partner_users_have_no_reports_tab(client, data, standard):
    partner = f.user(external=True)
    assert login(client, partner).get("/reports/").status_code == 404


def test_only_administrators_publish_reports(client, data, standard):
    login(client, data.owner)
    post = {
        "name": "Mine",
        "format": "tabular",
        "columns": ["name"],
        "visibility": "public",
        "save": "1",
    }
    post["folder"] = str(
        standard["opportunity_pipeline"].folder_id
    )  # the public Standard Reports folder
    client.post("/reports/new/opportunity/", post)
    report = Report.objects.get(name="Mine")
    assert report.visibility == "private" and report.folder is None
    assert "Mine" not in login(client, data.teammate).get("/reports/").content.decode()


def test_customizing_a_standard_report_saves_a_copy(client, data, standard):
    pipeline = standard["opportunity_pipeline"]
    login(client, data.owner)
    assert client.get(f"/reports/{pipeline.pk}/edit/").status_code == 200
    post = {
        "name": "My pipeline",
        "format": "summary",
        "columns": ["name"],
        "group_0_field": "stage",
        "save": "1",
    }
    client.post(f"/reports/{pipeline.pk}/edit/", post)
    pipeline.refresh_from_db()
    assert pipeline.name == "Opportunity Pipeline"
    copy = Report.objects.get(name="My pipeline")
    assert copy.owner == data.owner and copy.standard_key == ""


@pytest.mark.parametrize("persona", ["admin", "owner", "manager", "outsider"])
def test_every_standard_report_opens_for_every_persona(client, data, standard, persona):
    login(client, getattr(data, persona))
    for report in standard.values():
        response = client.get(f"/reports/{report.pk}/")
        assert response.status_code == 200, report.name
        assert "report-error" not in response.content.decode(), report.name
        assert client.get(f"/reports/{report.pk}/export.csv").status_code == 200


def test_lead_source_reads_converted_as_a_count_and_the_rate_as_a_percent(client, data, standard):
    html = login(client, data.admin).get(f"/reports/{standard['lead_source'].pk}/").content.decode()
    # Web: three leads, two converted.
    web = html.split(">Web</a>")[1].split("</tr>")[0]
    assert (
        '<td class="text-end">3</td><td class="text-end">2</td><td class="text-end">66.7%</td>'
        in web
    )
    total = html.split('id="grand-total"')[1].split("</tr>")[0]
    assert (
        '<td class="text-end">5</td><td class="text-end">2</td><td class="text-end">40%</td>'
        in total
    )


def test_a_chart_whose_every_figure_is_zero_says_so_instead_of_drawing_bare_axes(client, data):
    report = Report.objects.create(
        name="Nothing converted",
        report_type="lead",
        owner=data.admin,
        definition={
            "format": "summary",
            "columns": ["last_name"],
            "filters": [{"field": "is_converted", "op": "equals", "value": "false"}],
            "groupings": [{"field": "lead_source"}],
            "summaries": [{"field": "is_converted", "agg": "true_count"}],
            "chart": {"type": "bar"},
        },
    )
    html = login(client, data.admin).get(f"/reports/{report.pk}/").content.decode()
    assert "No chart: every figure is 0 for" in html and "Phone" in html
    assert "<canvas" not in html


def test_tabular_amounts_are_grouped_and_right_aligned(client, data):
    report = Report.objects.create(
        name="Big deals",
        report_type="opportunity",
        owner=data.admin,
        definition={"format": "tabular", "columns": ["name", "amount"], "sort": "-amount"},
    )
    html = login(client, data.admin).get(f"/reports/{report.pk}/").content.decode()
    assert '<td class="text-end">1,000.00</td>' in html

"""The forecasts page as each persona sees it: rows, roll-ups, expanding, drill-down, the door."""

import datetime
import re

from django.urls import reverse

from tandem.core.models import Company
from tests import factories as f
from tests.forecasts.conftest import Q1, deal

INDEX = reverse("forecasts:index")
ROWS = reverse("forecasts:rows")
DRILL = reverse("forecasts:opportunities")


def page(client, user, **params):
    client.force_login(user)
    return client.get(INDEX, {"period": Q1.key, **params})


def row(html: str, user) -> str:
    m = re.search(rf'<tr id="forecast-row-{user.pk}".*?</tr>', html, re.DOTALL)
    assert m, f"no row for {user}"
    return m.group(0)


def amounts(row_html: str) -> list[str]:
    return re.findall(r'class="forecast-amount[^"]*"[^>]*>([^<]+)</a>', row_html)


def rows_shown(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr id="forecast-row-(\d+)"', html)]


def test_manager_sees_team_total_then_each_rep(client, team):
    html = page(client, team.manager).content.decode()
    assert rows_shown(html) == [team.manager.pk, team.owner.pk, team.teammate.pk]
    assert amounts(row(html, team.manager)) == ["180.00", "405.00", "775.00", "1,005.00"]
    assert amounts(row(html, team.owner)) == ["100.00", "300.00", "600.00", "900.00"]
    assert amounts(row(html, team.teammate)) == ["50.00", "75.00", "75.00", "35.00"]
    assert "FY2026 Q1" in html
    assert "the role hierarchy grants them the records of everyone below" in html
    assert "Commit = Closed + Commit" in html


def test_rep_sees_only_their_own_row(client, team):
    html = page(client, team.owner).content.decode()
    assert rows_shown(html) == [team.owner.pk]
    assert "Tom Teammate" not in html
    assert "forecast-adjust" not in html  # a rep adjusts nobody, not even themselves


def test_rep_cannot_open_a_peers_forecast_or_drilldown(client, team):
    client.force_login(team.owner)
    assert client.get(INDEX, {"user": team.teammate.pk}).status_code == 404
    for figure in ("closed", "commit", "best_case", "pipeline"):
        params = {"period": Q1.key, "user": team.teammate.pk, "figure": figure}
        assert client.get(DRILL, params).status_code == 404
    assert client.get(ROWS, {"period": Q1.key, "user": team.manager.pk}).status_code == 404


def test_outsider_in_another_branch_gets_404(client, team):
    client.force_login(team.outsider)
    assert client.get(INDEX, {"user": team.manager.pk}).status_code == 404
    params = {"period": Q1.key, "user": team.owner.pk, "figure": "closed"}
    assert client.get(DRILL, params).status_code == 404


def test_partner_users_have_no_forecasts_page(client, team):
    partner = f.user("partner@example.com", profile_name="Partner User", external=True)
    client.force_login(partner)
    assert client.get(INDEX).status_code == 404


def test_expanding_the_vp_row_shows_the_reps(client, team):
    html = page(client, team.ceo).content.decode()
    assert rows_shown(html) == [team.ceo.pk, team.outsider.pk, team.manager.pk]
    assert amounts(row(html, team.ceo)) == ["1,179.00", "1,404.00", "1,774.00", "1,006.00"]
    assert 'aria-expanded="false"' in row(html, team.manager)
    part = client.get(ROWS, {"period": Q1.key, "user": team.manager.pk, "depth": 1})
    assert part.status_code == 200
    html = part.content.decode()
    assert rows_shown(html) == [team.owner.pk, team.teammate.pk]
    assert f'data-parent="{team.manager.pk}"' in html
    assert amounts(row(html, team.owner)) == ["100.00", "300.00", "600.00", "900.00"]


def test_drilldown_lists_the_deals_behind_an_amount(client, team):
    client.force_login(team.manager)
    response = client.get(DRILL, {"period": Q1.key, "user": team.owner.pk, "figure": "commit"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Rep Closed 100" in html and "Rep Commit 200" in html
    assert "Rep Best Case 300" not in html and "Rep Commit 5000" not in html
    assert "Acme" in html
    assert "2 opportunities" in html and "USD 300.00" in html


def test_drilldown_of_the_team_includes_everyone_below(client, team):
    client.force_login(team.manager)
    response = client.get(DRILL, {"period": Q1.key, "user": team.manager.pk, "figure": "closed"})
    html = response.content.decode()
    for name in ("Rep Closed 100", "Teammate Closed 50", "Manager Closed 30"):
        assert name in html
    assert "Outsider" not in html
    assert "3 opportunities" in html


def test_drilldown_pages(client, team):
    for i in range(52):
        deal(team.teammate, "Pipeline", 1, name=f"Bulk {i:02d}", close=datetime.date(2026, 3, 1))
    client.force_login(team.teammate)
    params = {"period": Q1.key, "user": team.teammate.pk, "figure": "pipeline"}
    first = client.get(DRILL, params).content.decode()
    assert len(re.findall(r"<td><a href=", first)) == 50 and "Next</a>" in first
    assert "54 opportunities" in first
    second = client.get(DRILL, {**params, "page": 2}).content.decode()
    assert "Previous" in second and "Next</a>" not in second
    assert len(re.findall(r"<td><a href=", second)) == 4


def test_month_on_the_current_quarter_opens_the_current_month(client, team, monkeypatch):
    from tandem.forecasts import periods

    monkeypatch.setattr(periods, "today", lambda: datetime.date(2026, 2, 20))
    html = page(client, team.manager, period="FY2026-Q1").content.decode()
    assert f"period=FY2026-M02&amp;user={team.manager.pk}" in html  # the Month toggle


def test_a_bad_period_says_so_and_shows_the_current_quarter(client, team):
    client.force_login(team.owner)
    response = client.get(INDEX, {"period": "FY2026-Q9"}, follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Period: “FY2026-Q9” is not a fiscal period" in html


def test_month_view_and_navigation_links(client, team):
    html = page(client, team.manager, period="FY2026-M02").content.decode()
    assert "February 2026" in html and "FY2026, month 2" in html
    assert "period=FY2026-M01" in html and "period=FY2026-M03" in html
    assert "period=FY2026-Q1" in html  # the Quarter toggle
    assert amounts(row(html, team.manager)) == ["80.00", "305.00", "675.00", "605.00"]


def test_february_fiscal_year(client, team):
    company = Company.current()
    company.fiscal_year_start_month = 2
    company.save()
    deal(team.owner, "Closed", 1, close=datetime.date(2026, 1, 31), name="Last of FY2025")
    deal(team.owner, "Closed", 2, close=datetime.date(2026, 2, 1), name="First of FY2026")
    deal(team.owner, "Closed", 4, close=datetime.date(2026, 4, 30), name="End of Q1")
    deal(team.owner, "Closed", 8, close=datetime.date(2026, 5, 1), name="Start of Q2")
    html = page(client, team.owner, period="FY2026-Q1").content.decode()
    assert "February 2026 – April 2026" in html
    # Q1 = Feb-Apr 2026: the fixture's February deals, the 2nd and the 4th; not 1 nor 8.
    # Closed: 2 + 4 = 6 (the fixture's Closed 100 is on 1 January, FY2025 Q4).
    assert amounts(row(html, team.owner))[0] == "6.00"
    assert "period=FY2025-Q4" in html and "period=FY2026-Q2" in html
    q4 = page(client, team.owner, period="FY2025-Q4").content.decode()
    assert "November 2025 – January 2026" in q4
    assert amounts(row(q4, team.owner))[0] == "101.00"


def test_query_count_does_not_grow_with_people_or_deals(client, team):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(team.manager)
    client.get(INDEX, {"period": Q1.key})  # warm up: sessions, lazy snapshots

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(INDEX, {"period": Q1.key}).status_code == 200
        return len(ctx)

    before = count()
    for i in range(6):
        rep = f.user(role=team.rep_role)
        for category in ("Closed", "Commit", "Pipeline"):
            deal(rep, category, 10 + i)
    assert count() == before
    assert before <= 20

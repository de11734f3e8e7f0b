"""Quotas: who sets them, bad input, attainment, the manager's sum when they have none."""

import re
from decimal import Decimal

from django.urls import reverse

from tandem.forecasts.models import QUARTER, Quota
from tests.forecasts.conftest import Q1
from tests.forecasts.test_pages import page, row

QUOTAS = reverse("forecasts:quotas")


def cell(row_html, name):
    m = re.search(rf'<td class="[^"]*forecast-{name}">(.*?)</td>', row_html, re.DOTALL)
    return re.sub(r"<[^>]+>|\s+", " ", m.group(1)).strip()


def test_manager_sets_quotas_for_the_reps_and_sees_attainment(client, team):
    client.force_login(team.manager)
    form = client.get(QUOTAS, {"period": Q1.key}).content.decode()
    assert f'name="quota_{team.owner.pk}"' in form and f'name="quota_{team.teammate.pk}"' in form
    assert f'name="quota_{team.manager.pk}"' not in form  # not their own
    assert f'name="quota_{team.outsider.pk}"' not in form
    response = client.post(
        QUOTAS,
        {"period": Q1.key, f"quota_{team.owner.pk}": "400", f"quota_{team.teammate.pk}": "1,000"},
    )
    assert response.status_code == 302
    assert (
        Quota.objects.get(user=team.owner, period_kind=QUARTER, period_start=Q1.start).amount == 400
    )
    html = page(client, team.manager).content.decode()
    assert cell(row(html, team.owner), "quota") == "400.00"
    assert cell(row(html, team.owner), "attainment") == "25.0 %"  # 100 / 400
    assert cell(row(html, team.teammate), "attainment") == "5.0 %"  # 50 / 1000
    # No quota of their own: the sum of the reps' (1,400), closed 180 -> 12.9 %.
    assert cell(row(html, team.manager), "quota") == "Σ 1,400.00"
    assert cell(row(html, team.manager), "attainment") == "12.9 %"


def test_the_managers_own_quota_wins_over_the_sum(client, team):
    client.force_login(team.ceo)
    client.post(
        QUOTAS,
        {"period": Q1.key, f"quota_{team.manager.pk}": "360", f"quota_{team.owner.pk}": "50"},
    )
    html = page(client, team.manager).content.decode()
    assert cell(row(html, team.manager), "quota") == "360.00"
    assert cell(row(html, team.manager), "attainment") == "50.0 %"
    assert cell(row(html, team.owner), "attainment") == "200.0 %"


def test_bad_quota_saves_nothing_and_names_the_person(client, team):
    client.force_login(team.manager)
    response = client.post(
        QUOTAS,
        {"period": Q1.key, f"quota_{team.owner.pk}": "400", f"quota_{team.teammate.pk}": "-3"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Quota for Tom Teammate: cannot be negative." in html
    assert f'id="id_quota_{team.teammate.pk}-error"' in html
    assert not Quota.objects.exists()
    response = client.post(QUOTAS, {"period": Q1.key, f"quota_{team.owner.pk}": "a lot"})
    assert "Quota for Rita Rep: “a lot” is not a number." in response.content.decode()


def test_blank_removes_a_quota(client, team):
    Quota.objects.create(
        user=team.owner, period_kind=QUARTER, period_start=Q1.start, amount=Decimal(5)
    )
    client.force_login(team.manager)
    client.post(QUOTAS, {"period": Q1.key, f"quota_{team.owner.pk}": ""})
    assert not Quota.objects.exists()


def test_rep_sets_no_quotas(client, team):
    client.force_login(team.owner)
    html = client.get(QUOTAS, {"period": Q1.key}).content.decode()
    assert "quota_" not in html
    assert "nobody is below you" in html
    client.post(QUOTAS, {"period": Q1.key, f"quota_{team.teammate.pk}": "1"})
    assert not Quota.objects.exists()  # fields for people not listed are ignored
    assert 'href="/forecasts/quotas/' not in page(client, team.owner).content.decode()
    assert 'href="/forecasts/quotas/' in page(client, team.manager).content.decode()


def test_admin_sets_anyones_quota_per_month(client, team):
    client.force_login(team.admin)
    response = client.post(QUOTAS, {"period": "FY2026-M02", f"quota_{team.outsider.pk}": "10"})
    assert response.status_code == 302
    quota = Quota.objects.get()
    assert (quota.period_kind, quota.period_start.isoformat()) == ("month", "2026-02-01")

"""Accepting queue leads: first come first served, claim limits, clear refusals."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection
from django.urls import reverse

from tandem.partners.actions import AcceptRefused, accept_from_queue
from tandem.partners.models import ClaimLimit
from tandem.sales.models import Lead
from tests import factories as f
from tests.partners.conftest import fresh


def queue_lead(channel, **kw):
    return f.lead(owner=None, owner_queue=channel.queue, **kw)


def test_queue_lead_shows_accept_and_the_first_partner_wins(client, channel):
    lead = queue_lead(channel, last_name="Shared")
    client.force_login(channel.north)
    page = client.get(reverse("record_list", args=["leads"])).content.decode()
    assert "Shared" in page and "Accept" in page
    response = client.post(reverse("lead_accept", args=[lead.pk]))
    assert response.status_code == 302 and response["Location"] == lead.get_absolute_url()
    lead.refresh_from_db()
    assert lead.owner == channel.north and lead.owner_queue is None
    assert client.get("/portal/").context["recent_items"][0]["label"] == str(lead)
    blue = type(client)()
    blue.force_login(channel.blue)
    refused = blue.post(reverse("lead_accept", args=[lead.pk]), follow=True)
    assert "already accepted by another partner" in refused.content.decode()
    assert "Shared" not in blue.get(reverse("record_list", args=["leads"])).content.decode()


def test_accept_refusals_change_nothing(channel):
    outsider_queue_lead = f.lead(channel.manager)
    with pytest.raises(AcceptRefused, match="not waiting in a queue"):
        accept_from_queue(fresh(channel.north), outsider_queue_lead.pk)
    with pytest.raises(AcceptRefused, match="no longer exists"):
        accept_from_queue(fresh(channel.north), 999999)
    assert Lead.objects.unrestricted().get(pk=outsider_queue_lead.pk).owner == channel.manager


def test_open_lead_limit_names_the_limit_and_when_it_frees(channel):
    ClaimLimit.objects.create(partner_account=channel.north_account, max_open_leads=1)
    first, second = queue_lead(channel), queue_lead(channel)
    accept_from_queue(fresh(channel.north), first.pk)
    with pytest.raises(AcceptRefused, match="open leads held at once.*converted or closed"):
        accept_from_queue(fresh(channel.north), second.pk)
    assert Lead.objects.unrestricted().get(pk=second.pk).owner_queue == channel.queue
    Lead.objects.unrestricted().filter(pk=first.pk).update(status="Closed - Not Converted")
    accept_from_queue(fresh(channel.north), second.pk)


def test_daily_limit_per_user(channel):
    ClaimLimit.objects.create(partner_account=channel.north_account, user=channel.north, max_accepts_per_day=2)
    leads = [queue_lead(channel) for _ in range(3)]
    accept_from_queue(fresh(channel.north), leads[0].pk)
    accept_from_queue(fresh(channel.north), leads[1].pk)
    with pytest.raises(ValidationError, match="per day. It frees up at"):
        accept_from_queue(fresh(channel.north), leads[2].pk)
    accept_from_queue(fresh(channel.blue), leads[2].pk)


def _race(users_and_leads):
    """Run accept_from_queue for each (user, lead_id) at the same instant in its own thread."""
    barrier = threading.Barrier(len(users_and_leads))
    results = []

    def worker(user, lead_id):
        close_old_connections()
        try:
            barrier.wait()
            accept_from_queue(type(user).objects.get(pk=user.pk), lead_id)
            results.append("won")
        except ValidationError as exc:
            results.append(" ".join(exc.messages))
        except Exception as exc:  # a database error would be a failure of the action
            results.append(f"error: {exc!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=pair) for pair in users_and_leads]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@pytest.mark.django_db(transaction=True)
def test_many_partners_one_lead_exactly_one_wins(channel):
    partners = [channel.north, channel.blue]
    from tandem.access.models import GroupMember

    extra = []
    for i in range(4):
        account, _user = channel.partners[i % 2]
        contact = f.contact(channel.manager, account, last_name=f"Extra{i}")
        from tandem.partners.actions import enable_partner_user

        user, _ = enable_partner_user(channel.manager, contact, email=f"extra{i}@p.example", first_name="E", last_name=f"Extra{i}")
        GroupMember.objects.create(group=channel.queue, kind="user", user=user)
        extra.append(user)
    lead = queue_lead(channel)
    results = _race([(u, lead.pk) for u in partners + extra])
    assert results.count("won") == 1, results
    assert all("already accepted" in r for r in results if r != "won"), results
    winner = Lead.objects.unrestricted().get(pk=lead.pk).owner
    assert winner in partners + extra


@pytest.mark.django_db(transaction=True)
def test_one_partner_many_leads_never_exceeds_the_limit(channel):
    ClaimLimit.objects.create(partner_account=channel.north_account, max_open_leads=3)
    leads = [queue_lead(channel) for _ in range(8)]
    results = _race([(channel.north, lead.pk) for lead in leads])
    assert results.count("won") == 3, results
    assert all("open leads held at once" in r for r in results if r != "won"), results
    assert Lead.objects.unrestricted().filter(owner=channel.north).count() == 3

"""Reviewing a registration at the same instant: exactly one decision wins, on both databases."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection

from tandem.channel.actions import approve_registration, register_deal, reject_registration
from tandem.channel.models import DealRegistration
from tandem.sales.models import Opportunity
from tests.channel.test_registration import deal
from tests.partners.conftest import fresh


def _race(calls):
    barrier = threading.Barrier(len(calls))
    results = []

    def worker(call):
        close_old_connections()
        try:
            barrier.wait()
            call()
            results.append("won")
        except ValidationError as exc:
            results.append(" ".join(exc.messages))
        except Exception as exc:  # noqa: BLE001 (a database error is a failure of the action)
            results.append(f"error: {exc!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_reviews_exactly_one_decision(channel):
    registration = register_deal(fresh(channel.north), deal())
    reviewers = [channel.manager, channel.org.admin]
    calls = []
    for reviewer in reviewers:
        calls.append(
            lambda r=reviewer: approve_registration(fresh(r), registration.pk, protection_days=30)
        )
        calls.append(lambda r=reviewer: reject_registration(fresh(r), registration.pk, "Too late"))
    results = _race(calls)
    assert results.count("won") == 1, results
    assert all("already reviewed" in r for r in results if r != "won"), results
    registration.refresh_from_db()
    assert registration.status in (DealRegistration.APPROVED, DealRegistration.REJECTED)
    expected = 1 if registration.status == DealRegistration.APPROVED else 0
    assert Opportunity.objects.unrestricted().count() == expected

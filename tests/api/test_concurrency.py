"""Two clients PATCH different fields of one record at the same moment: neither change is lost."""

import threading
import time

import pytest
from django.db import connection, connections

from tandem.api import records as api_records
from tandem.sales.models import Lead
from tests import factories as f
from tests.api.conftest import API, client_for


def _in_memory_sqlite() -> bool:
    name = str(connection.settings_dict.get("TEST", {}).get("NAME") or "")
    return connection.vendor == "sqlite" and (not name or "memory" in name)


@pytest.mark.django_db(transaction=True)
def test_concurrent_patches_of_different_fields_both_stick(org, monkeypatch):
    if _in_memory_sqlite():
        pytest.skip("threads need a file or server database to share (TANDEM_TEST_DB_FILE=1)")
    lead = f.lead(org.owner, status="Open - Not Contacted", rating="")
    url = f"{API}leads/{lead.pk}/"
    first, second = client_for(org.owner), client_for(org.owner)
    real_update = api_records.actions.update_record
    first_has_read = threading.Event()

    def slow_update(user, record, values, custom=None):
        # The first writer pauses after reading the row, while the second one tries to read it.
        if "status" in values:
            first_has_read.set()
            time.sleep(0.7)
        return real_update(user, record, values, custom)

    monkeypatch.setattr(api_records.actions, "update_record", slow_update)
    results = {}

    def patch(name, client, payload):
        try:
            results[name] = client.patch(url, payload, format="json").status_code
        finally:
            connections.close_all()

    a = threading.Thread(target=patch, args=("a", first, {"status": "Working - Contacted"}))
    b = threading.Thread(target=patch, args=("b", second, {"rating": "Hot"}))
    a.start()
    assert first_has_read.wait(10)
    b.start()
    a.join(20)
    b.join(20)
    assert results == {"a": 200, "b": 200}
    lead = Lead.objects.unrestricted().get(pk=lead.pk)
    assert (lead.status, lead.rating) == ("Working - Contacted", "Hot")

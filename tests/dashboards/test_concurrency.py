"""Two editors adding the 20th component at the same instant: exactly one gets in, on both databases."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection

from tandem.access.models import User
from tandem.dashboards import actions
from tandem.dashboards.models import MAX_COMPONENTS, DashboardComponent
from tests.dashboards.conftest import make_dashboard


@pytest.mark.django_db(transaction=True)
def test_concurrent_adds_never_pass_twenty(data):
    board = make_dashboard(
        data.admin, *[{"report": data.pipeline, "kind": "metric"}] * (MAX_COMPONENTS - 1)
    )
    barrier = threading.Barrier(3)
    results = []

    def add():
        close_old_connections()
        try:
            barrier.wait()
            editor = User.objects.get(pk=data.admin.pk)
            component = DashboardComponent(
                dashboard=board, report=data.pipeline, kind="metric", width=3, height=1
            )
            actions.save_component(editor, component)
            results.append("added")
        except ValidationError as exc:
            results.append(" ".join(exc.messages))
        except Exception as exc:  # noqa: BLE001 (a database error is a failure of the action)
            results.append(f"error: {exc!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=add) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert results.count("added") == 1, results
    assert all("at most 20 components" in r for r in results if r != "added"), results
    assert board.components.count() == MAX_COMPONENTS
    assert sorted(board.components.values_list("position", flat=True)) == list(
        range(MAX_COMPONENTS)
    )

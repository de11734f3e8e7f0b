"""Mass change of owner: through the door, skipped records counted, batches atomic, progress."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tandem.assignment import actions
from tandem.assignment.models import MassOwnerJob
from tandem.assignment.tasks import run_mass_owner_job
from tandem.core.models import FieldHistory
from tandem.messaging.models import Notification
from tandem.sales.models import Lead
from tests import factories as f


def owners(ids):
    return dict(Lead.objects.unrestricted().filter(pk__in=ids).values_list("pk", "owner_id"))


@pytest.fixture
def leads(team):
    """Leads of the rep, the teammate (both below the manager), the outsider and the CEO."""
    org = team.org
    return {
        "owner": [f.lead(org.owner).pk for _ in range(3)],
        "teammate": [f.lead(org.teammate).pk for _ in range(2)],
        "outsider": [f.lead(org.outsider).pk for _ in range(2)],
        "ceo": [f.lead(org.ceo).pk],
    }


def test_only_records_the_actor_may_transfer_change(team, leads):
    org = team.org
    ids = [pk for group in leads.values() for pk in group]
    result = actions.mass_change_owner(org.manager, "lead", ids, new_owner=team.reps[0])
    assert (result.total, result.changed, result.skipped, result.errors) == (8, 5, 3, [])
    after = owners(ids)
    assert all(after[pk] == team.reps[0].pk for pk in leads["owner"] + leads["teammate"])
    assert all(after[pk] == org.outsider.pk for pk in leads["outsider"])
    assert after[leads["ceo"][0]] == org.ceo.pk
    assert FieldHistory.objects.filter(field_name="owner", changed_by=org.manager).count() == 5
    assert Notification.objects.filter(user=team.reps[0]).count() == 5


def test_a_rep_transfers_only_their_own(team, leads):
    org = team.org
    ids = leads["owner"] + leads["teammate"]
    result = actions.mass_change_owner(org.owner, "lead", ids, new_queue=team.queue)
    assert (result.changed, result.skipped) == (3, 2)
    assert set(
        Lead.objects.unrestricted().filter(owner_queue=team.queue).values_list("pk", flat=True)
    ) == set(leads["owner"])


def test_administrator_transfers_everything_and_invisible_ids_are_only_counted(team, leads):
    ids = [*[pk for group in leads.values() for pk in group], 999999]
    result = actions.mass_change_owner(team.admin, "lead", ids, new_owner=team.reps[1])
    assert (result.changed, result.skipped) == (8, 1)


def test_converted_leads_are_skipped(team, leads):
    Lead.objects.unrestricted().filter(pk=leads["owner"][0]).update(is_converted=True)
    result = actions.mass_change_owner(
        team.org.owner, "lead", leads["owner"], new_owner=team.reps[0]
    )
    assert (result.changed, result.skipped) == (2, 1)


def test_a_failing_batch_changes_nothing_and_the_others_go_on(team, leads, monkeypatch):
    ids = leads["owner"] + leads["teammate"]  # 5 records, batches of 2: [o1 o2] [o3 t1] [t2]
    real = actions.core_actions.change_owner
    bad = leads["teammate"][0]

    def failing(user, record, *args, **kwargs):
        if record.pk == bad:
            raise ValidationError("the mail server is on fire")
        return real(user, record, *args, **kwargs)

    monkeypatch.setattr(actions.core_actions, "change_owner", failing)
    seen = []
    result = actions.mass_change_owner(
        team.org.manager,
        "lead",
        ids,
        new_owner=team.reps[0],
        batch_size=2,
        progress=lambda r: seen.append(r.processed),
    )
    after = owners(ids)
    assert after[leads["owner"][2]] != team.reps[0].pk, "o3 shares the failed batch: rolled back"
    assert after[bad] == team.org.teammate.pk
    assert [after[pk] for pk in (leads["owner"][0], leads["owner"][1], leads["teammate"][1])] == [
        team.reps[0].pk
    ] * 3
    assert result.changed == 3 and seen == [2, 4, 5]
    assert result.errors == ["Records 3 to 4 were not changed: the mail server is on fire"]


def test_bad_targets_are_refused_before_anything_changes(team, leads):
    org = team.org
    with pytest.raises(ValidationError) as exc:
        actions.mass_change_owner(
            org.manager, "lead", leads["owner"], new_owner=team.reps[0], new_queue=team.queue
        )
    assert "new_owner" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        actions.mass_change_owner(org.manager, "account", [1], new_queue=team.queue)
    assert "new_queue" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        actions.mass_change_owner(org.manager, "lead", ["x"], new_owner=team.reps[0])
    assert "ids" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        actions.mass_change_owner(org.manager, "nothing", [1], new_owner=team.reps[0])
    assert "object_name" in exc.value.message_dict
    team.reps[0].is_active = False
    team.reps[0].save()
    with pytest.raises(ValidationError, match="not an active user"):
        actions.mass_change_owner(org.manager, "lead", leads["owner"], new_owner=team.reps[0])
    assert all(v == org.owner.pk for v in owners(leads["owner"]).values())


# The endpoint a list view posts to ---------------------------------------------------------


def test_list_selection_opens_the_form_then_changes_owners(client, team, leads):
    client.force_login(team.org.manager)
    ids = leads["owner"] + leads["outsider"]
    page = client.post(
        reverse("assignment:mass_owner"), {"object_name": "lead", "ids": ids, "next": "/leads/"}
    )
    assert page.status_code == 200
    assert "5 leads selected" in page.content.decode()
    response = client.post(
        reverse("assignment:mass_owner"),
        {
            "object_name": "lead",
            "ids": ids,
            "next": "/leads/",
            "confirm": "1",
            "new_owner": team.reps[2].pk,
        },
    )
    assert response.status_code == 302 and response.url == "/leads/"
    listing = client.get(response.url)
    text = listing.content.decode()
    assert (
        "The owner of 3 records was changed. 2 records were skipped: you may not transfer them."
        in text
    )
    assert set(owners(ids).values()) == {team.reps[2].pk, team.org.outsider.pk}


def test_endpoint_bad_input(client, team, leads):
    client.force_login(team.org.manager)
    url = reverse("assignment:mass_owner")
    nothing = client.post(
        url, {"object_name": "lead", "confirm": "1", "new_owner": team.reps[0].pk}
    )
    assert nothing.status_code == 400 and "Select at least one record." in nothing.content.decode()
    both = client.post(
        url,
        {
            "object_name": "lead",
            "ids": leads["owner"],
            "confirm": "1",
            "new_owner": team.reps[0].pk,
            "new_queue": team.queue.pk,
        },
    )
    assert both.status_code == 400
    assert "Choose exactly one new owner" in both.context["form"].errors["new_owner"][0]
    assert client.post(url, {"object_name": "spaceship", "ids": [1]}).status_code == 404
    outside = client.post(
        url, {"object_name": "lead", "ids": leads["owner"], "next": "https://evil.example/"}
    )
    assert 'value="https://evil.example/"' not in outside.content.decode()
    assert all(v == team.org.owner.pk for v in owners(leads["owner"]).values())
    client.logout()
    assert (
        client.post(url, {"object_name": "lead", "ids": leads["owner"]}).status_code == 302
    )  # to login


def test_large_selection_runs_in_the_background_with_progress(client, team, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    org = team.org
    mine = [f.lead(org.owner).pk for _ in range(actions.BACKGROUND_THRESHOLD)]
    theirs = [f.lead(org.outsider).pk for _ in range(5)]
    client.force_login(org.manager)
    response = client.post(
        reverse("assignment:mass_owner"),
        {"object_name": "lead", "ids": mine + theirs, "confirm": "1", "new_owner": team.reps[1].pk},
    )
    job = MassOwnerJob.objects.get()
    assert response.status_code == 302 and response.url.startswith(
        reverse("assignment:job", args=[job.pk])
    )
    assert (job.status, job.total, job.done, job.changed, job.skipped) == ("done", 205, 205, 200, 5)
    page = client.get(response.url).content.decode()
    assert (
        "205 of 205 records processed" in page and "The owner of 200 records was changed." in page
    )
    fragment = client.get(reverse("assignment:job", args=[job.pk]), headers={"HX-Request": "true"})
    assert (
        "<html" not in fragment.content.decode() and "hx-trigger" not in fragment.content.decode()
    )
    other = type(client)()
    other.force_login(org.owner)
    assert other.get(reverse("assignment:job", args=[job.pk])).status_code == 404


def test_queued_job_page_polls_until_the_worker_finishes(client, team):
    """With the database backend the job waits for `db_worker`; the page polls with HTMX."""
    org = team.org
    ids = [f.lead(org.owner).pk for _ in range(actions.BACKGROUND_THRESHOLD + 1)]
    job = actions.start_mass_change(org.manager, "lead", ids, new_owner=team.reps[0])
    assert isinstance(job, MassOwnerJob) and job.status == "queued" and job.task_id
    client.force_login(org.manager)
    waiting = client.get(
        reverse("assignment:job", args=[job.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert 'hx-trigger="every 1s"' in waiting and "0 of 201 records processed" in waiting
    assert run_mass_owner_job.func(job.pk) == "done"
    assert run_mass_owner_job.func(job.pk) == "already claimed", "a job runs once"
    done = client.get(
        reverse("assignment:job", args=[job.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert "hx-trigger" not in done and "The owner of 201 records was changed." in done
    assert set(owners(ids).values()) == {team.reps[0].pk}


def test_job_fails_visibly_when_the_target_is_gone(team):
    org = team.org
    ids = [f.lead(org.owner).pk for _ in range(actions.BACKGROUND_THRESHOLD + 1)]
    job = actions.start_mass_change(org.manager, "lead", ids, new_owner=team.reps[0])
    team.reps[0].is_active = False
    team.reps[0].save()
    run_mass_owner_job.func(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "not an active user" in job.errors[0]
    assert set(owners(ids).values()) == {org.owner.pk}


def test_list_snippet_posts_what_the_endpoint_reads(rf, team):
    from django.template.loader import render_to_string

    from tandem.core import registry

    request = rf.get("/leads/?view=3")
    request.user = team.org.manager
    html = render_to_string(
        "assignment/_mass_owner_form.html", {"obj_def": registry.get("lead")}, request
    )
    assert 'id="mass-owner-form"' in html and 'action="/assignment/mass-owner/"' in html
    assert (
        'name="object_name" value="lead"' in html and 'name="next" value="/leads/?view=3"' in html
    )

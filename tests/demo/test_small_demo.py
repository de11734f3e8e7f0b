"""The small demo: what `make run` shows a newcomer must be a believable, working company."""

import datetime

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import F
from django.test import Client

from tandem.access.models import Group, Role, RoleClosure, SharingRule, User
from tandem.activities.models import Event, Task
from tandem.core.models import PicklistValue
from tandem.demo import DEMO_PASSWORD, demo_logins, load_demo
from tandem.sales.models import Account, Contact, Lead, Opportunity

TODAY = datetime.date(2026, 6, 1)


@pytest.fixture
def demo(db):
    return load_demo("small", progress=False, today=TODAY)


def snapshot():
    """Everything a person would notice in the demo, in a comparable form."""
    users = list(User.objects.order_by("email").values_list("email", "last_name", "role__name"))
    leads = list(
        Lead.objects.unrestricted()
        .order_by("id")
        .values_list("last_name", "company", "status", "lead_source", "owner__email", "created_at")
    )
    opps = list(
        Opportunity.objects.unrestricted().order_by("id").values_list("name", "amount", "stage")
    )
    return users, leads, opps


def test_small_demo_has_a_few_hundred_records_of_each_kind(demo):
    for model in (Account, Contact, Lead, Opportunity, Task):
        assert 200 <= model.objects.unrestricted().count() <= 1000, model
    assert Event.objects.unrestricted().count() >= 100
    owners = set(Lead.objects.unrestricted().values_list("owner_id", flat=True))
    assert len(owners) >= 10, "records are spread across owners"


def test_small_demo_is_deterministic(db):
    # Load, remember, undo (a savepoint rolled back), load again: the same company.
    with transaction.atomic():
        load_demo("small", progress=False, today=TODAY)
        first = snapshot()
        transaction.set_rollback(True)
    assert not User.objects.exists()
    load_demo("small", progress=False, today=TODAY)
    assert snapshot() == first
    assert len(first[1]) == Lead.objects.unrestricted().count() > 0


def test_four_level_role_hierarchy(demo):
    assert RoleClosure.objects.order_by("-depth").first().depth == 3
    rep = User.objects.get(email="sales.rep@tandem.demo")
    chain = []
    role = rep.role
    while role:
        chain.append(role.name)
        role = role.parent
    assert chain[-1] == "CEO" and len(chain) == 4
    manager = User.objects.get(email="sales.manager@tandem.demo")
    assert manager.role == rep.role.parent
    # The manager sees the rep's private leads through the hierarchy; the rep does not see theirs.
    rep_lead = Lead.objects.unrestricted().filter(owner=rep).first()
    mgr_lead = Lead.objects.unrestricted().filter(owner=manager).first()
    assert Lead.objects.visible_to(manager).filter(pk=rep_lead.pk).exists()
    assert not Lead.objects.visible_to(rep).filter(pk=mgr_lead.pk).exists() or (
        SharingRule.objects.filter(object_name="lead").exists()
    )


def test_three_partner_accounts_with_partner_users_who_can_log_in(demo):
    partners = Account.objects.unrestricted().filter(is_partner=True)
    assert partners.count() == 3
    for account in partners:
        user = User.objects.get(contact__account=account)
        assert user.is_external and user.profile.name == "Partner User"
        assert user.role.partner_account == account
        assert account.owner.role == user.role.parent, "partner role sits under its channel manager"
        assert user.role.parent.name.startswith("Channel Manager")
        assert authenticate(email=user.email, password=DEMO_PASSWORD) == user
        assert Contact.objects.unrestricted().filter(account=account, partner_user=user).exists()
    queue = Group.objects.get(kind=Group.KIND_QUEUE)
    assert queue.queue_objects == ["lead"]
    queued = Lead.objects.unrestricted().filter(owner_queue=queue)
    assert queued.count() >= 10
    partner = User.objects.get(email="partner@northwind.demo")
    assert Lead.objects.visible_to(partner).filter(owner_queue=queue).count() == queued.count()


def test_every_printed_login_works(demo):
    for _label, email, password in demo_logins():
        user = authenticate(email=email, password=password)
        assert user is not None, email
        validate_password(password, user=user)
    profiles = set(User.objects.values_list("profile__name", flat=True))
    assert {"System Administrator", "Standard User", "Read Only", "Partner User"} <= profiles


def test_admin_login_reaches_the_app(demo):
    client = Client()
    assert client.login(email="admin@tandem.demo", password=DEMO_PASSWORD)


def test_picklist_values_come_from_the_metadata(demo):
    statuses = set(
        PicklistValue.objects.filter(object_name="lead", field_name="status").values_list(
            "value", flat=True
        )
    )
    stages = {
        pv.value: pv
        for pv in PicklistValue.objects.filter(object_name="opportunity", field_name="stage")
    }
    assert set(Lead.objects.unrestricted().values_list("status", flat=True)) <= statuses
    for opp in Opportunity.objects.unrestricted()[:50]:
        stage = stages[opp.stage]
        assert opp.probability == stage.probability
        assert opp.is_won == stage.is_won and opp.is_closed == stage.is_closed


def test_sharing_rule_gives_marketing_trade_show_leads(demo):
    marketing = User.objects.get(email="marketing@tandem.demo")
    visible = Lead.objects.visible_to(marketing)
    assert visible.count() > 0
    assert set(visible.values_list("lead_source", flat=True)) == {"Trade Show"}
    assert not Role.objects.filter(parent=marketing.role).exists()


def test_demo_has_dashboards_quotas_and_sign_ins(demo):
    from tandem.access.models import LoginHistory
    from tandem.dashboards.models import Dashboard
    from tandem.forecasts.models import Quota

    titles = set(Dashboard.objects.values_list("title", flat=True))
    assert {"Sales", "Adoption", "Data Quality", "Channel"} <= titles
    assert Quota.objects.filter(user__email="sales.rep@tandem.demo").exists()
    signed_in = set(LoginHistory.objects.filter(success=True).values_list("user_id", flat=True))
    internal = User.objects.filter(is_active=True, is_external=False)
    # Most people sign in, a few never do: the Adoption dashboard has both to show.
    assert 0 < len(signed_in & set(internal.values_list("pk", flat=True))) < internal.count()
    client = Client()
    client.force_login(User.objects.get(email="admin@tandem.demo"))
    adoption = Dashboard.objects.get(title="Adoption")
    page = client.get(f"/dashboards/{adoption.pk}/")
    assert page.status_code == 200
    assert "users who have not logged in" in page.content.decode().lower()


def test_demo_deals_have_stage_history_and_loss_reasons(demo):
    from tandem.core.models import FieldHistory
    from tandem.pipeline.history import time_in_stage
    from tandem.pipeline.models import OpportunityLoss

    lost = Opportunity.objects.unrestricted().filter(is_closed=True, is_won=False)
    assert lost.exists()
    assert OpportunityLoss.objects.count() == lost.count()
    assert OpportunityLoss.objects.filter(reason="Competitor").exclude(competitor="").exists()
    won = Opportunity.objects.unrestricted().filter(is_won=True).first()
    moves = FieldHistory.objects.filter(
        object_name="opportunity", record_id=won.pk, field_name="stage"
    )
    assert moves.order_by("-changed_at").first().new_value == won.stage
    # Time in stage adds up to the deal's age: every stage it passed through is counted.
    spent = time_in_stage([won.pk])[won.pk]
    assert len(spent) == moves.count() + 1


def test_partners_have_a_track_record_and_a_welcome_email(db):
    from django.core import mail

    from tandem.channel.scorecard import scorecards

    mail.outbox.clear()
    load_demo("small", progress=False, today=TODAY)
    welcomes = [m for m in mail.outbox if m.to == ["partner@northwind.demo"]]
    assert len(welcomes) == 1 and "partner portal" in welcomes[0].subject.lower()
    assert DEMO_PASSWORD in welcomes[0].body
    channel_manager = User.objects.get(email="channel.manager@tandem.demo")
    cards = {c.account.name: c for c in scorecards(channel_manager)}
    assert cards, "the channel manager looks after partners"
    for card in cards.values():
        assert card.leads_accepted > 0 and card.leads_converted > 0
        assert card.open_pipeline > 0 or card.won_count > 0


def test_read_only_analyst_reads_every_deal_but_cannot_transfer_them(demo):
    analyst = User.objects.get(email="analyst@tandem.demo")
    visible = Opportunity.objects.visible_to(analyst, "read").count()
    assert visible == Opportunity.objects.unrestricted().filter(owner__is_external=False).count()
    assert not Opportunity.objects.visible_to(analyst, "edit").exists()
    client = Client()
    client.force_login(analyst)
    page = client.get("/opportunities/").content.decode()
    assert "Change Owner" not in page


def test_demo_work_is_current_and_some_leads_were_converted(demo):
    open_tasks = Task.objects.unrestricted().exclude(status="Completed").exclude(due_date=None)
    overdue = open_tasks.filter(due_date__lt=TODAY)
    assert open_tasks.exists() and overdue.count() < open_tasks.count() / 3
    converted = Lead.objects.unrestricted().filter(is_converted=True)
    assert converted.count() > 0.05 * Lead.objects.unrestricted().count()
    assert not converted.filter(converted_at__lt=F("created_at")).exists()
    # Stage moves happen between a deal's creation and its last modification.
    from tandem.core.models import FieldHistory

    for move in FieldHistory.objects.filter(object_name="opportunity", field_name="stage")[:200]:
        opp = Opportunity.objects.unrestricted().get(pk=move.record_id)
        assert (
            opp.created_at
            <= move.changed_at
            <= max(opp.updated_at, opp.created_at) + datetime.timedelta(hours=1)
        )

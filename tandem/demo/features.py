"""The demo company's settings beyond its people and records, so every feature can be tried.

Partner management is on, the standard reports are installed, new leads go through an
assignment rule (partner referrals to the partner queue, the rest round-robin across the
sales reps), and the first partner has claim limits. Once the records are in,
`finish_features` adds what is computed from them: quotas and a forecast snapshot, the
ready-made dashboards, and eight weeks of sign-ins so the Adoption dashboard has a story.
"""

import datetime
import itertools
import random

from django.utils import timezone

from tandem.access.models import LoginHistory, User
from tandem.assignment.models import (
    AssignmentRule,
    AssignmentRuleEntry,
    RoundRobinGroup,
    RoundRobinMember,
)
from tandem.core.models import Company, FieldHistory, PicklistValue
from tandem.dashboards.demo import install_demo_dashboards
from tandem.forecasts.demo import install_demo_quotas
from tandem.partners.models import ClaimLimit, LeadAcceptance, PartnerProgram
from tandem.pipeline.models import LossReason, OpportunityLoss
from tandem.reports.standard import install_standard_reports
from tandem.sales.models import Account, Lead, Opportunity


def switch_on_features(org) -> None:
    admin = User.objects.get(pk=org.admin_id)
    program = PartnerProgram.current()
    program.enabled, program.enabled_at, program.enabled_by = True, timezone.now(), admin
    program.save()

    reps = list(
        User.objects.filter(
            is_active=True, is_external=False, role__name__startswith="Sales Rep"
        ).order_by("pk")[:6]
    )
    company = Company.current()
    company.default_lead_owner = User.objects.filter(email__startswith="sales.manager@").first()
    company.save()

    group = RoundRobinGroup.objects.create(
        name="Sales reps", description="New direct leads, evenly"
    )
    RoundRobinMember.objects.bulk_create(
        RoundRobinMember(group=group, user=rep, weight=1, sort_order=i)
        for i, rep in enumerate(reps)
    )
    rule = AssignmentRule.objects.create(
        object_name="lead", name="Standard lead routing", is_active=True
    )
    if org.queue is not None:
        AssignmentRuleEntry.objects.create(
            rule=rule,
            sort_order=1,
            criteria=[{"field": "lead_source", "op": "equals", "value": "Partner Referral"}],
            target_kind=AssignmentRuleEntry.TARGET_QUEUE,
            queue=org.queue,
        )
    if reps:
        AssignmentRuleEntry.objects.create(
            rule=rule,
            sort_order=2,
            criteria=[{"field": "country", "op": "equals", "value": "United States"}],
            target_kind=AssignmentRuleEntry.TARGET_ROUND_ROBIN,
            round_robin=group,
        )
    if org.partner_account_ids:
        ClaimLimit.objects.create(
            partner_account_id=org.partner_account_ids[0], max_open_leads=40, max_accepts_per_day=10
        )
    install_standard_reports(owner=admin)


def finish_features(org, rng: random.Random, anchor: datetime.datetime) -> None:
    admin = User.objects.get(pk=org.admin_id)
    record_stage_moves(rng, anchor)
    record_partner_business(org, rng, anchor)
    record_conversions(rng, anchor)
    install_demo_quotas(today=anchor.date())
    install_demo_dashboards(owner=admin)
    record_sign_ins(rng, anchor)
    send_partner_welcomes(org)


COMPETITORS = ("Kuka Systems", "Fanuc Direct", "Universal Arms", "RoboWorks", "")
# The newest opportunities get a stage history; bounded so the large demo stays quick to load.
STAGE_HISTORY_LIMIT = 20_000


def record_stage_moves(rng: random.Random, anchor: datetime.datetime) -> None:
    """How the deals got where they are: a stage history walking the stage order up to the
    current stage (for time in stage), and a loss reason and competitor on every lost deal."""
    stages = list(
        PicklistValue.objects.filter(object_name="opportunity", field_name="stage", is_active=True)
        .order_by("sort_order", "pk")
        .values_list("value", "is_closed")
    )
    open_path = [v for v, closed in stages if not closed]
    opps = Opportunity.objects.unrestricted()
    history = []
    newest = opps.order_by("-created_at", "-id").values_list(
        "pk", "owner_id", "stage", "created_at", "updated_at", "is_closed"
    )[:STAGE_HISTORY_LIMIT]
    for pk, owner_id, stage, created, updated, closed in newest:
        if closed:
            path = open_path[: rng.randint(1, len(open_path))] + [stage]
        else:
            path = open_path[: open_path.index(stage) + 1] if stage in open_path else [stage]
        # Every move happens between creation and the last modification.
        span = max((min(updated, anchor) - created).total_seconds(), 3600.0)
        moments = sorted(rng.uniform(0.05, 0.95) * span for _ in path[1:])
        for (old, new), offset in zip(itertools.pairwise(path), moments, strict=True):
            history.append(
                FieldHistory(
                    object_name="opportunity",
                    record_id=pk,
                    field_name="stage",
                    old_value=old,
                    new_value=new,
                    changed_by_id=owner_id,
                    changed_at=created + datetime.timedelta(seconds=offset),
                )
            )
    FieldHistory.objects.bulk_create(history, batch_size=2000)
    reasons = [r for r, _label in LossReason.choices]
    lost = opps.filter(is_closed=True, is_won=False).values_list("pk", "owner_id")
    OpportunityLoss.objects.bulk_create(
        (
            OpportunityLoss(
                opportunity_id=pk,
                recorded_by_id=owner_id,
                reason=(reason := rng.choice(reasons)),
                competitor=rng.choice(COMPETITORS[:-1])
                if reason == "Competitor"
                else rng.choice(COMPETITORS),
            )
            for pk, owner_id in lost.iterator(chunk_size=2000)
        ),
        batch_size=2000,
    )


def record_sign_ins(rng: random.Random, anchor: datetime.datetime, weeks: int = 8) -> None:
    """Weekday sign-ins over the last `weeks` weeks: most people daily, some rarely, a few
    never (they show on the Adoption dashboard as "not logged in")."""
    users = list(
        User.objects.filter(is_active=True).order_by("pk").values_list("pk", "is_external")
    )
    rows, last = [], {}
    for pk, external in users:
        habit = rng.choice([0.0, 0.15, 0.5, 0.85, 0.95] if not external else [0.0, 0.2, 0.5])
        for day in range(weeks * 7, 0, -1):
            when = anchor - datetime.timedelta(days=day)
            if when.weekday() >= 5 or rng.random() >= habit:
                continue
            at = when + datetime.timedelta(hours=7 + rng.random() * 3)
            rows.append(
                LoginHistory(
                    user_id=pk, login_at=at, source_ip="192.0.2.10", user_agent="Demo browser"
                )
            )
            last[pk] = at
            if rng.random() < 0.03:
                rows.append(
                    LoginHistory(
                        user_id=pk,
                        login_at=at - datetime.timedelta(minutes=1),
                        success=False,
                        source_ip="192.0.2.10",
                        user_agent="Demo browser",
                    )
                )
    LoginHistory.objects.bulk_create(rows, batch_size=2000)
    for pk, at in last.items():
        User.objects.filter(pk=pk).update(last_login=at)


def record_partner_business(org, rng: random.Random, anchor: datetime.datetime) -> None:
    """What partners did with their leads: about half were accepted from the partner queue
    (a few hours after queueing), some became deals the partner owns (open, won and lost)
    and a few leads were converted into those deals — so the channel pages have a story."""
    converted = (
        PicklistValue.objects.filter(object_name="lead", field_name="status", is_converted=True)
        .values_list("value", flat=True)
        .first()
    )
    channel_deals = list(
        Opportunity.objects.unrestricted()
        .filter(owner_id__in=org.channel_owner_ids)
        .order_by("-created_at", "-id")
        .values_list("pk", "account_id")
    )
    rng.shuffle(channel_deals)
    partners = User.objects.filter(pk__in=org.partner_user_ids, contact__isnull=False)
    acceptances = []
    for user_id, account_id in partners.order_by("pk").values_list("pk", "contact__account_id"):
        leads = list(
            Lead.objects.unrestricted()
            .filter(owner_id=user_id)
            .order_by("pk")
            .values_list("pk", "created_at")
        )
        for lead_id, created in leads[: len(leads) // 2 + 1]:
            acceptances.append(
                LeadAcceptance(
                    lead_id=lead_id,
                    user_id=user_id,
                    queue=org.queue,
                    partner_account_id=account_id,
                    queued_at=created,
                    accepted_at=min(created + datetime.timedelta(hours=rng.uniform(1, 48)), anchor),
                )
            )
        deals = [channel_deals.pop() for _ in range(min(len(leads) // 2, len(channel_deals)))]
        Opportunity.objects.unrestricted().filter(pk__in=[pk for pk, _a in deals]).update(
            owner_id=user_id
        )
        for (lead_id, created), (deal_id, deal_account) in zip(leads[-2:], deals[:2], strict=False):
            if converted:
                Lead.objects.unrestricted().filter(pk=lead_id).update(
                    status=converted,
                    is_converted=True,
                    converted_by_id=user_id,
                    converted_at=min(created + datetime.timedelta(days=3), anchor),
                    converted_account_id=deal_account,
                    converted_opportunity_id=deal_id,
                )
    LeadAcceptance.objects.bulk_create(acceptances, batch_size=2000)


def send_partner_welcomes(org) -> None:
    """The welcome email each printed partner login would have had, so a newcomer can read
    one in Setup › Outbox (demo users keep the demo password instead of a temporary one)."""
    from django.core.mail import send_mail
    from django.urls import reverse

    from tandem.demo.company import DEMO_PASSWORD, partner_logins
    from tandem.messaging.notify import render_notification

    company, program = Company.current(), PartnerProgram.current()
    for login in partner_logins():
        subject, body = render_notification(
            "partner_welcome",
            {
                "Program.WelcomeSubject": program.welcome_subject.replace(
                    "{company}", company.name
                ),
                "Organization.Name": company.name,
                "User.FirstName": login.first_name,
                "User.Email": login.email,
                "User.TemporaryPassword": DEMO_PASSWORD,
                "Portal.Link": reverse("portal_home"),
            },
        )
        send_mail(subject, body, None, [login.email])


# Of the leads older than a month, this share was converted (bounded for the large demo).
CONVERTED_SHARE, CONVERSION_LIMIT = 0.12, 20_000


def record_conversions(rng: random.Random, anchor: datetime.datetime) -> None:
    """Some older leads were converted by their owners into one of their accounts, a few days
    to weeks after they came in — so Lead Source and conversion reports have rates to show."""
    status = (
        PicklistValue.objects.filter(object_name="lead", field_name="status", is_converted=True)
        .values_list("value", flat=True)
        .first()
    )
    if status is None:
        return
    accounts: dict[int, list[int]] = {}
    for pk, owner_id in Account.objects.unrestricted().values_list("pk", "owner_id").iterator():
        accounts.setdefault(owner_id, []).append(pk)
    old = (
        Lead.objects.unrestricted()
        .filter(
            owner__is_external=False,
            is_converted=False,
            created_at__lt=anchor - datetime.timedelta(days=30),
        )
        .order_by("-created_at", "-id")
        .values_list("pk", "owner_id", "created_at")[: CONVERSION_LIMIT * 8]
    )
    converted = []
    for pk, owner_id, created in old:
        if owner_id in accounts and rng.random() < CONVERTED_SHARE:
            converted.append(
                Lead(
                    pk=pk,
                    status=status,
                    is_converted=True,
                    converted_by_id=owner_id,
                    converted_account_id=rng.choice(accounts[owner_id]),
                    converted_at=created + datetime.timedelta(days=rng.uniform(1, 28)),
                )
            )
    Lead.objects.unrestricted().bulk_update(
        converted[:CONVERSION_LIMIT],
        ["status", "is_converted", "converted_by", "converted_account", "converted_at"],
        batch_size=500,
    )

"""The demo company's settings beyond its people and records, so every feature can be tried.

Partner management is on, the standard reports are installed, new leads go through an
assignment rule (partner referrals to the partner queue, the rest round-robin across the
sales reps), and the first partner has claim limits.
"""

from django.utils import timezone

from tandem.access.models import User
from tandem.assignment.models import AssignmentRule, AssignmentRuleEntry, RoundRobinGroup, RoundRobinMember
from tandem.core.models import Company
from tandem.partners.models import ClaimLimit, PartnerProgram
from tandem.reports.standard import install_standard_reports


def switch_on_features(org) -> None:
    admin = User.objects.get(pk=org.admin_id)
    program = PartnerProgram.current()
    program.enabled, program.enabled_at, program.enabled_by = True, timezone.now(), admin
    program.save()

    reps = list(
        User.objects.filter(is_active=True, is_external=False, role__name__startswith="Sales Rep")
        .order_by("pk")[:6]
    )
    company = Company.current()
    company.default_lead_owner = User.objects.filter(email__startswith="sales.manager@").first()
    company.save()

    group = RoundRobinGroup.objects.create(name="Sales reps", description="New direct leads, evenly")
    RoundRobinMember.objects.bulk_create(
        RoundRobinMember(group=group, user=rep, weight=1, sort_order=i) for i, rep in enumerate(reps)
    )
    rule = AssignmentRule.objects.create(object_name="lead", name="Standard lead routing", is_active=True)
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

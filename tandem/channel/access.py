"""Who may see and review deal registrations: the door, applied through the partner account.

A partner user sees the registrations they submitted. An internal user sees those of the
partner accounts they may read, and reviews those of the partner accounts they may edit
(the channel manager who owns the account, their managers, administrators).
"""

from tandem.channel.models import DealRegistration
from tandem.sales.models import Account


def partner_accounts_visible_to(user, action: str = "read"):
    """Partner accounts `user` may `action`, through the door."""
    return Account.objects.visible_to(user, action).filter(is_partner=True)


def registrations_visible_to(user, action: str = "read"):
    """Registrations `user` may read ("read") or approve and reject ("edit")."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return DealRegistration.objects.none()
    if user.is_external:
        if action != "read":
            return DealRegistration.objects.none()
        return DealRegistration.objects.filter(
            submitted_by=user, partner_account_id=user.partner_account_id
        )
    accounts = partner_accounts_visible_to(user, "read" if action == "read" else "edit")
    return DealRegistration.objects.filter(partner_account_id__in=accounts.values("pk"))

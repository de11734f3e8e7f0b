"""Which users a person may pick in owner and user lookups.

Internal users pick any active user. Partner users pick only people of their own partner
account and its channel manager, so the portal does not list the vendor's staff.
"""

from django.db.models import Q

from tandem.access.models import User


def pickable_users(user):
    users = User.objects.filter(is_active=True)
    if not user.is_external:
        return users
    account = user.contact.account if user.contact_id else None
    if account is None:
        return users.filter(pk=user.pk)
    return users.filter(Q(contact__account_id=account.pk) | Q(pk=account.owner_id))

"""Named actions of partner management: enable the program, partner accounts and users, accept.

Accepting from a queue is race-free: a conditional UPDATE hands the lead to exactly one
partner, and claim limits are checked while the partner account's row is locked (on
SQLite every write transaction already runs alone: BEGIN IMMEDIATE).
"""

import datetime
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.access.door import can
from tandem.core import registry
from tandem.core.actions import tell_channel_manager
from tandem.access.models import OWD_RANK, Group, OrgDefault, Profile, User
from tandem.access.principals import principals_for
from tandem.core.models import Company, FieldHistory, PicklistValue
from tandem.partners.models import ClaimLimit, LeadAcceptance, PartnerProgram
from tandem.partners.roles import ensure_partner_roles, level_names, partner_roles
from tandem.sales.models import Account, Contact, Lead


class AcceptRefused(ValidationError):
    """Accept could not happen; the message says why (taken, gone, over a limit)."""


def _require_admin(user):
    if not user.has_system_permission("customize_application"):
        raise PermissionDenied(_("Only an administrator can do this."))


def _require_enabled():
    if not PartnerProgram.current().enabled:
        raise ValidationError(_("Partner relationship management is not enabled yet (Setup)."))


@transaction.atomic
def enable_partner_management(user, external_defaults: dict[str, str]) -> PartnerProgram:
    """Turn partner management on, once and for good, with the external defaults reviewed."""
    _require_admin(user)
    program = PartnerProgram.objects.select_for_update().get(pk=PartnerProgram.current().pk)
    if program.enabled:
        raise ValidationError(_("Partner relationship management is already enabled."))
    for row in OrgDefault.objects.select_for_update():
        wanted = external_defaults.get(row.object_name, row.external_access)
        if OWD_RANK[wanted] > OWD_RANK[row.internal_access]:
            raise ValidationError(
                {row.object_name: _("The external default cannot be wider than the internal one.")}
            )
        if wanted != row.external_access:
            row.external_access = wanted
            row.save(update_fields=["external_access", "updated_at"])
    program.enabled = True
    program.enabled_at = timezone.now()
    program.enabled_by = user
    program.save()
    return program


@transaction.atomic
def enable_partner_account(user, account: Account) -> Account:
    _require_enabled()
    if not can(user, "edit", account):
        raise PermissionDenied(_("You may not change this account."))
    if not account.is_partner:
        Account.objects.unrestricted().filter(pk=account.pk).update(is_partner=True)
        account.is_partner = True
        FieldHistory.objects.create(
            object_name="account", record_id=account.pk, field_name="is_partner",
            old_value="false", new_value="true", changed_by=user,
        )
    return account


@transaction.atomic
def disable_partner_account(user, account: Account) -> Account:
    """Stop the partnership: its partner users can no longer log in."""
    if not can(user, "edit", account):
        raise PermissionDenied(_("You may not change this account."))
    User.objects.filter(is_external=True, contact__account=account).update(is_active=False)
    Account.objects.unrestricted().filter(pk=account.pk).update(is_partner=False)
    account.is_partner = False
    FieldHistory.objects.create(
        object_name="account", record_id=account.pk, field_name="is_partner",
        old_value="true", new_value="false", changed_by=user,
    )
    return account


def temporary_password() -> str:
    return secrets.token_urlsafe(12)


def partner_role_choices(account) -> list[tuple[str, str]]:
    levels = PartnerProgram.current().role_levels
    return [(name, _(name)) for name in level_names(levels)]


def enable_partner_user(
    actor,
    contact: Contact,
    *,
    email: str,
    first_name: str,
    last_name: str,
    level: str = "Partner User",
    profile: Profile | None = None,
    portal_url: str = "",
) -> tuple[User, str]:
    """Make a partner contact a portal user with a temporary password, and send the welcome email."""
    _require_enabled()
    email = (email or "").strip().lower()
    errors = {}
    if not email:
        errors["email"] = _("A partner user needs an email address to log in.")
    elif User.objects.filter(email__iexact=email).exists():
        errors["email"] = _("This email is already used by another user.")
    if not (last_name or "").strip():
        errors["last_name"] = _("Enter the last name.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        contact = (
            Contact.objects.unrestricted().select_for_update(of=("self",)).select_related("account").get(pk=contact.pk)
        )
        if not contact.account_id or not contact.account.is_partner:
            raise ValidationError(_("Enable the account as a partner first."))
        if not can(actor, "edit", contact.account):
            raise PermissionDenied(_("You may not manage this partner account."))
        if User.objects.filter(contact=contact).exists():
            raise ValidationError(_("This contact is already a partner user."))
        chain = ensure_partner_roles(contact.account, PartnerProgram.current().role_levels)
        names = level_names(len(chain))
        role = chain[names.index(level)] if level in names else chain[-1]
        password = temporary_password()
        user = User(
            email=email,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            title=contact.title,
            phone=contact.phone,
            profile=profile or Profile.objects.get(name="Partner User"),
            role=role,
            contact=contact,
            must_change_password=True,
            is_external=True,
        )
        user.set_password(password)
        user.save()
        company = Company.current()
        program = PartnerProgram.current()
        from tandem.messaging.notify import render_notification

        # The text is the "partner_welcome" notification template (Setup › Email Templates).
        subject, body = render_notification(
            "partner_welcome",
            {
                "Program.WelcomeSubject": program.welcome_subject.replace("{company}", company.name),
                "Organization.Name": company.name,
                "User.FirstName": user.first_name or user.last_name,
                "User.Email": email,
                "User.TemporaryPassword": password,
                "Portal.Link": portal_url or reverse("portal_home"),
            },
        )
        transaction.on_commit(lambda: send_mail(subject, body, None, [email]))
    return user, password


@transaction.atomic
def disable_partner_user(actor, user: User) -> User:
    if not user.is_external:
        raise ValidationError(_("This is not a partner user."))
    if not (actor.has_system_permission("manage_users") or (user.contact_id and can(actor, "edit", user.contact.account))):
        raise PermissionDenied(_("You may not manage this partner user."))
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    return user


def _open_lead_statuses_excluded() -> list[str]:
    return list(
        PicklistValue.objects.filter(object_name="lead", field_name="status")
        .filter(is_closed=True)
        .values_list("value", flat=True)
    ) + list(
        PicklistValue.objects.filter(object_name="lead", field_name="status", is_converted=True).values_list(
            "value", flat=True
        )
    )


def _day_start() -> datetime.datetime:
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)


def _check_limits(user: User, partner_account_id: int | None) -> None:
    limits = ClaimLimit.objects.filter(partner_account_id=partner_account_id) if partner_account_id else ClaimLimit.objects.none()
    closed = _open_lead_statuses_excluded()
    tomorrow = timezone.localtime(_day_start() + datetime.timedelta(days=1))
    for limit in limits:
        if limit.user_id not in (None, user.pk):
            continue
        if limit.user_id:
            owners = User.objects.filter(pk=user.pk)
            who = _("You")
        else:
            owners = User.objects.filter(is_external=True, contact__account_id=partner_account_id)
            who = _("Your partner account")
        if limit.max_open_leads is not None:
            held = (
                Lead.objects.unrestricted()
                .filter(owner__in=owners, is_converted=False)
                .exclude(status__in=closed)
                .count()
            )
            if held >= limit.max_open_leads:
                raise AcceptRefused(
                    _("%(who)s already hold %(held)d open leads, the limit of open leads held at once. "
                      "It frees up when one of them is converted or closed.")
                    % {"who": who, "held": held}
                )
        if limit.max_accepts_per_day is not None:
            today = LeadAcceptance.objects.filter(accepted_at__gte=_day_start())
            today = today.filter(user=user) if limit.user_id else today.filter(partner_account_id=partner_account_id)
            if today.count() >= limit.max_accepts_per_day:
                raise AcceptRefused(
                    _("%(who)s reached the limit of %(limit)d leads accepted per day. "
                      "It frees up at %(when)s.")
                    % {"who": who, "limit": limit.max_accepts_per_day, "when": tomorrow.strftime("%Y-%m-%d %H:%M %Z")}
                )


def accept_from_queue(user: User, lead_id: int) -> Lead:
    """Take a lead from a queue the user belongs to: the first one wins, limits hold."""
    with transaction.atomic():
        # Lock the partner account (and the user) so concurrent accepts count limits one at a time.
        partner_account_id = user.contact.account_id if user.is_external and user.contact_id else None
        if partner_account_id:
            list(Account.objects.unrestricted().select_for_update().filter(pk=partner_account_id).values("pk"))
        list(User.objects.select_for_update().filter(pk=user.pk).values("pk"))
        lead = Lead.objects.unrestricted().filter(pk=lead_id).select_related("owner_queue").first()
        groups = principals_for(user).group_ids
        if lead is None:
            raise AcceptRefused(_("This lead no longer exists."))
        if lead.owner_queue_id is None:
            taken = LeadAcceptance.objects.filter(lead_id=lead.pk, queue_id__in=groups).exclude(user=user).exists()
            if taken:
                raise AcceptRefused(_("This lead was already accepted by another partner."))
            if lead.owner_id == user.pk:
                raise AcceptRefused(_("You already own this lead."))
            raise AcceptRefused(_("This lead is not waiting in a queue."))
        if lead.owner_queue_id not in groups or lead.owner_queue.kind != Group.KIND_QUEUE:
            raise AcceptRefused(_("This lead is not in one of your queues."))
        _check_limits(user, partner_account_id)
        now = timezone.now()
        queue = lead.owner_queue
        won = (
            Lead.objects.unrestricted()
            .filter(pk=lead.pk, owner_queue_id=queue.pk, owner__isnull=True)
            .update(owner=user, owner_queue=None, updated_by=user, updated_at=now)
        )
        if not won:
            raise AcceptRefused(_("This lead was already accepted by another partner."))
        LeadAcceptance.objects.create(
            lead_id=lead.pk, user=user, queue=queue, partner_account_id=partner_account_id,
            accepted_at=now, queued_at=lead.updated_at,
        )
        FieldHistory.objects.bulk_create(
            [
                FieldHistory(object_name="lead", record_id=lead.pk, field_name="owner_queue",
                             old_value=str(queue), new_value="", changed_by=user, changed_at=now),
                FieldHistory(object_name="lead", record_id=lead.pk, field_name="owner",
                             old_value="", new_value=user.full_name, changed_by=user, changed_at=now),
            ]
        )
        tell_channel_manager(user, registry.get("lead"), lead, _("accepted %(lead)s from %(queue)s") % {"lead": lead, "queue": queue})
    lead.refresh_from_db()
    return lead


def eligible_partner_users():
    """Partner users a lead can be handed to: active and logged in at least once."""
    return User.objects.filter(is_external=True, is_active=True, last_login__isnull=False)


__all__ = [
    "AcceptRefused", "accept_from_queue", "disable_partner_account", "disable_partner_user",
    "eligible_partner_users", "enable_partner_account", "enable_partner_management",
    "enable_partner_user", "partner_role_choices", "partner_roles",
]

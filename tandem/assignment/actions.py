"""Named actions of lead distribution: round-robin turns, assignment rules, mass change of owner.

- `next_assignee(group)` takes the next turn of a stored rotation. The turn counter is bumped
  by one UPDATE and read back in the same transaction, so the row stays locked until commit:
  concurrent callers (threads, workers, processes) get consecutive turns, on PostgreSQL (row
  lock) and SQLite (write transactions run one at a time: BEGIN IMMEDIATE).
- `apply_assignment_rules(record, actor)` runs the object's active rule: the first matching
  entry wins, else the company's default lead owner, else nothing changes.
- `assign_owner(...)` hands a record over for the system: core `change_owner` as the actor
  when the actor may transfer the record, otherwise the same write, history, notification
  and email without the "only the owner can transfer" check (web-to-lead, import, a partner
  or a user without delete rights creating a lead).
- `mass_change_owner(...)` transfers a selection through the door, one atomic batch at a
  time; `start_mass_change(...)` sends large selections to the background task.
"""

import logging
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import BigIntegerField, Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.access.door import can
from tandem.access.models import Group, User
from tandem.assignment.models import (
    AssignmentRule,
    AssignmentRuleEntry,
    MassOwnerJob,
    RoundRobinGroup,
    RoundRobinMember,
)
from tandem.core import actions as core_actions
from tandem.core import registry
from tandem.core.filters import conditions_q
from tandem.core.history import record_changes, snapshot, tracked_specs
from tandem.core.models import Company

logger = logging.getLogger(__name__)

# Objects that can have assignment rules. Leads fall back to Company.default_lead_owner.
ASSIGNABLE_OBJECTS = ("lead",)
DEFAULT_TEMPLATE = "record_assigned"
BATCH_SIZE = 100
BACKGROUND_THRESHOLD = 200


class NoAssignee(ValidationError):
    """A round-robin group that cannot hand out a turn (inactive, deleted, nobody active)."""


# Round-robin -----------------------------------------------------------------------------


def rotation(members: list[RoundRobinMember]) -> list[RoundRobinMember]:
    """One cycle of turns: each member `weight` times, spread out (smooth weighted round-robin).

    Weights 2, 1 give A B A rather than A A B, so a heavy member does not get a run of records.
    """
    total = sum(m.weight for m in members)
    current = [0] * len(members)
    cycle = []
    for _turn in range(total):
        for i, m in enumerate(members):
            current[i] += m.weight
        best = max(range(len(members)), key=lambda i: (current[i], -i))
        current[best] -= total
        cycle.append(members[best])
    return cycle


def eligible_members(group: RoundRobinGroup) -> list[RoundRobinMember]:
    """Members that can receive records: queues, and users who are active."""
    members = group.members.select_related("user", "queue")
    return [m for m in members if m.queue_id or (m.user and m.user.is_active)]


def next_assignee(group: RoundRobinGroup) -> RoundRobinMember:
    """Take the next turn of the group's rotation and return whose it is."""
    with transaction.atomic():
        taken = RoundRobinGroup.objects.filter(pk=group.pk, is_active=True).update(
            position=F("position") + 1
        )
        if not taken:
            raise NoAssignee(
                _("The round-robin group “%(name)s” is inactive or was deleted.") % {"name": group}
            )
        position = RoundRobinGroup.objects.values_list("position", flat=True).get(pk=group.pk)
        members = eligible_members(group)
        if not members:
            raise NoAssignee(
                _("The round-robin group “%(name)s” has no active members.") % {"name": group}
            )
        cycle = rotation(members)
        return cycle[(position - 1) % len(cycle)]


# Handing a record over -------------------------------------------------------------------


def may_transfer(user, record) -> bool:
    """The rule of core change_owner: owner or above (delete access), or Transfer Record + edit."""
    if user is None:
        return False
    return can(user, "delete", record) or (
        user.has_system_permission("transfer_records") and can(user, "edit", record)
    )


def _check_target(obj_def, new_owner, new_queue) -> None:
    if (new_owner is None) == (new_queue is None):
        raise ValidationError({"new_owner": _("Choose exactly one new owner: a user or a queue.")})
    if new_queue is not None and (not obj_def.queue_owned or new_queue.kind != Group.KIND_QUEUE):
        raise ValidationError(
            {
                "new_queue": _("%(object)s records cannot be owned by this queue.")
                % {"object": obj_def.label}
            }
        )
    if new_owner is not None and not new_owner.is_active:
        raise ValidationError({"new_owner": _("The new owner is not an active user.")})


def _merge_values(actor, obj_def, record, new_owner, link: str) -> dict:
    return {
        "Record.Type": obj_def.label.lower(),
        "Record.Name": str(record),
        "Record.Company": getattr(record, "company", ""),
        "Record.Link": link,
        "Owner.FirstName": new_owner.first_name,
        "Owner.Name": new_owner.full_name,
        "Sender.Name": actor.full_name if actor is not None else Company.current().name,
    }


def _email(template_key: str, actor, obj_def, record, new_owner, link: str) -> None:
    from tandem.messaging.models import NotificationTemplate
    from tandem.messaging.notify import DEFAULT_TEMPLATES, email_user

    key = template_key or DEFAULT_TEMPLATE
    if key not in DEFAULT_TEMPLATES and not NotificationTemplate.objects.filter(key=key).exists():
        logger.warning(
            "Notification template %r is gone; sending %r instead", key, DEFAULT_TEMPLATE
        )
        key = DEFAULT_TEMPLATE
    # Respects the new owner's "Records assigned to me" email preference.
    email_user(new_owner, key, _merge_values(actor, obj_def, record, new_owner, link))


def queue_recipients(queue: Group) -> list[str]:
    """Who hears about a record put in a queue: its members (if the queue says so) or its address."""
    if queue.send_email_to_members:
        from tandem.access.models import GroupMember

        users = User.objects.filter(
            is_active=True,
            pk__in=GroupMember.objects.filter(group=queue, user__isnull=False).values("user_id"),
        )
        emails = sorted({u.email for u in users if u.email})
        if emails:
            return emails
    return [queue.email] if queue.email else []


def _email_queue(template_key: str, actor, obj_def, record, queue: Group, link: str) -> None:
    from tandem.messaging.models import NotificationTemplate
    from tandem.messaging.notify import DEFAULT_TEMPLATES, email_from_template

    key = template_key or DEFAULT_TEMPLATE
    if key not in DEFAULT_TEMPLATES and not NotificationTemplate.objects.filter(key=key).exists():
        key = DEFAULT_TEMPLATE
    values = {
        "Record.Type": obj_def.label.lower(),
        "Record.Name": str(record),
        "Record.Company": getattr(record, "company", ""),
        "Record.Link": link,
        "Owner.FirstName": "",
        "Owner.Name": queue.name,
        "Sender.Name": actor.full_name if actor is not None else Company.current().name,
    }
    for address in queue_recipients(queue):
        email_from_template(key, address, values)


def _system_transfer(actor, obj_def, record, new_owner, new_queue, send_email, template_key, link):
    from tandem.messaging.notify import notify

    if getattr(record, "is_converted", False):
        raise ValidationError(_("A converted lead is read-only."))
    before = snapshot(record, tracked_specs(obj_def))
    record.owner = new_owner
    if obj_def.queue_owned:
        record.owner_queue = new_queue
    record.updated_by = actor
    record.updated_at = timezone.now()
    record.save()
    record_changes(obj_def, record, before, actor)
    hook = obj_def.extra.get("after_owner_change")
    if hook:
        hook(record)
    if new_owner is not None and (actor is None or new_owner.pk != actor.pk):
        title = _("%(object)s assigned to you: %(name)s") % {
            "object": obj_def.label,
            "name": record,
        }
        notify(new_owner, "assignment", title, record.get_absolute_url(), obj_def.name, record.pk)
        if send_email:
            _email(template_key, actor, obj_def, record, new_owner, link)


def assign_owner(
    actor, record, new_owner=None, new_queue=None, *, send_email=False, template_key="", link=""
):
    """Give a record to a user or a queue on behalf of the system (rules, round-robin, web-to-lead).

    As core change_owner when `actor` may transfer the record; otherwise the system transfers
    it (history shows `actor`, or nobody for web-to-lead). `template_key` picks the email.
    """
    obj_def = registry.for_model(type(record))
    _check_target(obj_def, new_owner, new_queue)
    link = link or record.get_absolute_url()
    custom_template = bool(template_key) and template_key != DEFAULT_TEMPLATE
    with transaction.atomic():
        if may_transfer(actor, record):
            core_actions.change_owner(
                actor,
                record,
                new_owner,
                new_queue,
                send_email=send_email and not custom_template,
                link=link,
            )
            if (
                send_email
                and custom_template
                and new_owner is not None
                and new_owner.pk != actor.pk
            ):
                _email(template_key, actor, obj_def, record, new_owner, link)
        else:
            _system_transfer(
                actor, obj_def, record, new_owner, new_queue, send_email, template_key, link
            )
        if send_email and new_queue is not None:
            _email_queue(template_key, actor, obj_def, record, new_queue, link)
    return record


# Assignment rules ------------------------------------------------------------------------


@dataclass
class Assignment:
    """What the assignment rule did to one record."""

    entry: AssignmentRuleEntry | None = None
    owner: User | None = None
    queue: Group | None = None
    changed: bool = False
    reason: str = "no_rule"  # rule, default_owner, kept (do not reassign), no_match, no_rule


def activate_rule(rule: AssignmentRule) -> AssignmentRule:
    """Make `rule` the one active rule of its object (the others are switched off first)."""
    with transaction.atomic():
        AssignmentRule.objects.filter(object_name=rule.object_name, is_active=True).exclude(
            pk=rule.pk
        ).update(is_active=False)
        AssignmentRule.objects.filter(pk=rule.pk).update(is_active=True)
    rule.is_active = True
    return rule


def deactivate_rule(rule: AssignmentRule) -> AssignmentRule:
    AssignmentRule.objects.filter(pk=rule.pk).update(is_active=False)
    rule.is_active = False
    return rule


def active_rule(object_name: str) -> AssignmentRule | None:
    return AssignmentRule.objects.filter(object_name=object_name, is_active=True).first()


def entry_q(obj_def, entry: AssignmentRuleEntry) -> Q:
    """The entry's criteria as a condition; no criteria matches every record."""
    if not entry.criteria:
        return Q(pk__isnull=False)
    return conditions_q(obj_def, entry.criteria, entry.criteria_logic)


def matching_entry(rule: AssignmentRule, record) -> AssignmentRuleEntry | None:
    """The first entry, in order, whose criteria the record meets: one query for all entries."""
    obj_def = registry.for_model(type(record))
    entries = list(
        rule.entries.select_related("user", "queue", "round_robin").order_by("sort_order", "id")
    )
    whens = []
    for entry in entries:
        try:
            whens.append(When(entry_q(obj_def, entry), then=Value(entry.pk)))
        except ValidationError:
            # A deleted field or a value that no longer fits: the entry is skipped, not fatal.
            logger.warning("Assignment rule entry %s has invalid criteria and is skipped", entry.pk)
    if not whens:
        return None
    matched = (
        type(record)
        .objects.unrestricted()
        .filter(pk=record.pk)
        .annotate(_entry=Case(*whens, default=None, output_field=BigIntegerField()))
        .values_list("_entry", flat=True)
        .first()
    )
    return next((e for e in entries if e.pk == matched), None)


def _entry_target(entry: AssignmentRuleEntry):
    """(user, queue) the entry hands the record to, taking a round-robin turn if needed."""
    if entry.target_kind == AssignmentRuleEntry.TARGET_USER and entry.user and entry.user.is_active:
        return entry.user, None
    if entry.target_kind == AssignmentRuleEntry.TARGET_QUEUE and entry.queue:
        return None, entry.queue
    if entry.target_kind == AssignmentRuleEntry.TARGET_ROUND_ROBIN and entry.round_robin:
        member = next_assignee(entry.round_robin)
        return member.user, member.queue
    raise NoAssignee(_("The entry's target is missing or inactive."))


def default_owner(object_name: str) -> User | None:
    if object_name != "lead":
        return None
    owner = Company.current().default_lead_owner
    return owner if owner is not None and owner.is_active else None


def apply_assignment_rules(record, actor, send_email=True, link="") -> Assignment:
    """Run the active assignment rule of the record's object and hand the record over.

    The first matching entry wins; "do not reassign owner" keeps the owner. No match (or an
    entry whose target cannot take records) goes to the default lead owner, if one is set.
    """
    obj_def = registry.for_model(type(record))
    with transaction.atomic():
        rule = active_rule(obj_def.name)
        if rule is None:
            return Assignment(owner=record.owner, queue=getattr(record, "owner_queue", None))
        entry = matching_entry(rule, record)
        owner = queue = None
        template_key = ""
        reason = "rule"
        if entry is not None and entry.do_not_reassign:
            return Assignment(
                entry, record.owner, getattr(record, "owner_queue", None), False, "kept"
            )
        if entry is not None:
            try:
                owner, queue = _entry_target(entry)
                template_key = entry.email_template
            except NoAssignee as exc:
                logger.warning(
                    "Assignment rule entry %s cannot assign: %s", entry.pk, " ".join(exc.messages)
                )
        if owner is None and queue is None:
            owner, reason = default_owner(obj_def.name), "default_owner"
            if owner is None:
                return Assignment(
                    entry, record.owner, getattr(record, "owner_queue", None), False, "no_match"
                )
        same = record.owner_id == (owner.pk if owner else None) and getattr(
            record, "owner_queue_id", None
        ) == (queue.pk if queue else None)
        if not same:
            assign_owner(
                actor,
                record,
                owner,
                queue,
                send_email=send_email,
                template_key=template_key,
                link=link,
            )
        return Assignment(entry, owner, queue, not same, reason)


def create_and_assign(
    user,
    obj_def,
    values: dict,
    custom: dict | None = None,
    *,
    assign=True,
    send_email=True,
    link="",
):
    """Create a record and, with `assign`, run the active assignment rule on it, all or nothing.

    For the "Assign using active assignment rule" checkbox of the new-record form, the API's
    flag, import and web-to-lead. `link` may be a function of the new record (an absolute URL
    for the email). Returns (record, Assignment or None).
    """
    with transaction.atomic():
        record = core_actions.create_record(user, obj_def, values, custom)
        outcome = None
        if assign and obj_def.name in ASSIGNABLE_OBJECTS:
            url = link(record) if callable(link) else link
            outcome = apply_assignment_rules(record, user, send_email=send_email, link=url)
    return record, outcome


def has_active_rule(object_name: str) -> bool:
    return (
        object_name in ASSIGNABLE_OBJECTS
        and AssignmentRule.objects.filter(object_name=object_name, is_active=True).exists()
    )


# Mass change of owner --------------------------------------------------------------------


@dataclass
class MassResult:
    total: int = 0
    processed: int = 0
    changed: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)


def clean_ids(ids) -> list[int]:
    """The selected ids as unique integers, in the order given; anything else is refused."""
    result, seen = [], set()
    for raw in ids or []:
        try:
            value = int(str(raw).strip())
        except (TypeError, ValueError):
            raise ValidationError(
                {"ids": _("“%(value)s” is not a record id.") % {"value": raw}}
            ) from None
        if value not in seen:
            seen.add(value)
            result.append(value)
    if not result:
        raise ValidationError({"ids": _("Select at least one record.")})
    return result


def check_mass_request(object_name: str, ids, new_owner, new_queue):
    """Validate a mass change before anything is written; errors name the field."""
    obj_def = registry.find(object_name or "")
    if obj_def is None or not any(f.name == "owner" for f in obj_def.model._meta.concrete_fields):
        raise ValidationError(
            {"object_name": _("Unknown object “%(name)s”.") % {"name": object_name}}
        )
    ids = clean_ids(ids)
    _check_target(obj_def, new_owner, new_queue)
    return obj_def, ids


def _transferable(actor, obj_def, ids: list[int]) -> set[int]:
    """The ids the actor may transfer, through the door (the rule of change_owner)."""
    model = obj_def.model
    allowed = set(
        model.objects.visible_to(actor, "delete").filter(pk__in=ids).values_list("pk", flat=True)
    )
    if actor.has_system_permission("transfer_records"):
        allowed |= set(
            model.objects.visible_to(actor, "edit").filter(pk__in=ids).values_list("pk", flat=True)
        )
    return allowed


def mass_change_owner(
    actor,
    object_name,
    ids,
    new_owner=None,
    new_queue=None,
    send_email=False,
    *,
    batch_size=BATCH_SIZE,
    progress=None,
) -> MassResult:
    """Change the owner of the selected records the actor may transfer; skip (and count) the rest.

    Each batch is atomic: a failure leaves that batch unchanged, is reported, and the next
    batch goes on. `progress(result)` is called after each batch.
    """
    obj_def, ids = check_mass_request(object_name, ids, new_owner, new_queue)
    result = MassResult(total=len(ids))
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        changed = skipped = 0
        try:
            with transaction.atomic():
                allowed = _transferable(actor, obj_def, batch)
                skipped = len(batch) - len(allowed)
                records = (
                    obj_def.model.objects.unrestricted()
                    .select_for_update(of=("self",))
                    .filter(pk__in=sorted(allowed))
                    .order_by("pk")
                )
                for record in records:
                    if getattr(record, "is_converted", False):
                        skipped += 1
                        continue
                    if record.owner_id == (new_owner.pk if new_owner else None) and getattr(
                        record, "owner_queue_id", None
                    ) == (new_queue.pk if new_queue else None):
                        changed += 1  # already there: nothing to write, nothing to announce
                        continue
                    core_actions.change_owner(
                        actor, record, new_owner, new_queue, send_email=send_email
                    )
                    changed += 1
        except (ValidationError, PermissionDenied) as exc:
            result.errors.append(
                _("Records %(first)d to %(last)d were not changed: %(error)s")
                % {
                    "first": start + 1,
                    "last": start + len(batch),
                    "error": " ".join(getattr(exc, "messages", [str(exc)])),
                }
            )
        else:
            result.changed += changed
            result.skipped += skipped
        result.processed += len(batch)
        if progress is not None:
            progress(result)
    return result


def start_mass_change(actor, object_name, ids, new_owner=None, new_queue=None, send_email=False):
    """Small selections run now (a MassResult); large ones become a background job (a MassOwnerJob)."""
    obj_def, ids = check_mass_request(object_name, ids, new_owner, new_queue)
    if len(ids) <= BACKGROUND_THRESHOLD:
        return mass_change_owner(actor, obj_def.name, ids, new_owner, new_queue, send_email)
    from tandem.assignment.tasks import run_mass_owner_job

    with transaction.atomic():
        job = MassOwnerJob.objects.create(
            created_by=actor,
            object_name=obj_def.name,
            record_ids=ids,
            new_owner=new_owner,
            new_queue=new_queue,
            send_email=send_email,
            total=len(ids),
        )
    # Enqueued after the job row is committed, so the worker always finds it.
    try:
        result = run_mass_owner_job.enqueue(job.pk)
    except Exception as exc:  # the job page must say so rather than wait forever
        MassOwnerJob.objects.filter(pk=job.pk).update(
            status=MassOwnerJob.FAILED,
            errors=[_("The background task could not be started: %(error)s") % {"error": exc}],
            finished_at=timezone.now(),
        )
        logger.exception("Mass owner change %s could not be enqueued", job.pk)
    else:
        MassOwnerJob.objects.filter(pk=job.pk, task_id="").update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def run_job(job_id: int) -> MassOwnerJob | None:
    """Run a queued job once (a conditional update claims it), recording progress as it goes."""
    claimed = MassOwnerJob.objects.filter(pk=job_id, status=MassOwnerJob.QUEUED).update(
        status=MassOwnerJob.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return None
    job = MassOwnerJob.objects.select_related("created_by", "new_owner", "new_queue").get(pk=job_id)

    def progress(result: MassResult):
        MassOwnerJob.objects.filter(pk=job_id).update(
            done=result.processed,
            changed=result.changed,
            skipped=result.skipped,
            errors=result.errors,
        )

    try:
        if job.new_owner_id is None and job.new_queue_id is None:
            raise ValidationError(
                _("The new owner or queue was deleted before the change could run.")
            )
        result = mass_change_owner(
            job.created_by,
            job.object_name,
            job.record_ids,
            job.new_owner,
            job.new_queue,
            job.send_email,
            progress=progress,
        )
    except ValidationError as exc:
        MassOwnerJob.objects.filter(pk=job_id).update(
            status=MassOwnerJob.FAILED, errors=list(exc.messages), finished_at=timezone.now()
        )
    except Exception as exc:  # keep the reason for the status page, then let the worker log it
        MassOwnerJob.objects.filter(pk=job_id).update(
            status=MassOwnerJob.FAILED,
            errors=[_("Unexpected error: %(error)s") % {"error": exc}],
            finished_at=timezone.now(),
        )
        raise
    else:
        MassOwnerJob.objects.filter(pk=job_id).update(
            status=MassOwnerJob.DONE,
            done=result.processed,
            changed=result.changed,
            skipped=result.skipped,
            errors=result.errors,
            finished_at=timezone.now(),
        )
    job.refresh_from_db()
    return job

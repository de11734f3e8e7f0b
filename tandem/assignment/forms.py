"""Setup forms of lead distribution, and the mass change of owner form. Errors sit at the field."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from tandem.access.directory import pickable_users
from tandem.access.models import Group, User
from tandem.assignment.actions import ASSIGNABLE_OBJECTS, DEFAULT_TEMPLATE, activate_rule
from tandem.assignment.models import (
    MAX_WEIGHT,
    AssignmentRule,
    AssignmentRuleEntry,
    RoundRobinGroup,
    RoundRobinMember,
)
from tandem.core import registry
from tandem.setup.forms.base import Form
from tandem.setup.forms.criteria import CriteriaRowsMixin

EXTRA_ROWS = 3


def user_label(user: User) -> str:
    if user.is_external:
        return _gettext("%(name)s (partner user)") % {"name": user.full_name}
    return user.full_name


def member_choices():
    """Active users and queues, as "user:ID" / "queue:ID" values in two groups."""
    users = User.objects.filter(is_active=True).select_related("contact")
    queues = Group.objects.filter(kind=Group.KIND_QUEUE)
    return [
        ("", "—"),
        (_gettext("Users"), [(f"user:{u.pk}", user_label(u)) for u in users]),
        (_gettext("Queues"), [(f"queue:{q.pk}", q.name) for q in queues]),
    ]


class RoundRobinGroupForm(Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    description = forms.CharField(label=_("Description"), max_length=255, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, instance: RoundRobinGroup | None = None, **kwargs):
        self.instance = instance or RoundRobinGroup()
        existing = list(instance.members.all()) if instance is not None and instance.pk else []
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": instance.name,
                "description": instance.description,
                "is_active": instance.is_active,
            }
        super().__init__(*args, **kwargs)
        choices = member_choices()
        self.member_rows = []
        for i in range(len(existing) + EXTRA_ROWS):
            current = existing[i] if i < len(existing) else None
            member_name, weight_name = f"m{i}_member", f"m{i}_weight"
            self.fields[member_name] = forms.ChoiceField(
                label=_gettext("Member %(n)d") % {"n": i + 1},
                choices=choices,
                required=False,
                initial=(
                    f"user:{current.user_id}" if current.user_id else f"queue:{current.queue_id}"
                )
                if current
                else "",
            )
            self.fields[weight_name] = forms.IntegerField(
                label=_gettext("Member %(n)d: weight") % {"n": i + 1},
                required=False,
                min_value=1,
                max_value=MAX_WEIGHT,
                initial=current.weight if current else 1,
            )
            for name in (member_name, weight_name):
                self.style_field(name, self.fields[name])
            self.member_rows.append((member_name, weight_name))

    def main_fields(self):
        return [self[n] for n in ("name", "description", "is_active")]

    def rows(self):
        return [(self[m], self[w]) for m, w in self.member_rows]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        taken = RoundRobinGroup.objects.filter(name__iexact=name).exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(_gettext("A round-robin group with this name already exists."))
        return name

    def clean(self):
        data = super().clean()
        members, seen = [], set()
        for i, (member_name, weight_name) in enumerate(self.member_rows):
            value = data.get(member_name)
            if not value:
                continue
            if value in seen:
                self.add_error(
                    member_name, _gettext("Member %(n)d is already in the group.") % {"n": i + 1}
                )
                continue
            seen.add(value)
            weight = data.get(weight_name) or 1
            kind, _sep, pk = value.partition(":")
            members.append((kind, int(pk), weight))
        if not members and not self.errors:
            self.add_error("m0_member", _gettext("Add at least one user or queue."))
        self.members = members
        return data

    @transaction.atomic
    def save(self) -> RoundRobinGroup:
        group = self.instance
        before = (
            [
                (m.user_id and "user" or "queue", m.user_id or m.queue_id, m.weight)
                for m in group.members.all()
            ]
            if group.pk
            else None
        )
        group.name = self.cleaned_data["name"]
        group.description = self.cleaned_data["description"]
        group.is_active = self.cleaned_data["is_active"]
        group.save()
        if before != self.members:
            group.members.all().delete()
            RoundRobinMember.objects.bulk_create(
                RoundRobinMember(group=group, weight=weight, sort_order=i, **{f"{kind}_id": pk})
                for i, (kind, pk, weight) in enumerate(self.members)
            )
            # A new membership starts a new cycle, so nobody gets two turns in a row.
            RoundRobinGroup.objects.filter(pk=group.pk).update(position=0)
        return group


class AssignmentRuleForm(Form):
    name = forms.CharField(label=_("Rule name"), max_length=80)
    object_name = forms.ChoiceField(label=_("Object"))
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        help_text=_(
            "Only one rule per object is active; activating this one deactivates the others."
        ),
    )

    def __init__(self, *args, instance: AssignmentRule | None = None, **kwargs):
        self.instance = instance or AssignmentRule()
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": instance.name,
                "object_name": instance.object_name,
                "is_active": instance.is_active,
            }
        super().__init__(*args, **kwargs)
        self.fields["object_name"].choices = [
            (n, registry.get(n).label) for n in ASSIGNABLE_OBJECTS
        ]
        if instance is not None and instance.pk:
            self.fields["object_name"].disabled = True

    def clean(self):
        data = super().clean()
        name, object_name = (data.get("name") or "").strip(), data.get("object_name")
        if name and object_name:
            taken = AssignmentRule.objects.filter(
                object_name=object_name, name__iexact=name
            ).exclude(pk=self.instance.pk)
            if taken.exists():
                self.add_error(
                    "name", _gettext("Another assignment rule of this object has this name.")
                )
        return data

    @transaction.atomic
    def save(self) -> AssignmentRule:
        rule = self.instance
        rule.name = self.cleaned_data["name"].strip()
        rule.object_name = self.cleaned_data["object_name"]
        wants_active = self.cleaned_data["is_active"]
        if not wants_active:
            rule.is_active = False
        rule.save()
        if wants_active and not rule.is_active:
            activate_rule(rule)
        return rule


def template_choices():
    from tandem.messaging.models import NotificationTemplate
    from tandem.messaging.notify import DEFAULT_TEMPLATES

    rows = {t.key: t.name for t in NotificationTemplate.objects.all()}
    for key, (name, _subject, _body) in DEFAULT_TEMPLATES.items():
        rows.setdefault(key, str(name))
    return [("", _gettext("Record assigned to you (default)"))] + sorted(
        ((k, v) for k, v in rows.items() if k != DEFAULT_TEMPLATE), key=lambda kv: kv[1].lower()
    )


class RuleEntryForm(CriteriaRowsMixin, Form):
    sort_order = forms.IntegerField(
        label=_("Order"),
        min_value=1,
        help_text=_("Entries are tried from the lowest number; the first match wins."),
    )
    criteria_logic = forms.ChoiceField(
        label=_("Criteria logic"),
        choices=[("and", _("All conditions (AND)")), ("or", _("Any condition (OR)"))],
        initial="and",
    )
    target_kind = forms.ChoiceField(
        label=_("Assign to"),
        required=False,
        choices=[("", "—"), *AssignmentRuleEntry.TARGET_KINDS],
        widget=forms.Select(attrs={"x-model": "kind"}),
    )
    user = forms.ModelChoiceField(label=_("User"), queryset=User.objects.none(), required=False)
    queue = forms.ModelChoiceField(label=_("Queue"), queryset=Group.objects.none(), required=False)
    round_robin = forms.ModelChoiceField(
        label=_("Round-robin group"), queryset=RoundRobinGroup.objects.none(), required=False
    )
    email_template = forms.ChoiceField(label=_("Notification email template"), required=False)
    do_not_reassign = forms.BooleanField(
        label=_("Do not reassign owner"),
        required=False,
        help_text=_("A matching record keeps its owner, and no later entry is tried."),
    )

    def __init__(
        self, *args, rule: AssignmentRule, instance: AssignmentRuleEntry | None = None, **kwargs
    ):
        self.rule = rule
        self.obj = registry.get(rule.object_name)
        self.instance = instance or AssignmentRuleEntry(rule=rule)
        if "initial" not in kwargs:
            if instance is not None:
                kwargs["initial"] = {
                    "sort_order": instance.sort_order,
                    "criteria_logic": instance.criteria_logic,
                    "target_kind": instance.target_kind,
                    "user": instance.user_id,
                    "queue": instance.queue_id,
                    "round_robin": instance.round_robin_id,
                    "email_template": instance.email_template,
                    "do_not_reassign": instance.do_not_reassign,
                }
            else:
                last = (
                    rule.entries.order_by("-sort_order")
                    .values_list("sort_order", flat=True)
                    .first()
                    or 0
                )
                kwargs["initial"] = {"sort_order": last + 10 if last else 1}
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(is_active=True)
        self.fields["user"].label_from_instance = user_label
        self.fields["queue"].queryset = Group.objects.filter(kind=Group.KIND_QUEUE)
        self.fields["round_robin"].queryset = RoundRobinGroup.objects.all()
        self.fields["email_template"].choices = template_choices()
        if not self.obj.queue_owned:
            choices = [
                c
                for c in self.fields["target_kind"].choices
                if c[0] != AssignmentRuleEntry.TARGET_QUEUE
            ]
            self.fields["target_kind"].choices = choices
        existing = list(instance.criteria) if instance is not None else []
        self.add_criteria_rows(self.obj, existing)

    def clean(self):
        data = super().clean()
        conditions = self.clean_criteria(self.obj, data)
        self.conditions = conditions
        kind = data.get("target_kind")
        if not data.get("do_not_reassign"):
            if not kind:
                self.add_error("target_kind", _gettext("Choose who gets the matching records."))
            elif not data.get(kind):
                self.add_error(
                    kind,
                    _gettext("Choose the %(target)s that gets the matching records.")
                    % {"target": self.fields[kind].label.lower()},
                )
        queue = data.get("queue")
        if (
            kind == AssignmentRuleEntry.TARGET_QUEUE
            and queue
            and queue.queue_objects
            and self.obj.name not in queue.queue_objects
        ):
            self.add_error(
                "queue",
                _gettext("This queue does not take %(objects)s.")
                % {"objects": self.obj.label_plural.lower()},
            )
        group = data.get("round_robin")
        if (
            kind == AssignmentRuleEntry.TARGET_ROUND_ROBIN
            and group
            and not self.obj.queue_owned
            and group.members.filter(queue__isnull=False).exists()
        ):
            self.add_error(
                "round_robin",
                _gettext("This group includes queues, which cannot own these records."),
            )
        return data

    @transaction.atomic
    def save(self) -> AssignmentRuleEntry:
        d = self.cleaned_data
        entry = self.instance
        entry.rule = self.rule
        entry.sort_order = d["sort_order"]
        entry.criteria = self.conditions
        entry.criteria_logic = d["criteria_logic"]
        entry.do_not_reassign = d["do_not_reassign"]
        kind = (
            "" if entry.do_not_reassign and not d.get("target_kind") else d.get("target_kind") or ""
        )
        entry.target_kind = kind
        entry.user = d.get("user") if kind == AssignmentRuleEntry.TARGET_USER else None
        entry.queue = d.get("queue") if kind == AssignmentRuleEntry.TARGET_QUEUE else None
        entry.round_robin = (
            d.get("round_robin") if kind == AssignmentRuleEntry.TARGET_ROUND_ROBIN else None
        )
        entry.email_template = d.get("email_template") or ""
        entry.save()
        return entry


def assign_checkbox(object_name: str) -> forms.BooleanField | None:
    """The "Assign using active assignment rule" checkbox for a new-record form, or None.

    Ticked by default while the object has an active rule (Salesforce leaves that to the
    page layout; ticking it is the common choice).
    """
    from tandem.assignment.actions import ASSIGNABLE_OBJECTS, has_active_rule

    if object_name not in ASSIGNABLE_OBJECTS:
        return None
    field = forms.BooleanField(
        label=_("Assign using active assignment rule"),
        required=False,
        initial=has_active_rule(object_name),
    )
    field.widget.attrs["class"] = "form-check-input"
    return field


class MassOwnerForm(Form):
    """The target of a mass change of owner; `object_name` and `ids` travel as hidden fields."""

    object_name = forms.CharField(widget=forms.HiddenInput)
    new_owner = forms.ModelChoiceField(
        label=_("User"), queryset=User.objects.none(), required=False
    )
    new_queue = forms.ModelChoiceField(
        label=_("Queue"), queryset=Group.objects.none(), required=False
    )
    send_email = forms.BooleanField(label=_("Send notification email"), required=False)

    def __init__(self, *args, user, obj_def=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_owner"].queryset = pickable_users(user)
        self.fields["new_owner"].label_from_instance = user_label
        self.fields["new_owner"].empty_label = "—"
        self.fields["new_owner"].help_text = _gettext("Choose a user or a queue, not both.")
        if obj_def is not None and obj_def.queue_owned:
            self.fields["new_queue"].queryset = Group.objects.filter(kind=Group.KIND_QUEUE)
            self.fields["new_queue"].empty_label = "—"
        else:
            del self.fields["new_queue"]

    def clean(self):
        data = super().clean()
        if not self.errors and bool(data.get("new_owner")) == bool(data.get("new_queue")):
            self.add_error(
                "new_owner", _gettext("Choose exactly one new owner: a user or a queue.")
            )
        return data

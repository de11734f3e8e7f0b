"""Public groups and queues: name, members and, for queues, the objects they may own."""

from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from tandem.access.models import (
    TARGET_GROUP,
    TARGET_ROLE,
    TARGET_ROLE_SUBS,
    TARGET_USER,
    Group,
    GroupMember,
    Role,
    User,
)
from tandem.core import registry
from tandem.setup.forms.base import ModelForm

MEMBER_FIELDS = {
    "users": (TARGET_USER, "user"),
    "roles": (TARGET_ROLE, "role"),
    "roles_and_subordinates": (TARGET_ROLE_SUBS, "role"),
    "groups": (TARGET_GROUP, "member_group"),
}


def _contains(start: int, target: int, edges: dict[int, set[int]]) -> bool:
    """Whether group `start` contains `target`, directly or through nested groups."""
    seen, frontier = set(), [start]
    while frontier:
        node = frontier.pop()
        if node == target:
            return True
        if node in seen:
            continue
        seen.add(node)
        frontier.extend(edges.get(node, ()))
    return False


class GroupForm(ModelForm):
    users = forms.ModelMultipleChoiceField(
        label=_("Users"), queryset=User.objects.none(), required=False
    )
    roles = forms.ModelMultipleChoiceField(
        label=_("Roles"), queryset=Role.objects.none(), required=False
    )
    roles_and_subordinates = forms.ModelMultipleChoiceField(
        label=_("Roles and subordinates"), queryset=Role.objects.none(), required=False
    )
    groups = forms.ModelMultipleChoiceField(
        label=_("Public groups"), queryset=Group.objects.none(), required=False
    )

    class Meta:
        model = Group
        fields = ("name", "email", "send_email_to_members", "queue_objects")

    def __init__(self, *args, kind=Group.KIND_GROUP, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = self.instance.kind if self.instance.pk else kind
        self.instance.kind = self.kind
        self.fields["users"].queryset = User.objects.filter(is_active=True).order_by(
            "last_name", "first_name"
        )
        self.fields["roles"].queryset = Role.objects.all()
        self.fields["roles_and_subordinates"].queryset = Role.objects.all()
        groups = Group.objects.filter(kind=Group.KIND_GROUP)
        if self.instance.pk:
            groups = groups.exclude(pk=self.instance.pk)
        self.fields["groups"].queryset = groups
        for name in MEMBER_FIELDS:
            self.fields[name].widget.attrs["size"] = 8
            self.fields[name].help_text = _("Hold Ctrl (⌘ on a Mac) to choose several.")
        if self.kind == Group.KIND_QUEUE:
            self.fields["queue_objects"] = forms.MultipleChoiceField(
                label=_("Supported objects"),
                choices=[(o.name, o.label_plural) for o in registry.all_objects() if o.queue_owned],
                widget=forms.CheckboxSelectMultiple,
                required=True,
                help_text=_("Records of these objects can be owned by the queue."),
            )
            self.style_field("queue_objects", self.fields["queue_objects"])
            self.fields["email"].help_text = _(
                "Where notifications about new records in the queue go."
            )
        else:
            for name in ("email", "send_email_to_members", "queue_objects"):
                del self.fields[name]
        if self.instance.pk:
            for name, (kind_, attr) in MEMBER_FIELDS.items():
                self.initial[name] = [
                    getattr(m, attr + "_id") for m in self.instance.members.filter(kind=kind_)
                ]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = Group.objects.filter(kind=self.kind, name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                _("There is already one named %(name)s."), params={"name": name}
            )
        return name

    def clean_groups(self):
        chosen = list(self.cleaned_data.get("groups") or [])
        if not self.instance.pk:
            return chosen  # a new group cannot be inside anything yet
        edges: dict[int, set[int]] = {}
        for parent, child in GroupMember.objects.filter(kind=TARGET_GROUP).values_list(
            "group_id", "member_group_id"
        ):
            if parent != self.instance.pk:
                edges.setdefault(parent, set()).add(child)
        for group in chosen:
            if _contains(group.pk, self.instance.pk, edges):
                raise forms.ValidationError(
                    _("%(group)s already contains this group; a group cannot be inside itself."),
                    params={"group": group.name},
                )
        return chosen

    def save(self, commit=True):
        with transaction.atomic():
            group = super().save(commit=False)
            group.kind = self.kind
            if self.kind != Group.KIND_QUEUE:
                group.queue_objects = []
            group.save()
            group.members.all().delete()
            rows = []
            for name, (kind, attr) in MEMBER_FIELDS.items():
                for item in self.cleaned_data.get(name) or []:
                    rows.append(GroupMember(group=group, kind=kind, **{attr: item}))
            GroupMember.objects.bulk_create(rows)
        return group

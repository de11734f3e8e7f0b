"""Organisation-wide defaults and sharing rules."""

from django import forms
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from tandem.access.models import (
    ACCESS_LEVELS,
    OWD_CHOICES,
    OWD_RANK,
    TARGET_GROUP,
    TARGET_KINDS,
    TARGET_ROLE,
    TARGET_ROLE_SUBS,
    Group,
    OrgDefault,
    Role,
    SharingRule,
)
from tandem.core import registry
from tandem.setup.forms.base import Form
from tandem.setup.forms.criteria import CriteriaRowsMixin

OWD_LABELS = dict(OWD_CHOICES)
KIND_LABELS = dict(TARGET_KINDS)


class OrgDefaultsForm(Form):
    """One pair of selects (internal, external) per object."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rows = {row.object_name: row for row in OrgDefault.objects.all()}
        self.objects = registry.all_objects()
        for obj in self.objects:
            row = rows.get(obj.name)
            choices = [(c, OWD_LABELS[c]) for c in obj.owd_choices]
            self.fields[f"internal__{obj.name}"] = forms.ChoiceField(
                label=_gettext("%(object)s: default internal access") % {"object": obj.label},
                choices=choices,
                initial=row.internal_access if row else obj.default_owd,
            )
            self.fields[f"external__{obj.name}"] = forms.ChoiceField(
                label=_gettext("%(object)s: default external access") % {"object": obj.label},
                choices=choices,
                initial=row.external_access if row else obj.default_owd,
            )

    def rows(self):
        return [
            (obj, self[f"internal__{obj.name}"], self[f"external__{obj.name}"])
            for obj in self.objects
        ]

    def clean(self):
        data = super().clean()
        for obj in self.objects:
            internal = data.get(f"internal__{obj.name}")
            external = data.get(f"external__{obj.name}")
            if internal and external and OWD_RANK[external] > OWD_RANK[internal]:
                self.add_error(
                    f"external__{obj.name}",
                    _gettext(
                        "%(object)s: the external default (%(external)s) cannot be wider than "
                        "the internal one (%(internal)s)."
                    )
                    % {
                        "object": obj.label,
                        "external": OWD_LABELS[external],
                        "internal": OWD_LABELS[internal],
                    },
                )
        return data

    def save(self):
        for obj in self.objects:
            OrgDefault.objects.update_or_create(
                object_name=obj.name,
                defaults={
                    "internal_access": self.cleaned_data[f"internal__{obj.name}"],
                    "external_access": self.cleaned_data[f"external__{obj.name}"],
                },
            )


def principal_choices():
    """Roles, roles with subordinates and public groups, as "kind:id" values in groups."""
    roles = list(Role.objects.all())
    groups = list(Group.objects.filter(kind=Group.KIND_GROUP))
    return [
        (str(KIND_LABELS[TARGET_ROLE]), [(f"{TARGET_ROLE}:{r.pk}", r.name) for r in roles]),
        (
            str(KIND_LABELS[TARGET_ROLE_SUBS]),
            [(f"{TARGET_ROLE_SUBS}:{r.pk}", r.name) for r in roles],
        ),
        (str(KIND_LABELS[TARGET_GROUP]), [(f"{TARGET_GROUP}:{g.pk}", g.name) for g in groups]),
    ]


def principal_label(kind: str, pk) -> str:
    model = Group if kind == TARGET_GROUP else Role
    item = model.objects.filter(pk=pk).first()
    return f"{KIND_LABELS.get(kind, kind)}: {item or '?'}"


def _split(value: str) -> tuple[str, int]:
    kind, _sep, pk = value.partition(":")
    return kind, int(pk)


class SharingRuleForm(CriteriaRowsMixin, Form):
    name = forms.CharField(label=_("Label"), max_length=80)
    description = forms.CharField(label=_("Description"), max_length=255, required=False)
    kind = forms.ChoiceField(
        label=_("Rule type"),
        choices=SharingRule.KINDS,
        widget=forms.Select(attrs={"x-model": "kind"}),
    )
    source = forms.ChoiceField(
        label=_("Records owned by members of"),
        required=False,
        help_text=_("For rules based on the record owner."),
    )
    criteria_logic = forms.ChoiceField(
        label=_("Criteria logic"),
        choices=[("and", _("All conditions (AND)")), ("or", _("Any condition (OR)"))],
        initial="and",
    )
    target = forms.ChoiceField(label=_("Share with"))
    access_level = forms.ChoiceField(label=_("Access level"), choices=ACCESS_LEVELS)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, obj=None, instance=None, **kwargs):
        self.obj = obj
        self.instance = instance or SharingRule(object_name=obj.name)
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": instance.name,
                "description": instance.description,
                "kind": instance.kind,
                "source": f"{instance.source_kind}:{instance.source_id}"
                if instance.source_kind
                else "",
                "criteria_logic": instance.criteria_logic,
                "target": f"{instance.target_kind}:{instance.target_id}",
                "access_level": instance.access_level,
                "is_active": instance.is_active,
            }
        super().__init__(*args, **kwargs)
        choices = principal_choices()
        self.fields["source"].choices = [("", "—")] + choices
        self.fields["target"].choices = [("", "—")] + choices
        self.fields["kind"].initial = self.fields["kind"].initial or SharingRule.KIND_OWNER
        existing = list(instance.criteria) if instance is not None else []
        self.add_criteria_rows(obj, existing)

    def main_fields(self):
        return [
            self[n]
            for n in (
                "name",
                "description",
                "kind",
                "source",
                "criteria_logic",
                "target",
                "access_level",
                "is_active",
            )
        ]

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == SharingRule.KIND_OWNER:
            if not data.get("source"):
                self.add_error("source", _gettext("Choose whose records this rule shares."))
        elif kind == SharingRule.KIND_CRITERIA:
            conditions = self.clean_criteria(self.obj, data)
            if not conditions and not self.errors:
                self.add_error("c0_field", _gettext("Add at least one condition."))
            self.conditions = conditions
        if (
            data.get("source")
            and data.get("target")
            and data["source"] == data["target"]
            and kind == SharingRule.KIND_OWNER
        ):
            self.add_error(
                "target", _gettext("Sharing records with the people who own them changes nothing.")
            )
        return data

    def save(self) -> SharingRule:
        rule = self.instance
        d = self.cleaned_data
        rule.object_name = self.obj.name
        rule.name = d["name"].strip()
        rule.description = d["description"]
        rule.kind = d["kind"]
        if rule.kind == SharingRule.KIND_OWNER:
            rule.source_kind, rule.source_id = _split(d["source"])
            rule.criteria = []
        else:
            rule.source_kind, rule.source_id = "", None
            rule.criteria = self.conditions
        rule.criteria_logic = d["criteria_logic"]
        rule.target_kind, rule.target_id = _split(d["target"])
        rule.access_level = d["access_level"]
        rule.is_active = d["is_active"]
        rule.save()
        return rule

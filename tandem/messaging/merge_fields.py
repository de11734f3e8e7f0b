"""Which merge fields a record's email template may use, and their values for one record.

Names come from the field metadata (standard and custom fields): `first_name` is
`FirstName`, a custom field `region` is `Region__c`, a lookup can be followed one step
(`Opportunity.Account.Name`, `Contact.Owner.Email`). A user is reached only through a
short list of harmless fields (never a password or a permission), and a related record
the sender may not read merges as empty, like a missing value.
"""

import datetime
from decimal import Decimal

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from tandem.core import registry
from tandem.core.fields import CUSTOM_PREFIX, all_fields, record_value

TEMPLATE_OBJECTS = ("lead", "contact", "account", "opportunity")
USER_FIELDS = {
    "FirstName": ("first_name", _("First name")),
    "LastName": ("last_name", _("Last name")),
    "Name": ("full_name", _("Full name")),
    "Email": ("email", _("Email")),
    "Title": ("title", _("Title")),
    "Phone": ("phone", _("Phone")),
}
HIDDEN_FIELDS = {"custom"}


def camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_") if part)


def merge_name(spec) -> str:
    if spec.is_custom:
        return camel(spec.name[len(CUSTOM_PREFIX) :]) + "__c"
    return camel(spec.name)


def root(object_name: str) -> str:
    """The first part of a merge field for an object: "Opportunity"."""
    return camel(object_name)


def _specs(object_name: str) -> dict:
    obj = registry.get(object_name)
    return {merge_name(s): s for s in all_fields(obj) if s.name not in HIDDEN_FIELDS}


def _hop_target(spec) -> str:
    """ "user", an object name, or "" for a lookup that cannot be followed (a queue)."""
    if spec.type not in ("lookup", "owner"):
        return ""
    if spec.lookup_object == "user":
        return "user"
    return spec.lookup_object if spec.lookup_object in TEMPLATE_OBJECTS else ""


def catalogue(object_name: str) -> list[dict]:
    """The merge-field picker: groups of (token, label) for a template of this object."""
    groups = []
    if object_name:
        base = root(object_name)
        obj = registry.get(object_name)
        specs = _specs(object_name)
        rows = [(f"{base}.{n}", str(s.label)) for n, s in specs.items()]
        rows.append((f"{base}.Link", _("Link to the record")))
        groups.append({"label": obj.label, "fields": rows})
        for name, spec in specs.items():
            target = _hop_target(spec)
            if target == "user":
                fields = [
                    (f"{base}.{name}.{k}", str(label)) for k, (_a, label) in USER_FIELDS.items()
                ]
            elif target:
                fields = [
                    (f"{base}.{name}.{n}", str(s.label))
                    for n, s in _specs(target).items()
                    if not _hop_target(s)
                ]
            else:
                continue
            groups.append({"label": f"{obj.label} › {spec.label}", "fields": fields})
    groups.append(
        {
            "label": _("Sender"),
            "fields": [(f"User.{k}", str(label)) for k, (_a, label) in USER_FIELDS.items()],
        }
    )
    groups.append({"label": _("Company"), "fields": [("Organization.Name", _("Company name"))]})
    return groups


def known_tokens(object_name: str) -> set[str]:
    return {token for group in catalogue(object_name) for token, _label in group["fields"]}


def context_records(record) -> dict[str, object]:
    """The records a template can draw on when sending from `record`, by object name."""
    obj = registry.for_model(type(record))
    found = {obj.name: record}
    account = getattr(record, "account", None) if obj.name in ("contact", "opportunity") else None
    if account is not None:
        found["account"] = account
    return found


def plain(value, spec=None, record=None) -> str:
    """A field value as text, the way a person would write it in an email."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(value, (Decimal, float)) and spec is not None and spec.type == "currency":
        currency = getattr(record, "currency", "") or ""
        return f"{currency} {intcomma(Decimal(str(value)).quantize(Decimal('0.01')))}".strip()
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


class Resolver:
    """Values of merge fields for one sender and the records of one email, read safely."""

    def __init__(self, user, records: dict[str, object], base_url: str = ""):
        self.user = user
        self.records = {root(name): rec for name, rec in records.items()}
        self.base_url = base_url
        self._specs = {}

    def specs(self, object_name):
        if object_name not in self._specs:
            self._specs[object_name] = _specs(object_name)
        return self._specs[object_name]

    def values(self, *texts: str) -> dict[str, str]:
        from tandem.messaging.merge import tokens

        return {token: self.value(token) for token in tokens(*texts)}

    def value(self, token: str) -> str:
        parts = token.split(".")
        if parts[0] == "User":
            return self._user_field(self.user, parts[1:])
        if parts[0] == "Organization":
            from tandem.core.models import Company

            return Company.current().name if parts[1:] == ["Name"] else ""
        record = self.records.get(parts[0])
        if record is None:
            return ""
        return self._field(record, parts[1:])

    def _user_field(self, user, rest) -> str:
        if user is None or len(rest) != 1 or rest[0] not in USER_FIELDS:
            return ""
        return plain(getattr(user, USER_FIELDS[rest[0]][0], ""))

    def _field(self, record, rest) -> str:
        obj = registry.for_model(type(record))
        if rest == ["Link"]:
            return self.base_url + record.get_absolute_url()
        spec = self.specs(obj.name).get(rest[0])
        if spec is None:
            return ""
        value = record_value(record, spec)
        target = _hop_target(spec)
        if len(rest) == 1:
            if target and target != "user" and value not in (None, ""):
                value = value if hasattr(value, "pk") else self._related(target, value)
                if value is None or not self._may_read(value):
                    return ""
            return plain(value, spec, record)
        if len(rest) != 2 or not target or value in (None, ""):
            return ""
        if target == "user":
            return self._user_field(value, rest[1:])
        related = value if hasattr(value, "pk") else self._related(target, value)
        if related is None or not self._may_read(related):
            return ""
        inner = self.specs(target).get(rest[1])
        if inner is None or _hop_target(inner):
            return ""
        return plain(record_value(related, inner), inner, related)

    def _related(self, object_name, pk):
        """A record named by a custom lookup's stored id, only if the sender may read it."""
        model = registry.get(object_name).model
        try:
            return model.objects.visible_to(self.user, "read").filter(pk=int(pk)).first()
        except (TypeError, ValueError):
            return None

    def _may_read(self, record) -> bool:
        from tandem.access.door import can

        return self.user is not None and can(self.user, "read", record)

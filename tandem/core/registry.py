"""The object registry: one ObjectDef per business object, read by the door, screens and API.

Adding an object means writing its model (a subclass of core.records.Record) and one
`register(ObjectDef(...))` call in core/objects.py; pages, API, history and access follow.
"""

from dataclasses import dataclass, field

from django.db import models


@dataclass(frozen=True)
class ParentLink:
    """A foreign key through which a record inherits access from its parent."""

    field: str  # the FK field on this model, e.g. "account"
    object_name: str  # the parent's object name


@dataclass(frozen=True)
class ChildLink:
    """A child object whose visible records grant read access to their parent (implicit share)."""

    object_name: str
    field: str  # the FK on the child pointing at this object


@dataclass
class ObjectDef:
    name: str  # "lead": the key used in URLs, permissions, metadata and the API
    model: type[models.Model]
    slug: str  # "leads": the URL segment
    icon: str = "bi-card-text"
    list_columns: tuple[str, ...] = ()
    search_fields: tuple[str, ...] = ()
    picklists: tuple[str, ...] = ()  # standard fields whose values come from PicklistValue
    tracked_fields: tuple[str, ...] = ()
    # Access: an object may be owned by a queue, inherit access from parents (when its
    # default is Controlled by Parent), or
    # give read access to its parent (accounts from their contacts and opportunities).
    queue_owned: bool = False
    parents: tuple[ParentLink, ...] = ()
    children: tuple[ChildLink, ...] = ()
    owd_choices: tuple[str, ...] = ("private", "read", "read_write")
    default_owd: str = "private"
    related_lists: tuple[tuple[str, str], ...] = ()  # (child object name, FK field)
    in_tabs: bool = True
    extra: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name).title()

    @property
    def label_plural(self) -> str:
        return str(self.model._meta.verbose_name_plural).title()

    def model_field(self, name: str):
        return self.model._meta.get_field(name)


_registry: dict[str, ObjectDef] = {}


def register(obj: ObjectDef) -> ObjectDef:
    _registry[obj.name] = obj
    obj.model.object_def = obj
    return obj


def get(name: str) -> ObjectDef:
    return _registry[name]


def find(name: str) -> ObjectDef | None:
    return _registry.get(name)


def for_model(model) -> ObjectDef:
    return model.object_def


def all_objects() -> list[ObjectDef]:
    return list(_registry.values())


def by_slug(slug: str) -> ObjectDef | None:
    return next((o for o in _registry.values() if o.slug == slug), None)

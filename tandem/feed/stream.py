"""What a feed shows: posts and tracked field changes merged by time, a page at a time.

Field changes are read from core's FieldHistory when the feed is shown; nothing is copied.
Which records a user follows, and which they may still see, is decided in the same query
(through the door), so a lost share or a new owner counts on the next request.

Paging is by a cursor (time, kind, id) instead of an offset, so an item posted while
someone reads never shows twice or goes missing between pages.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Prefetch, Q
from django.db.models.functions import Coalesce
from django.urls import reverse

from tandem.core import registry
from tandem.core.fields import CUSTOM_PREFIX
from tandem.core.models import CustomField, FieldHistory
from tandem.feed.models import Follow, Mention, Post

PAGE_SIZE = 15
CHANGE, POST = 0, 1  # ranks that order a change and a post made in the same microsecond
SAME_SAVE = datetime.timedelta(seconds=2)


@dataclass
class Item:
    """One line of a feed: a post (with its comments) or a tracked field change."""

    kind: str  # "post" or "change"
    when: datetime.datetime
    rank: int
    pk: int
    object_name: str
    record_id: int
    post: Post | None = None
    change: FieldHistory | None = None
    changes: list = field(default_factory=list)  # FieldHistory rows saved together, oldest first
    record_label: str = ""
    record_url: str = ""
    icon: str = ""

    @property
    def cursor(self) -> str:
        return f"{self.when.isoformat()}~{self.rank}~{self.pk}"


@dataclass
class FeedPage:
    items: list = field(default_factory=list)
    next_cursor: str | None = None


def parse_cursor(text: str | None):
    """A cursor from a "Show more" link, or None (the first page) when it is missing or bad."""
    try:
        when, rank, pk = (text or "").split("~")
        moment = datetime.datetime.fromisoformat(when)
        if moment.tzinfo is None:
            return None
        return moment, int(rank), int(pk)
    except ValueError:
        return None


def _before(qs, time_field: str, rank: int, cursor):
    if cursor is None:
        return qs
    moment, c_rank, c_pk = cursor
    condition = Q(**{f"{time_field}__lt": moment})
    if rank < c_rank:
        condition |= Q(**{time_field: moment})
    elif rank == c_rank:
        condition |= Q(**{time_field: moment, "pk__lt": c_pk})
    return qs.filter(condition)


def _comments():
    return Prefetch(
        "comments",
        queryset=Post.objects.select_related("author")
        .prefetch_related(Prefetch("mentions", queryset=Mention.objects.select_related("user")))
        .order_by("created_at", "id"),
    )


def _merge(posts, changes, cursor, limit: int) -> FeedPage:
    post_rows = list(
        _before(posts, "created_at", POST, cursor)
        .select_related("author")
        .order_by("-created_at", "-id")[: limit + 1]
    )
    change_rows = list(
        _before(changes, "changed_at", CHANGE, cursor)
        .select_related("changed_by")
        .order_by("-changed_at", "-id")[: limit + 1]
    )
    items = [
        Item("post", p.created_at, POST, p.pk, p.object_name, p.record_id, post=p)
        for p in post_rows
    ] + [
        Item("change", c.changed_at, CHANGE, c.pk, c.object_name, c.record_id, change=c)
        for c in change_rows
    ]
    items.sort(key=lambda i: (i.when, i.rank, i.pk), reverse=True)
    more = len(items) > limit
    items = items[:limit]
    shown_posts = [i.post for i in items if i.post is not None]
    if shown_posts:
        from django.db.models import prefetch_related_objects

        prefetch_related_objects(
            shown_posts,
            Prefetch("mentions", queryset=Mention.objects.select_related("user")),
            _comments(),
        )
    _label_changes([i.change for i in items if i.change is not None])
    next_cursor = items[-1].cursor if more and items else None
    return FeedPage(_group_changes(items), next_cursor)


def _group_changes(items: list[Item]) -> list[Item]:
    """One line for the fields a person changed in one save ("changed Stage …; Probability …")."""
    out: list[Item] = []
    for item in items:
        last = out[-1] if out else None
        if (
            item.change is not None
            and last is not None
            and last.change is not None
            and "created" not in (item.change.field_name, last.change.field_name)
            and (last.object_name, last.record_id) == (item.object_name, item.record_id)
            and last.change.changed_by_id == item.change.changed_by_id
            and abs(last.when - item.when) < SAME_SAVE
        ):
            last.changes.insert(0, item.change)
            continue
        if item.change is not None:
            item.changes = [item.change]
        out.append(item)
    return out


def _label_changes(changes: list[FieldHistory]) -> None:
    """Field labels for changes: standard ones from the model, custom ones in one query."""
    custom_names = {
        (c.object_name, c.field_name[len(CUSTOM_PREFIX) :])
        for c in changes
        if c.field_name.startswith(CUSTOM_PREFIX)
    }
    custom = {}
    if custom_names:
        rows = CustomField.objects.filter(
            object_name__in={o for o, _n in custom_names}, name__in={n for _o, n in custom_names}
        )
        custom = {(r.object_name, r.name): r.label for r in rows}
    for change in changes:
        name = change.field_name
        if name.startswith(CUSTOM_PREFIX):
            short = name[len(CUSTOM_PREFIX) :]
            change.field_label = custom.get((change.object_name, short), short)
            continue
        obj_def = registry.find(change.object_name)
        try:
            change.field_label = str(obj_def.model._meta.get_field(name).verbose_name).capitalize()
        except (AttributeError, FieldDoesNotExist):  # removed since the change was recorded
            change.field_label = name.replace("_", " ").capitalize()


def record_feed(obj_def, record, cursor=None, limit: int = PAGE_SIZE) -> FeedPage:
    """The feed of one record the caller has already fetched through the door."""
    posts = Post.objects.filter(object_name=obj_def.name, record_id=record.pk, parent__isnull=True)
    changes = FieldHistory.objects.filter(object_name=obj_def.name, record_id=record.pk)
    return _merge(posts, changes, cursor, limit)


def followed_records(user, obj_def, visible=None):
    """Ids of the records of one object that `user` follows and may read, as a subquery.

    Following is explicit (a Follow row) or automatic: the owner and the creator of a
    record follow it unless they chose to unfollow it. `visible` is the object's
    `visible_to(user, "read")` queryset when the caller already has it.
    """
    if visible is None:
        visible = obj_def.model.objects.visible_to(user, "read")
    rows = Follow.objects.filter(user=user, object_name=obj_def.name)
    automatic = (Q(owner=user) | Q(created_by=user)) & ~Q(
        pk__in=rows.filter(following=False).values("record_id")
    )
    chosen = Q(pk__in=rows.filter(following=True).values("record_id"))
    return visible.filter(chosen | automatic).values("pk")


def home_feed(user, cursor=None, limit: int = PAGE_SIZE) -> FeedPage:
    """Posts and changes on records `user` follows, and posts mentioning them, on records they may still read."""
    mentioned = Mention.objects.filter(user=user).values("post_id")
    mentioned_posts = (
        Post.objects.filter(pk__in=mentioned)
        .annotate(top=Coalesce("parent_id", "id"))
        .values("top")
    )
    post_q = Q(pk__in=[])
    change_q = Q(pk__in=[])
    for obj_def in registry.all_objects():
        visible = obj_def.model.objects.visible_to(user, "read")  # the door, once per object
        followed = followed_records(user, obj_def, visible)
        readable_mentions = visible.filter(
            pk__in=Post.objects.filter(object_name=obj_def.name, pk__in=mentioned_posts).values(
                "record_id"
            )
        ).values("pk")
        post_q |= Q(object_name=obj_def.name) & (
            Q(record_id__in=followed)
            | (Q(pk__in=mentioned_posts) & Q(record_id__in=readable_mentions))
        )
        change_q |= Q(object_name=obj_def.name, record_id__in=followed)
    posts = Post.objects.filter(post_q, parent__isnull=True)
    changes = FieldHistory.objects.filter(change_q)
    page = _merge(posts, changes, cursor, limit)
    _name_records(page.items)
    return page


def _name_records(items: list[Item]) -> None:
    """Record names and links for a page of Home's feed: one query per object on the page."""
    wanted: dict[str, set[int]] = {}
    for item in items:
        wanted.setdefault(item.object_name, set()).add(item.record_id)
    names = {}
    for object_name, ids in wanted.items():
        obj_def = registry.find(object_name)
        if obj_def is None:
            continue
        # These ids come from the query above, which went through the door in this request.
        for record in obj_def.model.objects.unrestricted().filter(pk__in=ids):
            names[(object_name, record.pk)] = (str(record), obj_def)
    for item in items:
        found = names.get((item.object_name, item.record_id))
        if found:
            label, obj_def = found
            item.record_label = label
            item.icon = obj_def.icon
            item.record_url = reverse("record_detail", args=[obj_def.slug, item.record_id])
    items[:] = [i for i in items if i.record_url]

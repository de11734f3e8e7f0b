"""What a feed shows: posts and tracked field changes merged by time, a page at a time.

Field changes are read from core's FieldHistory when the feed is shown; nothing is copied.
Which records a user follows, and which they may still see, is decided on every request
(the page's records go through the door), so a lost share or a new owner counts at once.

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


def _fetch(posts, changes, cursor, limit: int) -> list[Item]:
    """Up to `limit` items before `cursor`, newest first, not yet decorated."""
    post_rows = list(
        _before(posts, "created_at", POST, cursor)
        .select_related("author")
        .order_by("-created_at", "-id")[:limit]
    )
    change_rows = list(
        _before(changes, "changed_at", CHANGE, cursor)
        .select_related("changed_by")
        .order_by("-changed_at", "-id")[:limit]
    )
    items = [
        Item("post", p.created_at, POST, p.pk, p.object_name, p.record_id, post=p)
        for p in post_rows
    ] + [
        Item("change", c.changed_at, CHANGE, c.pk, c.object_name, c.record_id, change=c)
        for c in change_rows
    ]
    items.sort(key=lambda i: (i.when, i.rank, i.pk), reverse=True)
    return items[:limit]


def _finish(items: list[Item], more: bool) -> FeedPage:
    """Comments, mentions and field labels for the items of one page, saves grouped."""
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


def _merge(posts, changes, cursor, limit: int) -> FeedPage:
    items = _fetch(posts, changes, cursor, limit + 1)
    more = len(items) > limit
    return _finish(items[:limit], more)


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


def visible(user, obj_def, action: str = "read"):
    """`obj_def`'s records `user` may act on, the door's condition built once per request.

    Building the door's condition costs far more than running it, and Home asks for the
    same objects several times. The queryset is kept on the user object (new each request)
    next to the principals it was built from, and rebuilt if those were forgotten.
    """
    store = user.__dict__.setdefault("_tandem_visible", {})
    key = (obj_def.name, action)
    principals = user.__dict__.get("_tandem_principals")
    hit = store.get(key)
    if hit is not None and hit[0] is principals:
        return hit[1]
    qs = obj_def.model.objects.visible_to(user, action)
    store[key] = (user.__dict__.get("_tandem_principals"), qs)
    return qs


def _follow_candidates(user, obj_def):
    """Ids of the records `user` follows (explicitly, or as owner or creator), access aside."""
    rows = Follow.objects.filter(user=user, object_name=obj_def.name)
    automatic = (Q(owner=user) | Q(created_by=user)) & ~Q(
        pk__in=rows.filter(following=False).values("record_id")
    )
    chosen = Q(pk__in=rows.filter(following=True).values("record_id"))
    return obj_def.model.objects.unrestricted().filter(chosen | automatic).values("pk")


# Home reads its feed in batches of this many items, dropping those on records the user
# may no longer read, until a page is full or this many batches have been read.
MAX_BATCHES = 20


def home_feed(user, cursor=None, limit: int = PAGE_SIZE) -> FeedPage:
    """Posts and changes on records `user` follows, and posts mentioning them, on records they may still read.

    The candidates are chosen without the door (follows, ownership, mentions: simple
    indexed conditions), then the records on the page are checked through the door, one
    query per object on the page. Building the door's condition for every object into one
    statement cost more than everything else on Home together.
    """
    mentioned = Mention.objects.filter(user=user).values("post_id")
    mentioned_posts = (
        Post.objects.filter(pk__in=mentioned)
        .annotate(top=Coalesce("parent_id", "id"))
        .values("top")
    )
    post_q = Q(pk__in=mentioned_posts)
    change_q = Q(pk__in=[])
    for obj_def in registry.all_objects():
        followed = _follow_candidates(user, obj_def)
        post_q |= Q(object_name=obj_def.name, record_id__in=followed)
        change_q |= Q(object_name=obj_def.name, record_id__in=followed)
    posts = Post.objects.filter(post_q, parent__isnull=True)
    changes = FieldHistory.objects.filter(change_q)

    readable: dict[tuple[str, int], object] = {}  # (object, id) -> record, or None if hidden
    kept: list[Item] = []
    position, more = cursor, False
    for _batch in range(MAX_BATCHES):
        batch = _fetch(posts, changes, position, limit + 1)
        _check_records(user, batch, readable)
        kept += [i for i in batch if readable.get((i.object_name, i.record_id))]
        if len(kept) > limit or len(batch) <= limit:
            more = len(kept) > limit
            break
        position = parse_cursor(batch[-1].cursor)
    else:  # many hidden items in a row: show what was found, "Show more" goes on from there
        more = True
    items = kept[:limit]
    page = _finish(items, more)
    if more and not items and position is not None:
        page.next_cursor = batch[-1].cursor
    _name_records(page.items, readable)
    return page


def _check_records(user, items: list[Item], readable: dict) -> None:
    """Read, through the door, the records of `items` not checked yet: one query per object."""
    wanted: dict[str, set[int]] = {}
    for item in items:
        if (item.object_name, item.record_id) not in readable:
            wanted.setdefault(item.object_name, set()).add(item.record_id)
    for object_name, ids in wanted.items():
        obj_def = registry.find(object_name)
        found = {}
        if obj_def is not None:
            found = {r.pk: r for r in visible(user, obj_def).filter(pk__in=ids)}
        for pk in ids:
            readable[(object_name, pk)] = found.get(pk)


def _name_records(items: list[Item], records: dict) -> None:
    """Record names and links for a page of Home's feed, from the records the door returned."""
    for item in items:
        record = records.get((item.object_name, item.record_id))
        if record is None:
            continue
        obj_def = registry.find(item.object_name)
        item.record_label = str(record)
        item.icon = obj_def.icon
        item.record_url = reverse("record_detail", args=[obj_def.slug, item.record_id])
    items[:] = [i for i in items if i.record_url]

"""Named actions of the feed: post, comment, delete, follow; mentions and their notifications.

Everything is checked through the door: only people who can read a record post on it,
and a mentioned person is notified only when they can read it too.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from tandem.access.directory import pickable_users
from tandem.access.door import can
from tandem.core import registry
from tandem.core.actions import NotVisible
from tandem.feed.models import MAX_BODY, Follow, Mention, Post

MENTION_KIND = "mention"
MAX_MENTIONS = 20
# The first word after an "@": a typed mention is matched on the user's whole name.
MENTION_START = re.compile(r"@([^\W\d_][\w'’.-]*)")


@dataclass
class Posted:
    """A saved post or comment, who was told about it and who could not be."""

    post: Post
    notified: list = field(default_factory=list)
    unreachable: list = field(default_factory=list)


def record_of(user, post: Post):
    """The record a post belongs to, if `user` may read it; else None (the caller answers 404)."""
    obj_def = registry.find(post.object_name)
    if obj_def is None:
        return None
    return obj_def.model.objects.visible_to(user, "read").filter(pk=post.record_id).first()


def _names(body_lower: str, full_name: str) -> bool:
    pattern = "@" + re.escape(full_name.lower()) + r"(?!\w)"
    return re.search(pattern, body_lower) is not None


def find_mentions(author, body: str, picked_ids=()) -> list:
    """The users an author names with "@Full Name" among the people they may pick.

    People chosen in the autocomplete arrive as ids and count while their name is still
    in the text; a name typed by hand counts when exactly one such person has it.
    """
    people = pickable_users(author)
    low = body.lower()
    found = {}
    ids = []
    for raw in picked_ids:
        try:
            ids.append(int(raw))
        except (TypeError, ValueError):
            continue
    if ids:
        for user in people.filter(pk__in=ids[:MAX_MENTIONS]):
            if _names(low, user.full_name):
                found[user.pk] = user
    words = sorted({m.group(1).lower() for m in MENTION_START.finditer(body)})[:MAX_MENTIONS]
    if words:
        condition = Q()
        for word in words:
            condition |= Q(first_name__istartswith=word)
        by_name = defaultdict(list)
        for user in people.filter(condition)[:200]:
            if _names(low, user.full_name):
                by_name[user.full_name.lower()].append(user)
        taken = {u.full_name.lower() for u in found.values()}
        for name, users in by_name.items():
            if len(users) == 1 and name not in taken:
                found.setdefault(users[0].pk, users[0])
    found.pop(author.pk, None)
    return list(found.values())[:MAX_MENTIONS]


def _clean_body(body: str) -> str:
    body = (body or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not body:
        raise ValidationError({"body": _("Write something before posting.")})
    if len(body) > MAX_BODY:
        raise ValidationError(
            {
                "body": _("Keep it under %(max)d characters (it has %(n)d).")
                % {"max": MAX_BODY, "n": len(body)}
            }
        )
    return body


def _tell(recipient, author, obj_def, record, post: Post, link) -> None:
    """In-app notification, and the editable "mention" email unless the person turned it off."""
    from tandem.messaging.notify import email_user, notify

    url = f"{record.get_absolute_url()}#post-{post.pk}"
    title = _("%(author)s mentioned you on %(object)s %(name)s") % {
        "author": author.full_name,
        "object": obj_def.label,
        "name": record,
    }
    notify(recipient, MENTION_KIND, title[:255], url, obj_def.name, record.pk)
    email_user(
        recipient,
        MENTION_KIND,
        {
            "Record.Type": obj_def.label.lower(),
            "Record.Name": str(record),
            "Record.Link": link(url) if link else getattr(settings, "TANDEM_BASE_URL", "") + url,
            "Sender.Name": author.full_name,
            "Recipient.FirstName": recipient.first_name,
            "Recipient.Name": recipient.full_name,
            "Post.Text": post.body,
        },
    )


def _publish(author, record, body: str, mention_ids, parent: Post | None, link) -> Posted:
    obj_def = registry.for_model(type(record))
    body = _clean_body(body)
    with transaction.atomic():
        if not can(author, "read", record):
            raise NotVisible()
        post = Post.objects.create(
            object_name=obj_def.name, record_id=record.pk, parent=parent, author=author, body=body
        )
        result = Posted(post)
        rows = []
        for person in find_mentions(author, body, mention_ids):
            # The door decides, for the person mentioned, at this moment.
            sees = person.is_active and can(person, "read", record)
            rows.append(Mention(post=post, user=person, notified=sees))
            (result.notified if sees else result.unreachable).append(person)
        Mention.objects.bulk_create(rows)
        for person in result.notified:
            _tell(person, author, obj_def, record, post, link)
    return result


def create_post(author, record, body: str, mention_ids=(), link=None) -> Posted:
    """Post on a record's feed; `link` turns a path into an absolute URL for emails."""
    return _publish(author, record, body, mention_ids, None, link)


def add_comment(author, post: Post, body: str, mention_ids=(), link=None) -> Posted:
    """Comment on a post (comments have no comments of their own)."""
    if post.parent_id is not None:
        post = post.parent
    record = record_of(author, post)
    if record is None:
        raise NotVisible()
    return _publish(author, record, body, mention_ids, post, link)


def can_delete(user, post: Post) -> bool:
    return post.author_id == user.pk or user.is_admin


def delete_post(user, post: Post) -> None:
    """The author or an administrator deletes a post (with its comments) or a comment."""
    with transaction.atomic():
        if record_of(user, post) is None:
            raise NotVisible()
        if not can_delete(user, post):
            raise PermissionDenied(_("Only the author or an administrator can delete this post."))
        post.delete()


def set_following(user, record, following: bool) -> Follow:
    """Follow or unfollow a record the user can read; the choice overrides automatic following."""
    obj_def = registry.for_model(type(record))
    with transaction.atomic():
        if not can(user, "read", record):
            raise NotVisible()
        row, _created = Follow.objects.update_or_create(
            user=user,
            object_name=obj_def.name,
            record_id=record.pk,
            defaults={"following": following},
        )
    return row


def follow_status(user, record) -> tuple[bool, int]:
    """Whether `user` follows the record, and how many active people follow it."""
    from tandem.access.models import User

    obj_def = registry.for_model(type(record))
    rows = list(
        Follow.objects.filter(object_name=obj_def.name, record_id=record.pk).values_list(
            "user_id", "following", "user__is_active"
        )
    )
    chosen = {uid: following for uid, following, _active in rows}
    followers = {uid for uid, following, active in rows if following and active}
    automatic = {record.owner_id, record.created_by_id} - {None} - set(chosen)
    if automatic:
        followers |= set(
            User.objects.filter(pk__in=automatic, is_active=True).values_list("pk", flat=True)
        )
    mine = chosen.get(user.pk, user.pk in (record.owner_id, record.created_by_id))
    return mine, len(followers)

"""The feed panel on record pages, its actions, the @mention autocomplete and Home's feed pages.

Every URL that names a record or a post answers 404 when the user may not read the record.
Forms post with HTMX and get the panel back; without JavaScript they redirect to the record.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tandem.access.directory import pickable_users
from tandem.access.door import can
from tandem.core import registry
from tandem.core.actions import NotVisible
from tandem.feed import actions
from tandem.feed.models import Post
from tandem.feed.stream import home_feed, parse_cursor, record_feed
from tandem.web.lists import object_or_404
from tandem.web.records import fetch

MENTION_OPTIONS = 8
MENTION_CANDIDATES = 40


def feed_panel(request, record, notices=(), errors=None, draft="", comment_errors=None):
    """The context of the feed panel (registered in every object's detail_panels)."""
    obj_def = registry.for_model(type(record))
    page = record_feed(obj_def, record)
    for item in page.items:
        if item.post is not None:
            item.comment_errors = (comment_errors or {}).get(item.post.pk, [])
    following, followers = actions.follow_status(request.user, record)
    return {
        "template": "feed/panel.html",
        "obj_def": obj_def,
        "record": record,
        "items": page.items,
        "next_cursor": page.next_cursor,
        "following": following,
        "followers": followers,
        "is_admin": request.user.is_admin,
        "notices": list(notices),
        "errors": errors or {},
        "draft": draft,
        "comment_errors": comment_errors or {},
    }


def _panel(request, record, **extra):
    return render(request, "feed/panel.html", {"panel": feed_panel(request, record, **extra)})


def _unreachable_notices(posted) -> list[str]:
    return [
        _("%(name)s can't see this record and wasn't notified.") % {"name": person.full_name}
        for person in posted.unreachable
    ]


def _errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)


def _done(request, record, posted=None, **extra):
    """The answer after an action: the panel for HTMX, else back to the record with messages."""
    notices = _unreachable_notices(posted) if posted else []
    if request.htmx:
        return _panel(request, record, notices=notices, **extra)
    for text in notices:
        messages.warning(request, text)
    for field_errors in (extra.get("errors") or {}).values():
        for text in field_errors:
            messages.error(request, _("Post: %(error)s") % {"error": text})
    for field_errors in (extra.get("comment_errors") or {}).values():
        for text in field_errors:
            messages.error(request, _("Comment: %(error)s") % {"error": text})
    return redirect(record.get_absolute_url() + "#feed-panel")


def _link(request):
    return request.build_absolute_uri


def _post_and_record(request, pk):
    post = get_object_or_404(Post, pk=pk)
    record = actions.record_of(request.user, post)
    if record is None:
        raise Http404
    return post, record


@login_required
@require_POST
def post_create(request, slug, pk):
    obj_def = object_or_404(slug)
    record = fetch(obj_def, request.user, pk)
    body = request.POST.get("body", "")
    try:
        posted = actions.create_post(
            request.user, record, body, request.POST.getlist("mention"), link=_link(request)
        )
    except ValidationError as exc:
        return _done(request, record, errors={"body": _errors(exc)}, draft=body)
    except NotVisible:
        raise Http404 from None
    return _done(request, record, posted)


@login_required
@require_POST
def comment_create(request, pk):
    post, record = _post_and_record(request, pk)
    body = request.POST.get("body", "")
    try:
        posted = actions.add_comment(
            request.user, post, body, request.POST.getlist("mention"), link=_link(request)
        )
    except ValidationError as exc:
        return _done(request, record, comment_errors={post.pk: _errors(exc)})
    except NotVisible:
        raise Http404 from None
    return _done(request, record, posted)


@login_required
@require_POST
def post_delete(request, pk):
    post, record = _post_and_record(request, pk)
    try:
        actions.delete_post(request.user, post)
    except NotVisible:
        raise Http404 from None
    except PermissionDenied as exc:
        if request.htmx:
            return _panel(request, record, notices=[str(exc)])
        messages.error(request, str(exc))
    return _done(request, record)


@login_required
@require_POST
def follow(request, slug, pk):
    obj_def = object_or_404(slug)
    record = fetch(obj_def, request.user, pk)
    try:
        actions.set_following(request.user, record, request.POST.get("following") == "1")
    except NotVisible:
        raise Http404 from None
    return _done(request, record)


@login_required
@require_GET
def mention_options(request, slug, pk):
    """People the author may mention here: those they may pick who can read the record."""
    obj_def = object_or_404(slug)
    record = fetch(obj_def, request.user, pk)
    text = request.GET.get("q", "").strip()[:60]
    people = pickable_users(request.user).exclude(pk=request.user.pk).select_related("profile")
    for word in text.split()[:3]:
        people = people.filter(
            Q(first_name__istartswith=word)
            | Q(last_name__istartswith=word)
            | Q(email__istartswith=word)
        )
    options = []
    # The door answers per person; a few candidates are enough for a menu.
    for person in people.order_by("first_name", "last_name", "pk")[:MENTION_CANDIDATES]:
        if can(person, "read", record):
            options.append(person)
            if len(options) >= MENTION_OPTIONS:
                break
    return render(request, "feed/mention_options.html", {"options": options, "text": text})


@login_required
@require_GET
def record_items(request, slug, pk):
    """ "Show more" on a record's feed."""
    obj_def = object_or_404(slug)
    record = fetch(obj_def, request.user, pk)
    page = record_feed(obj_def, record, parse_cursor(request.GET.get("before")))
    panel = {
        "obj_def": obj_def,
        "record": record,
        "items": page.items,
        "next_cursor": page.next_cursor,
        "is_admin": request.user.is_admin,
        "comment_errors": {},
    }
    return render(request, "feed/record_items.html", {"panel": panel})


@login_required
@require_GET
def home_items(request):
    """ "Show more" on Home's feed."""
    if request.user.is_external:
        raise Http404
    page = home_feed(request.user, parse_cursor(request.GET.get("before")))
    return render(request, "feed/home_items.html", {"feed": page})

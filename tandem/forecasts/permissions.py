"""Who may see, adjust and set quotas on whose forecast: the role hierarchy decides.

A person sees their own forecast and that of anyone in a role below theirs (the same reach
the door gives them over those people's opportunities); administrators and View All Data
see everyone's. Adjusting and setting quotas is for people above the person in the role
hierarchy and for administrators; a manager may also adjust their own roll-up. Whatever
may be seen, amounts only ever include opportunities the viewer may read.
"""

from tandem.forecasts.tree import ForecastTree


def uses_forecasts(user) -> bool:
    """Internal users whose profile may read opportunities; partners use the portal."""
    return (
        user.is_authenticated
        and user.is_active
        and not user.is_external
        and user.profile.has_object_permission("opportunity", "read")
    )


def sees_everyone(user) -> bool:
    return user.is_admin or user.has_system_permission("view_all_data")


def may_view(user, tree: ForecastTree, pk: int) -> bool:
    if tree.get(pk) is None:
        return False
    return pk == user.pk or sees_everyone(user) or tree.is_above(user.pk, pk)


def may_adjust(user, tree: ForecastTree, pk: int) -> bool:
    person = tree.get(pk)
    if person is None or not uses_forecasts(user):
        return False
    if user.is_admin or tree.is_above(user.pk, pk):
        return True
    return pk == user.pk and bool(person.children)


def may_set_quota(user, tree: ForecastTree, pk: int) -> bool:
    if tree.get(pk) is None or not uses_forecasts(user):
        return False
    return user.is_admin or tree.is_above(user.pk, pk)


def default_person(user, tree: ForecastTree):
    """Whose forecast the page opens on: one's own; a roleless administrator gets the top."""
    me = tree.get(user.pk)
    if me is not None and (me.role_id is not None or not sees_everyone(user)):
        return me
    roots = tree.roots()
    return roots[0] if roots else me


def choosable_people(user, tree: ForecastTree) -> list:
    """People whose forecast the viewer may open from the "Show forecast of" menu: managers."""
    people = [
        p
        for p in tree.people.values()
        if p.children and (p.pk == user.pk or sees_everyone(user) or tree.is_above(user.pk, p.pk))
    ]
    me = tree.get(user.pk)
    if me is not None and me not in people:
        people.append(me)
    return sorted(people, key=lambda p: (p.pk != user.pk, p.name.lower()))

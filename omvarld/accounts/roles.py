"""The product's roles (MISSION X2) as Django groups, what each role may do, and the one place
views check it.

Roles are ordered: each includes what the ones below it may do (member < partner < editor <
admin). Views never test roles directly; they ask for a *capability* through ``require`` or
``get_for_user``, so the rules live here and nowhere else.
"""

from functools import wraps

from django.contrib.auth.models import Group, Permission
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

MEMBER, PARTNER, EDITOR, ADMIN = "member", "partner", "editor", "admin"
ROLES = (MEMBER, PARTNER, EDITOR, ADMIN)
ROLE_LABELS = {MEMBER: _("Member"), PARTNER: _("Partner contributor"), EDITOR: _("Editor"), ADMIN: _("Administrator")}

# Editors edit content; administrators also change the taxonomy, and are superusers besides.
_CONTENT = ["item", "placement", "keyword", "entitysection"]
_TAXONOMY = ["maincategory", "infocategory", "entity", "entityrelation", "theme", "region"]

# Capability -> the lowest role that holds it.
SUGGEST = "suggest"  # send suggestions and trip reports, follow their state, revise them
REVIEW = "review"  # the review queue; create, edit, publish and trash items; revisions and trash
EDIT_TAXONOMY = "edit_taxonomy"  # restore main categories, information categories and regions
MANAGE_USERS = "manage_users"  # invite users and set their roles
CAPABILITIES = {SUGGEST: PARTNER, REVIEW: EDITOR, EDIT_TAXONOMY: ADMIN, MANAGE_USERS: ADMIN}


def _perms(models: list[str]) -> list[Permission]:
    return list(Permission.objects.filter(content_type__app_label="core", content_type__model__in=models))


def ensure_roles() -> dict[str, Group]:
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in ROLES}
    groups[EDITOR].permissions.set(_perms(_CONTENT + ["entity", "entityrelation", "theme"]))
    groups[ADMIN].permissions.set(_perms(_CONTENT + _TAXONOMY))
    # The events calendar (#15): editors keep events, participation plans and their deadlines.
    events = Permission.objects.filter(content_type__app_label="events")
    groups[EDITOR].permissions.add(*events)
    groups[ADMIN].permissions.add(*events)
    return groups


def role_of(user) -> str | None:
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return ADMIN
    names = set(user.groups.values_list("name", flat=True))
    for role in (ADMIN, EDITOR, PARTNER, MEMBER):
        if role in names:
            return role
    return None


def assign_role(user, role: str) -> None:
    groups = ensure_roles()
    user.groups.set([groups[role]])
    user.is_staff = role in (EDITOR, ADMIN)
    user.is_superuser = role == ADMIN
    user.save(update_fields=["is_staff", "is_superuser"])


def can(user, capability: str) -> bool:
    role = role_of(user)
    if role is None or not user.is_active:
        return False
    return ROLES.index(role) >= ROLES.index(CAPABILITIES[capability])


def _check(request, capability: str):
    """None when allowed; else the response for an anonymous visitor, or PermissionDenied."""
    if can(request.user, capability):
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied


def require(capability: str):
    """View decorator: only users holding ``capability`` get in; visitors are sent to sign in."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            return _check(request, capability) or view(request, *args, **kwargs)

        wrapper.capability = capability
        return wrapper

    return decorator


def get_for_user(user, queryset, capability: str, *, owner_field: str | None = None, **lookup):
    """Look up one object and check that ``user`` may act on it with ``capability``.

    With ``owner_field``, the owner holding ``capability`` may act on their own object; anyone
    else needs the review capability (editors see every suggestion, partners only their own).
    Views are also wrapped in ``require`` so that visitors are sent to sign in first.
    """
    if not can(user, capability):
        raise PermissionDenied
    obj = get_object_or_404(queryset, **lookup)
    if owner_field and getattr(obj, f"{owner_field}_id") != user.pk and not can(user, REVIEW):
        raise PermissionDenied
    return obj

"""The product's roles (MISSION X2) as Django groups, with the model permissions each one holds."""

from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _

MEMBER, PARTNER, EDITOR, ADMIN = "member", "partner", "editor", "admin"
ROLE_LABELS = {MEMBER: _("Member"), PARTNER: _("Partner contributor"), EDITOR: _("Editor"), ADMIN: _("Administrator")}

# Editors edit content; administrators also change the taxonomy, and are superusers besides.
_CONTENT = ["item", "placement", "keyword", "entitysection"]
_TAXONOMY = ["maincategory", "infocategory", "entity", "entityrelation", "theme", "region"]


def _perms(models: list[str]) -> list[Permission]:
    return list(Permission.objects.filter(content_type__app_label="core", content_type__model__in=models))


def ensure_roles() -> dict[str, Group]:
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in (MEMBER, PARTNER, EDITOR, ADMIN)}
    groups[EDITOR].permissions.set(_perms(_CONTENT + ["entity", "entityrelation", "theme"]))
    groups[ADMIN].permissions.set(_perms(_CONTENT + _TAXONOMY))
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

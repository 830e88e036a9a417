"""``{% follow_button entity=entity %}``: the one-click follow/unfollow on map and source pages."""

from django import template
from django.urls import reverse

register = template.Library()


def follow_context(request, target, *, following: bool) -> dict:
    ref = target.keyword if target.kind == "keyword" else (getattr(target.obj, "slug", None) or str(target.obj.pk))
    label = target.keyword or str(target.obj)
    return {
        "kind": target.kind, "ref": ref, "label": label, "following": following,
        "action": reverse("personal:unfollow" if following else "personal:follow", args=[target.kind, ref]),
        "next": request.get_full_path() if request is not None and not request.headers.get("HX-Request") else "",
        "dom_id": f"follow-{target.kind}-{ref}".replace(" ", "-"),
        "user": getattr(request, "user", None),
    }


@register.inclusion_tag("personal/follow_button.html", takes_context=True)
def follow_button(context, entity=None, theme=None, category=None, source=None, keyword=None):
    from omvarld.personal.actions import Target, normalise_keyword
    from omvarld.personal.queries import follow_key_of

    request = context.get("request")
    if entity is not None:
        target = Target("entity", entity)
    elif theme is not None:
        target = Target("theme", theme)
    elif category is not None:
        target = Target("category", category)
    elif source is not None:
        target = Target("source", source)
    else:
        target = Target("keyword", keyword=normalise_keyword(keyword))
    user = getattr(request, "user", None)
    following = bool(user and user.is_authenticated and follow_key_of(user, target.key))
    out = follow_context(request, target, following=following)
    out["csrf_token"] = context.get("csrf_token")
    if request is not None:
        out["next"] = request.get_full_path()
    return out

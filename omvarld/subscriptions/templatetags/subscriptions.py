"""``{% subscribe_form entity=entity %}``: the small subscribe form on map pages."""

from django import template

from omvarld.subscriptions.models import Subscription

register = template.Library()


@register.inclusion_tag("subscriptions/subscribe_form.html", takes_context=True)
def subscribe_form(context, entity=None, theme=None, category=None):
    if entity is not None:
        target, label = f"entity:{entity.slug}", entity.name
    elif theme is not None:
        target, label = f"theme:{theme.slug}", theme.label
    elif category is not None:
        target, label = f"category:{category.slug}", category.name
    else:
        target, label = "everything", None
    request = context.get("request")
    return {
        "target": target,
        "label": label,
        "page": request.path if request else "",
        "rhythms": Subscription.Rhythm.choices,
        "csrf_token": context.get("csrf_token"),
        "form_id": f"sub-{target.replace(':', '-')}",
    }

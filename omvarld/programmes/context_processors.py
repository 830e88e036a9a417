from django.conf import settings
from django.utils import translation


def look(request):
    """The programme's tagline and whether it has a logo and colours of its own."""
    programme = getattr(settings, "PROGRAMME", {}) or {}
    lang = (translation.get_language() or "sv")[:2]
    tagline = programme.get("tagline") or {}
    return {
        "PROGRAMME_TAGLINE": tagline.get(lang) or tagline.get("sv") or tagline.get("en") or "",
        "PROGRAMME_LOGO": bool(programme.get("logo")),
        "PROGRAMME_COLOURS": bool(programme.get("colours")),
    }

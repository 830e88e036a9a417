"""The programme's look as files the pages link to: its colours as CSS variables, and its logo."""

from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

# Profile colour -> the site stylesheet's variable it overrides.
VARIABLES = {"accent": "--accent", "accent_ink": "--accent-ink", "link": "--link"}


@require_GET
@cache_control(public=True, max_age=3600)
def look_css(request):
    colours = (settings.PROGRAMME or {}).get("colours", {})
    body = ":root {" + "".join(f" {VARIABLES[k]}: {v};" for k, v in colours.items() if k in VARIABLES) + " }\n"
    return HttpResponse(body, content_type="text/css; charset=utf-8")


@require_GET
@cache_control(public=True, max_age=3600)
def logo(request):
    path = (settings.PROGRAMME or {}).get("logo")
    if not path or not Path(path).is_file():
        raise Http404
    content_type = "image/svg+xml" if path.endswith(".svg") else "image/png"
    return FileResponse(open(path, "rb"), content_type=content_type)

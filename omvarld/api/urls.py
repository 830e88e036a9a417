from omvarld.api.api import api

app_name = "api"  # the namespace NinjaAPI(urls_namespace=...) reverses in


def _patterns():
    """The API's routes. Its own index (``api.index``) answers at the root, so django-ninja's
    default root page, which it shadows, is left out, and the index takes the name django-ninja
    reverses to find the root ("api-root", for the OpenAPI description)."""
    patterns = [p for p in api.urls[0] if getattr(p, "name", None) != "api-root"]
    for p in patterns:
        if str(p.pattern) == "" and getattr(p, "name", None) == "index":
            p.name = "api-root"
    return patterns


urlpatterns = _patterns()

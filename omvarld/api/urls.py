from omvarld.api.api import api

app_name = "api"  # the namespace NinjaAPI(urls_namespace=...) reverses in
# The API's own index answers at its root (api.index), so django-ninja's default root page,
# which the index shadows, is left out.
urlpatterns = [p for p in api.urls[0] if getattr(p, "name", None) != "api-root"]

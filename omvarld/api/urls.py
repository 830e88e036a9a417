from omvarld.api.api import api

app_name = "api"  # the namespace NinjaAPI(urls_namespace=...) reverses in
urlpatterns = api.urls[0]

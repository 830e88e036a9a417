from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Omvärld administration")
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = _("Taxonomy, content and users")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("omvarld.accounts.urls")),
    path("editorial/", include("omvarld.editorial.urls")),
    path("subscriptions/", include("omvarld.subscriptions.urls")),
    path("monitoring/", include("omvarld.monitoring.urls")),
    path("news/", include("omvarld.newsdesk.urls")),
    path("api/v1/", include("omvarld.api.urls")),
    path("", include("omvarld.personal.urls")),
    path("trends/", include("omvarld.trends.urls")),
    path("analytics/", include("omvarld.analytics.urls")),
    path("", include("omvarld.atlas.urls")),
    path("events/", include("omvarld.events.urls")),
    path("webinars/", include("omvarld.webinars.urls")),
    path("partnerships/", include("omvarld.partnerships.urls")),
    path("ambassadors/", include("omvarld.ambassadors.urls")),
    path("panel/", include("omvarld.panel.urls")),
    path("surveys/", include("omvarld.surveys.urls")),
    path("programme/", include("omvarld.programmes.urls")),
    path("outbox/", include("omvarld.outbox.urls")),
    path("", include("omvarld.runtime.urls")),
    path("", include("omvarld.catalogue.urls")),
]

handler404 = "omvarld.catalogue.views.not_found"
handler400 = "omvarld.catalogue.views.bad_request"
handler403 = "omvarld.catalogue.views.forbidden"
handler500 = "omvarld.catalogue.views.server_error"

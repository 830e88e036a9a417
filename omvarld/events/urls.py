from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("<int:year>/<int:month>/", views.month, name="month"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>.ics", views.event_ics, name="ics"),
    path("feed.ics", views.feed, name="feed"),
    path("we-take-part.ics", views.ours_feed, name="ours-feed"),
    path("themes/<slug:slug>.ics", views.theme_feed, name="theme-feed"),
    path("entities/<slug:slug>.ics", views.entity_feed, name="entity-feed"),
    path("import/", views.import_view, name="import"),
]

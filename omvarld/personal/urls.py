from django.urls import path

from omvarld.personal import views

app_name = "personal"

urlpatterns = [
    path("feed/", views.feed, name="feed"),
    path("feed/saved/", views.saved, name="saved"),
    path("feed/<str:kind>/<int:pk>/open/", views.open_story, name="open"),
    path("feed/<str:kind>/<int:pk>/<str:action>/", views.act, name="act"),
    path("feed/settings/", views.feed_settings, name="settings"),
    path("feed/secret/reset/", views.reset_secret, name="reset-secret"),
    path("feed/my-data.json", views.my_data, name="my-data"),
    path("feed/atom/<str:secret>/", views.atom, name="atom"),
    path("following/", views.following, name="following"),
    path("following/<int:pk>/mail/", views.follow_mail, name="follow-mail"),
    path("following/<int:pk>/remove/", views.follow_remove, name="follow-remove"),
    path("follow/keyword/", views.follow_keyword, name="follow-keyword"),
    path("follow/<str:kind>/<path:ref>/", views.follow, name="follow"),
    path("unfollow/<str:kind>/<path:ref>/", views.unfollow, name="unfollow"),
]

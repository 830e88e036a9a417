from django.urls import path

from . import views
from .feeds import WebinarFeed

app_name = "webinars"

urlpatterns = [
    path("", views.webinar_list, name="list"),
    path("<int:pk>/", views.detail, name="detail"),
    path("feed.atom", WebinarFeed(), name="feed"),
]

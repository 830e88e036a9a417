from django.urls import path

from omvarld.trends import views

app_name = "trends"

urlpatterns = [
    path("", views.radar, name="radar"),
    path("weekly/", views.weekly, name="weekly"),
]

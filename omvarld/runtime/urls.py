from django.urls import path

from omvarld.runtime import views

app_name = "runtime"

urlpatterns = [
    path("checks/<int:pk>/", views.job_detail, name="job"),
    path("health/", views.health, name="health"),
    path("language/<str:code>/", views.switch_language, name="language"),
]

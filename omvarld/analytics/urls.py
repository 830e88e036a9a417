from django.urls import path

from omvarld.analytics import views

app_name = "analytics"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("csv/<slug:slug>.csv", views.table_csv, name="csv"),
    path("out/", views.outbound, name="out"),
    path("beacon/", views.beacon_view, name="beacon"),
]

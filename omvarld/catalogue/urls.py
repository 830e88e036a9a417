from django.urls import path

from omvarld.catalogue import views

app_name = "catalogue"

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("categories/<slug:slug>/", views.category, name="category"),
    path("entities/<slug:slug>/", views.entity, name="entity"),
    path("items/<int:pk>/", views.item, name="item"),
    path("themes/", views.themes, name="themes"),
    path("themes/<slug:slug>/", views.theme, name="theme"),
    path("search/", views.search, name="search"),
    path("whats-new/", views.whats_new, name="whats-new"),
]

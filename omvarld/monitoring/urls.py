from django.urls import path

from omvarld.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("sources/", views.source_list, name="sources"),
    path("sources/add/", views.source_add, name="source-add"),
    path("sources/<int:pk>/", views.source_detail, name="source"),
    path("sources/<int:pk>/pause/", views.source_pause, name="source-pause"),
    path("sources/<int:pk>/resume/", views.source_resume, name="source-resume"),
    path("sources/<int:pk>/fetch/", views.source_fetch, name="source-fetch"),
    path("opml/import/", views.opml_import, name="opml-import"),
    path("opml/export/", views.opml_export, name="opml-export"),
]

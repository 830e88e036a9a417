from django.urls import path

from omvarld.atlas import views

app_name = "atlas"

urlpatterns = [
    path("map/", views.map_page, name="map"),
    path("map/data.json", views.map_data, name="map-data"),
    path("map/places/<slug:slug>/card/", views.place_card, name="place-card"),
    path("graph/", views.graph_page, name="graph"),
    path("graph/data.json", views.graph_data, name="graph-data"),
    path("graph/export.graphml", views.graph_export_graphml, name="graph-graphml"),
    path("graph/relations/new/", views.add_relation, name="add-relation"),
]

from django.urls import path

from omvarld.programmes import views

app_name = "programmes"

urlpatterns = [
    path("look.css", views.look_css, name="look-css"),
    path("logo", views.logo, name="logo"),
]

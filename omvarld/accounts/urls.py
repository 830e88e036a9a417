from django.contrib.auth import views as auth_views
from django.urls import path

from omvarld.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.signin, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("link/", views.link_request, name="link-request"),
    path("link/<str:token>/", views.link_signin, name="link-signin"),
    path("users/", views.user_list, name="users"),
    path("users/invite/", views.invite, name="invite"),
    path("users/<int:pk>/role/", views.set_role, name="set-role"),
    path("users/<int:pk>/active/", views.set_active, name="set-active"),
]

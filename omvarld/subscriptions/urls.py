from django.urls import path

from omvarld.subscriptions import views

app_name = "subscriptions"

urlpatterns = [
    path("subscribe/", views.subscribe, name="subscribe"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("manage/<str:token>/", views.manage, name="manage"),
    path("manage/<str:token>/subscriptions/<int:pk>/rhythm/", views.change_rhythm, name="change-rhythm"),
    path("manage/<str:token>/subscriptions/<int:pk>/remove/", views.remove, name="remove"),
    path("manage/<str:token>/language/", views.change_language, name="change-language"),
    path("manage/<str:token>/data.json", views.export, name="export"),
    path("manage/<str:token>/erase/", views.erase, name="erase"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("mine/", views.mine, name="mine"),
    path("bounces/", views.bounce_report, name="bounces"),
]

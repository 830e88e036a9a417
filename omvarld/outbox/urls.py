from django.urls import path

from omvarld.outbox import views

app_name = "outbox"

urlpatterns = [
    path("", views.outbox, name="list"),
    path("<int:pk>/", views.message, name="message"),
    path("<int:pk>/html/", views.message_html, name="message-html"),
    path("<int:pk>/retry/", views.retry, name="retry"),
]

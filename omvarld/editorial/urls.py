from django.urls import path

from omvarld.editorial import views

app_name = "editorial"

urlpatterns = [
    path("", views.home, name="home"),
    # Contributors
    path("suggest/", views.suggest, name="suggest"),
    path("suggest/<slug:kind>/", views.suggest_form, name="suggest-form"),
    path("suggestions/", views.my_suggestions, name="my-suggestions"),
    path("suggestions/<int:pk>/", views.suggestion_detail, name="suggestion"),
    path("suggestions/<int:pk>/revise/", views.suggestion_revise, name="suggestion-revise"),
    # Review
    path("review/<int:pk>/", views.review, name="review"),
    path("review/<int:pk>/accept/", views.accept, name="accept"),
    path("review/<int:pk>/request-changes/", views.request_changes, name="request-changes"),
    path("review/<int:pk>/reject/", views.reject, name="reject"),
    # Items
    path("items/", views.items, name="items"),
    path("items/new/", views.item_new, name="item-new"),
    path("items/new/preview/", views.item_preview, name="item-preview-new"),
    path("items/<int:pk>/", views.item_edit, name="item-edit"),
    path("items/<int:pk>/preview/", views.item_preview, name="item-preview"),
    path("items/<int:pk>/publish/", views.item_publish, name="item-publish"),
    path("items/<int:pk>/unpublish/", views.item_unpublish, name="item-unpublish"),
    path("items/<int:pk>/archive/", views.item_archive, name="item-archive"),
    # History and trash
    path("history/<slug:model>/<int:pk>/", views.history, name="history"),
    path("revisions/<int:pk>/restore/", views.restore, name="restore"),
    path("trash/", views.trash_list, name="trash"),
    path("trash/<slug:kind>/<int:pk>/", views.trash_object, name="trash-object"),
    path("trash/<slug:kind>/<int:pk>/restore/", views.untrash_object, name="untrash"),
]

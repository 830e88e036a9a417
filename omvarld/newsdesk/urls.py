from django.urls import path

from omvarld.newsdesk import inbox_views, views
from omvarld.newsdesk.feeds import NoticeFeed, NoticeRssFeed

app_name = "newsdesk"

SCOPE = "<str:scope>/<slug:slug>"

urlpatterns = [
    path("", views.stream, name="stream"),
    path("feed.atom", NoticeFeed(), name="feed-atom"),
    path("feed.rss", NoticeRssFeed(), name="feed-rss"),
    path(f"{SCOPE}/feed.atom", NoticeFeed(), name="feed-atom-scoped"),
    path(f"{SCOPE}/feed.rss", NoticeRssFeed(), name="feed-rss-scoped"),
    path("widget/", views.widget, name="widget"),
    path("embed/", views.embed, name="embed"),
    path("notices/new/", views.notice_new, name="notice-new"),
    path("inbox/", inbox_views.inbox_page, name="inbox"),
    path("inbox/<int:pk>/pick/", inbox_views.pick, name="pick"),
    path("inbox/<int:pk>/discard/", inbox_views.discard, name="discard"),
    path("inbox/discard/", inbox_views.discard_selected, name="discard-selected"),
    path("tips/new/", inbox_views.tip_new, name="tip-new"),
    path("newsletters/", views.newsletter_list, name="newsletters"),
    path("newsletters/build/", views.newsletter_build, name="newsletter-build"),
    path("newsletters/<int:pk>/", views.newsletter_edit, name="newsletter"),
    path("newsletters/<int:pk>/hand-over/", views.newsletter_hand_over, name="newsletter-hand-over"),
]

"""No sideways scrolling on a phone (#10): every kind of public page at 320, 360 and 390 px."""

import pytest

from omvarld.core.models import Entity, Item, MainCategory, Theme
from omvarld.demo.loader import DEMO_FILE, load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (320, 360, 390)


def _public_pages() -> list[str]:
    pages = ["/", "/themes/", "/search/", "/search/?q=energi", "/whats-new/", "/news/", "/news/embed/",
             "/news/widget/", "/accounts/login/", "/accounts/link/", "/no-such-page/"]
    pages += [c.get_absolute_url() for c in MainCategory.objects.all()]
    pages += [t.get_absolute_url() for t in Theme.objects.all()]
    # Every watched entity, and every fourth of the others (long names, long addresses).
    entities = list(Entity.objects.order_by("slug"))
    pages += [e.get_absolute_url() for n, e in enumerate(entities) if e.is_watched or n % 4 == 0]
    items = list(Item.objects.order_by("pk"))
    pages += [i.get_absolute_url() for n, i in enumerate(items) if n % 6 == 0 or i.type in ("event", "news_notice")]
    return pages


def test_public_pages_fit_a_phone(browser, live_server, transactional_db, screenshot_dir):
    load_demo(DEMO_FILE, with_users=False)
    pages = _public_pages()
    assert len(pages) > 60
    too_wide = []
    for width in WIDTHS:
        context = browser.new_context(base_url=live_server.url, locale="sv-SE", viewport={"width": width, "height": 740})
        page = context.new_page()
        for path in pages:
            page.goto(path)
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > width:
                too_wide.append((width, path, scroll_width))
        page.goto("/")
        page.screenshot(path=f"{screenshot_dir}/home-{width}.png")
        # The start page's heading is whole: it wraps inside the viewport.
        box = page.locator("h1").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
        context.close()
    assert too_wide == []

"""Every change is recorded with who and when, shown as a readable diff, and can be undone;
deleting moves to the trash; two editors cannot silently overwrite each other."""

from django.contrib.admin.sites import site as admin_site

from omvarld.core.models import Entity, Item, Theme
from omvarld.editorial import actions, revisions
from omvarld.editorial.admin import RevisionAdminMixin
from omvarld.editorial.models import Revision
from omvarld.lib.markup import render_markdown


def _item(editor, **values):
    values = {"title": "Doughnut model", "type": "report", "summary": "First summary.", **values}
    return actions.save_item(user=editor, item=None, values=values, themes=[], keywords=[], placements=[])


def test_each_save_is_one_revision_with_who_and_what(people, mini_map):
    editor = people["editor"]
    energy = Theme.objects.get(slug="energy")
    item = _item(editor)
    actions.save_item(user=editor, item=item, values={"summary": "Second summary."}, themes=[energy], keywords=["heat"],
                      placements=[(Entity.objects.get(slug="oslo").pk, None)])
    revs = list(Revision.objects.filter(model="core.item", object_id=item.pk).order_by("number"))
    assert [(r.number, r.action, r.user) for r in revs] == [(1, "created", editor), (2, "changed", editor)]
    assert revs[1].data["themes"] == [energy.pk] and revs[1].data["keywords"] == ["heat"]


def test_saving_without_changes_adds_no_revision(people, mini_map):
    item = _item(people["editor"])
    actions.save_item(user=people["editor"], item=item, values={}, themes=[], keywords=[], placements=[])
    assert Revision.objects.filter(object_id=item.pk, model="core.item").count() == 1


def test_history_page_shows_readable_diff_and_restores(as_role, people, mini_map):
    item = _item(people["editor"])
    actions.save_item(user=people["editor"], item=item, values={"summary": "Second <b>summary</b>."}, themes=[], keywords=[], placements=[])
    client = as_role("editor")
    html = client.get(f"/editorial/history/item/{item.pk}/").content.decode()
    assert "<del>First</del>" in html and "<ins>Second</ins>" in html
    assert "&lt;b&gt;summary&lt;/b&gt;" in html  # markup in content is shown as text
    first = Revision.objects.get(model="core.item", object_id=item.pk, number=1)
    assert client.post(f"/editorial/revisions/{first.pk}/restore/").status_code == 302
    item.refresh_from_db()
    assert item.summary == "First summary."
    latest = Revision.objects.filter(model="core.item", object_id=item.pk).order_by("-number").first()
    assert (latest.number, latest.action, latest.comment) == (3, "restored", "Återställde version 1")


def test_entity_revisions_include_sections_and_relations(people, mini_map):
    amsterdam = Entity.objects.get(slug="amsterdam")
    with revisions.recording(user=people["admin"]):
        section = amsterdam.sections.get()
        section.body_sv = "Ny text."
        section.save()
        amsterdam.relations_out.all().delete()
    rev = Revision.objects.filter(model="core.entity", object_id=amsterdam.pk).latest("number")
    assert rev.user == people["admin"]
    assert "Ny text." in str(rev.data["sections"]) and rev.data["relations"] == []
    actions.restore_revision(user=people["admin"], revision=rev)  # restoring the current one changes nothing
    assert amsterdam.sections.get().body_sv == "Ny text."


def test_changes_in_the_django_admin_are_recorded_with_the_user(client, people, mini_map):
    assert isinstance(admin_site._registry[Theme], RevisionAdminMixin)
    client.force_login(people["admin"])
    theme = Theme.objects.get(slug="energy")
    response = client.post(f"/admin/core/theme/{theme.pk}/change/", {
        "slug": "energy", "label_sv": "Energi och värme", "label_en": "Energy", "synonyms_sv": "", "synonyms_en": "", "order": 0, "merged_into": "",
        "updated_at_0": "2024-01-01", "updated_at_1": "12:00:00",
    })
    assert response.status_code == 302
    rev = Revision.objects.filter(model="core.theme", object_id=theme.pk).latest("number")
    assert rev.user == people["admin"] and rev.data["label_sv"] == "Energi och värme"


def test_deleting_in_the_admin_moves_to_the_trash(client, people, mini_map):
    client.force_login(people["editor"])
    item = Item.objects.get(title="HOFOR district heating")
    response = client.post(f"/admin/core/item/{item.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.deleted_at is not None
    assert Revision.objects.filter(model="core.item", object_id=item.pk, action="trashed", user=people["editor"]).exists()


def test_trash_and_restore_from_the_trash(as_role, mini_map):
    client = as_role("editor")
    item = Item.objects.get(title="HOFOR district heating")
    assert client.post(f"/editorial/trash/item/{item.pk}/").status_code == 302
    assert client.get(f"/items/{item.pk}/").status_code == 404
    assert "HOFOR district heating" in client.get("/editorial/trash/").content.decode()
    assert client.post(f"/editorial/trash/item/{item.pk}/restore/").status_code == 302
    assert client.get(f"/items/{item.pk}/").status_code == 200
    actions_done = list(Revision.objects.filter(model="core.item", object_id=item.pk).values_list("action", flat=True).order_by("number"))
    assert actions_done[-2:] == ["trashed", "untrashed"]


def test_stale_edit_is_detected_and_nothing_is_overwritten(client, people, mini_map):
    item = Item.objects.get(title="HOFOR district heating")
    client.force_login(people["editor"])
    page = client.get(f"/editorial/items/{item.pk}/").content.decode()
    version = page.split('name="version" value="')[1].split('"')[0]
    form = {
        "type": "link", "title": "HOFOR — first editor", "url": item.url, "language": "en", "summary": item.summary,
        "placements": [f"{p.entity_id}:{p.info_category_id or 0}" for p in item.placements.all()], "version": version,
    }
    assert client.post(f"/editorial/items/{item.pk}/", form).status_code == 302
    client.force_login(people["admin"])
    response = client.post(f"/editorial/items/{item.pk}/", dict(form, title="HOFOR — second editor"))
    assert response.status_code == 409
    html = response.content.decode()
    assert "Någon annan sparade" in html and 'value="HOFOR — second editor"' in html
    item.refresh_from_db()
    assert item.title == "HOFOR — first editor"
    # Having been told, the second editor may save deliberately.
    new_version = html.split('name="version" value="')[1].split('"')[0]
    assert client.post(f"/editorial/items/{item.pk}/", dict(form, title="HOFOR — second editor", version=new_version)).status_code == 302


def test_editor_creates_previews_and_publishes_an_item(as_role, mini_map):
    client = as_role("editor")
    oslo = Entity.objects.get(slug="oslo")
    form = {"type": "article", "title": "Oslo car-free centre", "language": "en", "summary": "Short.",
            "commentary": "Read **this** <script>alert(1)</script>[x](javascript:alert(2))", "placements": [f"{oslo.pk}:0"]}
    html = client.post("/editorial/items/new/preview/", form).content.decode()
    preview = html[html.index('class="preview"'):html.index("</section>", html.index('class="preview"'))]
    assert "<strong>this</strong>" in preview and "<script>alert(1)" not in preview and "javascript:" not in preview
    assert not Item.objects.filter(title="Oslo car-free centre").exists()
    response = client.post("/editorial/items/new/", form)
    item = Item.objects.get(title="Oslo car-free centre")
    assert response.status_code == 302 and item.status == Item.Status.DRAFT
    client.post(f"/editorial/items/{item.pk}/publish/")
    item.refresh_from_db()
    assert item.status == Item.Status.PUBLISHED
    assert "Oslo car-free centre" in client.get("/entities/oslo/").content.decode()
    client.post(f"/editorial/items/{item.pk}/archive/")
    assert client.get(f"/items/{item.pk}/").status_code == 404


def test_markdown_is_sanitised():
    html = render_markdown('Hi <script>x()</script> <a href="javascript:y()" onclick="z()">a</a> [ok](https://example.org)')
    assert "<script" not in html and "onclick" not in html and "javascript:" not in html
    assert '<a href="https://example.org" rel="noopener nofollow">ok</a>' in html

"""The relationship graph: neighbourhoods, filters, exports, the relation table and adding a relation."""

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from omvarld.core.models import EntityRelation, Item, Placement, Theme

pytestmark = pytest.mark.django_db

NS = {"g": "http://graphml.graphdrawing.org/xmlns"}


def _graph(client, **params):
    response = client.get("/graph/data.json", params)
    assert response.status_code == 200, response.content
    data = response.json()
    slugs = {n["slug"] for n in data["nodes"]}
    by_id = {n["id"]: n["slug"] for n in data["nodes"]}
    edges = {(by_id[e["source"]], e["kind"], by_id[e["target"]]) for e in data["edges"]}
    return data, slugs, edges


def test_neighbourhood_one_and_two_steps(client, atlas_map):
    data, slugs, edges = _graph(client, focus="amsterdam")
    assert slugs == {"amsterdam", "c40"}
    assert edges == {("amsterdam", "member_of", "c40")}
    assert data["focus"] == "amsterdam" and [n["slug"] for n in data["nodes"] if n["focus"]] == ["amsterdam"]
    _, slugs, edges = _graph(client, focus="amsterdam", depth=2)
    assert slugs == {"amsterdam", "c40", "copenhagen"}
    assert ("copenhagen", "member_of", "c40") in edges
    _, slugs, _ = _graph(client, focus="oslo", depth=2)
    assert slugs == {"oslo", "copenhagen", "c40"}


def test_filter_by_relation_type_category_and_theme(client, atlas_map):
    _, slugs, _ = _graph(client, focus="copenhagen", kind="collaborates_with")
    assert slugs == {"copenhagen", "oslo"}
    _, slugs, _ = _graph(client, focus="copenhagen", category="networks")
    assert slugs == {"copenhagen", "c40"}
    # Theme: only neighbours holding an item with the theme (C40 has a climate item, Oslo none).
    _, slugs, _ = _graph(client, focus="copenhagen", theme="climate-neutrality")
    assert slugs == {"copenhagen", "c40"}


def test_whole_graph_without_focus(client, atlas_map):
    data, slugs, edges = _graph(client)
    assert slugs == {"amsterdam", "c40", "copenhagen", "oslo"}
    assert len(edges) == 3 and data["truncated"] is False


def test_deleted_entities_leave_the_graph(client, atlas_map):
    from django.utils import timezone

    atlas_map["c40"].deleted_at = timezone.now()
    atlas_map["c40"].save()
    _, slugs, _ = _graph(client, focus="amsterdam", depth=2)
    assert slugs == {"amsterdam"}


def test_bad_parameters_are_refused(client, atlas_map):
    for params in ({"focus": "atlantis"}, {"depth": "3"}, {"kind": "owns"}, {"category": "x"}):
        assert client.get("/graph/data.json", params).status_code == 400
        assert client.get("/graph/export.graphml", params).status_code == 400
        page = client.get("/graph/", params)
        assert page.status_code == 400 and 'class="error"' in page.content.decode()


def test_graphml_export(client, atlas_map):
    response = client.get("/graph/export.graphml", {"focus": "amsterdam", "depth": 2})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/graphml+xml")
    assert 'filename="amsterdam.graphml"' in response["Content-Disposition"]
    root = ET.fromstring(response.content)
    nodes = root.findall(".//g:node", NS)
    edges = root.findall(".//g:edge", NS)
    assert len(nodes) == 3 and len(edges) == 2
    names = {n.find("g:data[@key='name']", NS).text for n in nodes}
    assert names == {"Amsterdam", "C40", "Köpenhamn"}
    ids = {n.get("id") for n in nodes}
    assert all(e.get("source") in ids and e.get("target") in ids for e in edges)
    assert {e.find("g:data[@key='kind']", NS).text for e in edges} == {"member_of"}


def test_json_export_downloads(client, atlas_map):
    response = client.get("/graph/data.json", {"focus": "oslo", "download": 1})
    assert 'filename="oslo.json"' in response["Content-Disposition"]
    assert {n["slug"] for n in response.json()["nodes"]} == {"oslo", "copenhagen"}
    assert response.json()["edges"][0]["note"] == "Nordic heat"


def test_graph_page_has_the_relation_table_node_list_and_exports(client, atlas_map):
    response = client.get("/graph/", {"focus": "copenhagen"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<table" in html and "Nordic heat" in html
    table = html.split("<table")[1].split("</table>")[0]
    assert table.count("<tr>") == 3  # header and two relations
    assert 'href="/graph/export.graphml?focus=copenhagen&amp;depth=1"' in html or "export.graphml?focus=copenhagen&depth=1" in html
    assert 'data-node="' in html and 'aria-current="true"' in html
    assert "Add a relation" not in html and "Lägg till en relation" not in html


def test_search_for_a_node(client, atlas_map):
    html = client.get("/graph/", {"q": "Köpen"}).content.decode()
    assert 'href="?focus=copenhagen#graph-h"' in html
    html = client.get("/graph/", {"q": "zzzz"}).content.decode()
    assert 'href="?focus=' not in html.split('id="matches-h"')[1].split("</section>")[0]


def test_entity_page_shows_the_neighbourhood_graph(client, atlas_map):
    html = client.get("/entities/copenhagen/").content.decode()
    assert 'data-data-url="/graph/data.json?focus=copenhagen&amp;depth=1"' in html
    assert 'href="/graph/?focus=copenhagen#graph-h"' in html


def test_visitors_and_members_cannot_add_relations(client, atlas_map, member):
    payload = {"source": "amsterdam", "kind": "partner_in", "target": "oslo"}
    response = client.post("/graph/relations/new/", payload)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(member)
    assert client.post("/graph/relations/new/", payload).status_code == 403
    assert not EntityRelation.objects.filter(kind="partner_in").exists()


def test_editor_adds_a_relation_with_a_revision(client, atlas_map, editor):
    from omvarld.editorial.models import Revision

    client.force_login(editor)
    assert "Add a relation" in client.get("/graph/?focus=amsterdam", HTTP_ACCEPT_LANGUAGE="en").content.decode() or \
        'id="add-h"' in client.get("/graph/?focus=amsterdam").content.decode()
    before = Revision.objects.filter(model="core.entity", object_id=atlas_map["amsterdam"].pk).count()
    response = client.post("/graph/relations/new/", {"source": "Amsterdam", "kind": "partner_in", "target": "oslo", "note": "Heat pilot"})
    assert response.status_code == 302
    assert response["Location"] == "/graph/?focus=amsterdam#graph-h"
    rel = EntityRelation.objects.get(kind="partner_in")
    assert (rel.source.slug, rel.target.slug, rel.note) == ("amsterdam", "oslo", "Heat pilot")
    revisions = Revision.objects.filter(model="core.entity", object_id=atlas_map["amsterdam"].pk).order_by("number")
    assert revisions.count() == before + 1
    latest = revisions.last()
    assert latest.user == editor
    assert ["partner_in", atlas_map["oslo"].pk, "Heat pilot"] in latest.data["relations"]


def test_bad_relation_changes_nothing(client, atlas_map, editor):
    client.force_login(editor)
    count = EntityRelation.objects.count()
    for payload in (
        {"source": "amsterdam", "kind": "partner_in", "target": "atlantis"},
        {"source": "amsterdam", "kind": "owns", "target": "oslo"},
        {"source": "amsterdam", "kind": "member_of", "target": "amsterdam"},
        {"source": "amsterdam", "kind": "member_of", "target": "c40"},  # already there
        {"source": "", "kind": "member_of", "target": "c40"},
    ):
        response = client.post("/graph/relations/new/", payload)
        assert response.status_code == 400, payload
        assert 'class="error"' in response.content.decode()
    assert EntityRelation.objects.count() == count


def test_templates_have_no_inline_script_or_style():
    import re

    folder = Path(__file__).resolve().parents[1] / "templates" / "atlas"
    for path in folder.glob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert " style=" not in text, path
        assert not re.search(r"\son[a-z]+=", text), path
        for tag in re.findall(r"<script[^>]*>", text):
            assert "src=" in tag, (path, tag)


def test_theme_filter_counts_published_items_only(client, atlas_map):
    energy = Theme.objects.get(slug="energy")
    item = Item.objects.create(title="Draft", status="draft")
    item.themes.set([energy])
    Placement.objects.create(item=item, entity=atlas_map["oslo"])
    _, slugs, _ = _graph(client, focus="copenhagen", theme="energy")
    assert "oslo" not in slugs

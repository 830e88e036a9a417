"""The webinar bank (#15, P2): list, search, detail and Atom feed."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from omvarld.core.models import Entity, MainCategory, Theme
from omvarld.webinars.models import Webinar

pytestmark = pytest.mark.django_db

UTC = dt.UTC
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def webinars():
    cat = MainCategory.objects.create(slug="networks", name_sv="Nätverk", name_en="Networks")
    eurocities = Entity.objects.create(slug="eurocities", name_sv="Eurocities", name_en="Eurocities", main_category=cat)
    energy = Theme.objects.create(slug="energy", label_sv="Energi", label_en="Energy")
    a = Webinar.objects.create(title="Heat networks in practice", held_at=dt.datetime(2025, 3, 1, 13, tzinfo=UTC),
                               speakers="Anna Andersson\nBo Berg", summary="District heating lessons.", commentary="Worth it.",
                               recording_url="https://video.example.org/1")
    a.themes.add(energy)
    a.partners.add(eurocities)
    Webinar.objects.create(title="Mobility hubs", held_at=dt.datetime(2025, 4, 1, 13, tzinfo=UTC), summary="Shared mobility.")
    Webinar.objects.create(title="Future data webinar", held_at=dt.datetime(2099, 1, 1, tzinfo=UTC))
    Webinar.objects.create(title="Draft", held_at=dt.datetime(2025, 1, 1, tzinfo=UTC), published=False)
    return a


def test_list_separates_recorded_and_upcoming_and_hides_drafts(client, webinars):
    body = client.get("/webinars/").content.decode()
    assert body.index("Future data webinar") < body.index("Mobility hubs") < body.index("Heat networks in practice")
    assert "Draft" not in body


def test_search_by_words_theme_and_partner(client, webinars):
    assert "Heat networks" in client.get("/webinars/?q=district+heating").content.decode()
    assert "Mobility hubs" not in client.get("/webinars/?q=district+heating").content.decode()
    assert "Heat networks" in client.get("/webinars/?q=Berg").content.decode()
    body = client.get("/webinars/?theme=energy").content.decode()
    assert "Heat networks" in body and "Mobility hubs" not in body
    body = client.get("/webinars/?entity=eurocities").content.decode()
    assert "Heat networks" in body and "Mobility hubs" not in body


def test_detail_shows_speakers_partners_recording_and_commentary(client, webinars):
    body = client.get(webinars.get_absolute_url()).content.decode()
    for text in ("Anna Andersson, Bo Berg", "Eurocities", "https://video.example.org/1", "Worth it."):
        assert text in body
    draft = Webinar.objects.get(title="Draft")
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_atom_feed(client, webinars):
    response = client.get("/webinars/feed.atom")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    titles = [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")]
    assert titles[:3] == ["Future data webinar", "Mobility hubs", "Heat networks in practice"]
    assert "Draft" not in titles
    entry = root.findall(f"{ATOM}entry")[2]
    assert entry.find(f"{ATOM}category").get("term") in ("Energi", "Energy")
    assert entry.findtext(f"{ATOM}id")

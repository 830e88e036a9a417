"""Loading the calendar's demo events and participation plans from ``data/demo.yaml``."""

import datetime as dt
import zoneinfo
from pathlib import Path

import yaml
from django.contrib.auth import get_user_model
from django.db import transaction

from omvarld.core.models import Entity, Theme

from .models import Deadline, Event, ParticipationPlan

DEMO_FILE = Path(__file__).parent / "data" / "demo.yaml"


def _moment(value, zone: str) -> dt.datetime:
    return dt.datetime.fromisoformat(str(value)).replace(tzinfo=zoneinfo.ZoneInfo(zone))


@transaction.atomic
def load_demo_events(path: Path = DEMO_FILE) -> int:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    users = get_user_model().objects
    for e in data["events"]:
        zone = e["time_zone"]
        event, _ = Event.objects.update_or_create(uid=e["uid"], defaults={
            "title": e["title"], "description": e.get("description", ""),
            "starts_at": _moment(e["starts"], zone), "ends_at": _moment(e["ends"], zone), "time_zone": zone,
            "dates_confirmed": e.get("dates_confirmed", True), "venue": e.get("venue", ""), "city": e.get("city", ""),
            "country": e.get("country", ""), "latitude": e.get("latitude"), "longitude": e.get("longitude"),
            "organiser": e.get("organiser", ""), "url": e.get("url", ""),
        })
        event.full_clean()
        event.entities.set(Entity.objects.filter(slug__in=e.get("entities", [])))
        event.themes.set(Theme.objects.filter(slug__in=e.get("themes", [])))
        p = e.get("plan")
        if not p:
            continue
        plan, _ = ParticipationPlan.objects.update_or_create(event=event, defaults={
            "form": p["form"], "status": p["status"], "notes": p.get("notes", ""),
            "cost_partners": "\n".join(p.get("cost_partners", [])),
        })
        plan.responsible.set(users.filter(username__in=p.get("responsible", [])))
        for d in p.get("deadlines", []):
            Deadline.objects.get_or_create(plan=plan, kind=d["kind"], label=d.get("label", ""), due_on=d["due"])
    return len(data["events"])

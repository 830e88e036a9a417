"""The events calendar: model rules, list and month views, filters, participation plans and
deadline reminders (#15)."""

import datetime as dt
import zoneinfo
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from omvarld.accounts.roles import EDITOR, MEMBER, assign_role
from omvarld.core.models import Entity, MainCategory, Region, Theme
from omvarld.events.demo import load_demo_events
from omvarld.events.models import Deadline, Event, ParticipationPlan

pytestmark = pytest.mark.django_db

UTC = dt.UTC
NOW = dt.datetime(2027, 3, 1, 8, 0, tzinfo=UTC)


def make_event(title="Expo", start=dt.datetime(2027, 5, 10, 9, tzinfo=UTC), days=1, **kw):
    return Event.objects.create(title=title, starts_at=start, ends_at=start + dt.timedelta(days=days), **kw)


@pytest.fixture
def taxonomy():
    nordics = Region.objects.create(slug="nordics", name_sv="Norden", name_en="Nordics")
    europe = Region.objects.create(slug="europe", name_sv="Europa", name_en="Europe")
    cities = MainCategory.objects.create(slug="cities", name_sv="Städer", name_en="Cities")
    oslo = Entity.objects.create(slug="oslo", name_sv="Oslo", name_en="Oslo", main_category=cities, region=nordics)
    bcn = Entity.objects.create(slug="barcelona", name_sv="Barcelona", name_en="Barcelona", main_category=cities, region=europe)
    energy = Theme.objects.create(slug="energy", label_sv="Energi", label_en="Energy")
    mobility = Theme.objects.create(slug="mobility", label_sv="Mobilitet", label_en="Mobility")
    return {"oslo": oslo, "bcn": bcn, "energy": energy, "mobility": mobility}


def test_end_before_start_is_refused_by_form_rules_and_by_the_database():
    start = dt.datetime(2027, 5, 10, 9, tzinfo=UTC)
    event = Event(title="Backwards", starts_at=start, ends_at=start - dt.timedelta(hours=1))
    with pytest.raises(ValidationError) as err:
        event.full_clean()
    assert "ends_at" in err.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        event.save()
    assert Event.objects.count() == 0


def test_unknown_time_zone_is_refused():
    event = make_event(time_zone="Europe/Stockholm")
    event.full_clean()
    event.time_zone = "Mars/Olympus_Mons"
    with pytest.raises(ValidationError) as err:
        event.full_clean()
    assert "Mars/Olympus_Mons" in str(err.value.message_dict["time_zone"])


def test_local_times_follow_the_event_time_zone():
    event = make_event(start=dt.datetime(2027, 11, 9, 8, tzinfo=UTC), time_zone="Europe/Madrid")
    assert event.local_start.hour == 9 and event.local_start.tzinfo == zoneinfo.ZoneInfo("Europe/Madrid")


def test_pages_in_swedish_and_english(client):
    make_event("Future expo", start=dt.datetime(2099, 1, 1, tzinfo=UTC))
    assert "Kommande evenemang" in client.get("/events/").content.decode()
    body = client.get("/events/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Upcoming events" in body


def test_list_splits_upcoming_and_past(client):
    make_event("Future expo", start=dt.datetime(2099, 1, 1, tzinfo=UTC))
    make_event("Old congress", start=dt.datetime(2001, 1, 1, tzinfo=UTC))
    up = client.get("/events/").content.decode()
    assert "Future expo" in up and "Old congress" not in up
    past = client.get("/events/?when=past").content.decode()
    assert "Old congress" in past and "Future expo" not in past


def test_filters_by_theme_entity_region_and_participation(client, taxonomy):
    start = dt.datetime(2099, 1, 1, tzinfo=UTC)
    a = make_event("Energy in Oslo", start=start)
    a.themes.add(taxonomy["energy"])
    a.entities.add(taxonomy["oslo"])
    b = make_event("Mobility in Barcelona", start=start)
    b.themes.add(taxonomy["mobility"])
    b.entities.add(taxonomy["bcn"])
    ParticipationPlan.objects.create(event=b, form="exhibition", status="confirmed")
    c = make_event("Idea only", start=start)
    ParticipationPlan.objects.create(event=c, form="panel", status="idea")

    def titles(query):
        body = client.get("/events/?" + query).content.decode()
        return {t for t in ("Energy in Oslo", "Mobility in Barcelona", "Idea only") if t in body}

    assert titles("theme=energy") == {"Energy in Oslo"}
    assert titles("entity=barcelona") == {"Mobility in Barcelona"}
    assert titles("region=nordics") == {"Energy in Oslo"}
    assert titles("ours=on") == {"Mobility in Barcelona"}
    assert titles("") == {"Energy in Oslo", "Mobility in Barcelona", "Idea only"}


def test_month_view_places_multi_day_events_on_each_day(client):
    make_event("Three days", start=dt.datetime(2027, 9, 21, 7, tzinfo=UTC), days=2)
    body = client.get("/events/2027/9/").content.decode()
    assert body.count("Three days") == 3
    assert client.get("/events/2027/13/").status_code == 404
    assert "Three days" not in client.get("/events/2027/10/").content.decode()


def test_detail_shows_place_plan_and_hides_internal_details_from_visitors(client):
    event = make_event("Nordic Edge", city="Stavanger", country="Norway", organiser="Nordic Edge", time_zone="Europe/Oslo")
    user = get_user_model().objects.create_user("resp", "resp@example.org", first_name="Rita", last_name="Resp")
    plan = ParticipationPlan.objects.create(event=event, form="stage", status="confirmed", cost_partners="Vinnova\nRISE", notes="Secret notes")
    plan.responsible.add(user)
    Deadline.objects.create(plan=plan, kind="speakers", due_on=dt.date(2027, 4, 30))
    body = client.get(event.get_absolute_url()).content.decode()
    assert "Stavanger" in body and "Europe/Oslo" in body and "Vinnova, RISE" in body
    assert "Secret notes" not in body and "Rita Resp" not in body
    editor = get_user_model().objects.create_user("ed", "ed@example.org")
    assign_role(editor, EDITOR)
    client.force_login(editor)
    body = client.get(event.get_absolute_url()).content.decode()
    assert "Secret notes" in body and "Rita Resp" in body


def test_editors_can_edit_events_in_the_admin(client):
    editor = get_user_model().objects.create_user("ed", "ed@example.org")
    assign_role(editor, EDITOR)
    client.force_login(editor)
    assert client.get("/admin/events/event/add/").status_code == 200
    assert client.get("/admin/events/participationplan/").status_code == 200
    member = get_user_model().objects.create_user("mem", "mem@example.org")
    assign_role(member, MEMBER)
    client.force_login(member)
    assert client.get("/events/import/").status_code == 403


def test_demo_events_load_idempotently():
    User = get_user_model()
    User.objects.create_user("editor", "editor@example.org")
    assert load_demo_events() == 4
    assert load_demo_events() == 4
    assert Event.objects.count() == 4
    titles = set(Event.objects.values_list("title", flat=True))
    assert {"EIP SCC General Assembly 2027", "Nordic Edge Expo & Conference 2027", "Smart City Expo World Congress 2027"} <= titles
    scewc = Event.objects.get(uid="scewc-2027@omvarld")
    assert scewc.city == "Barcelona" and scewc.time_zone == "Europe/Madrid" and scewc.we_take_part
    assert scewc.plan.deadlines.count() == 2
    assert Deadline.objects.count() == 4


# Reminders ---------------------------------------------------------------------------------

@pytest.fixture
def plan_with_deadline():
    User = get_user_model()
    a = User.objects.create_user("anna", "anna@example.org")
    b = User.objects.create_user("bo", "bo@example.org")
    User.objects.create_user("other", "other@example.org")
    event = make_event("Smart City Expo", start=dt.datetime(2027, 11, 9, 8, tzinfo=UTC), time_zone="Europe/Madrid")
    plan = ParticipationPlan.objects.create(event=event, form="exhibition", status="confirmed")
    plan.responsible.add(a, b)
    deadline = Deadline.objects.create(plan=plan, kind="booth", label="Booth booking", due_on=dt.date(2027, 3, 5))
    return deadline


def _run(at):
    # The clock is frozen at ``at`` for everything the job reads.
    with mock.patch("django.utils.timezone.now", return_value=at):
        from omvarld import schedules
        from omvarld.outbox.actions import deliver

        queued = schedules.send_event_deadline_reminders()
        deliver(now=lambda: at)  # reminders go out through the mail outbox, as workers send it
        return queued


def test_reminder_goes_to_responsible_people_once_per_due_date(plan_with_deadline):
    deadline = plan_with_deadline
    assert _run(dt.datetime(2027, 2, 20, 8, tzinfo=UTC)) == 0  # 13 days ahead: too early
    assert mail.outbox == []
    assert _run(NOW) == 2  # 1 March: 4 days ahead
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@example.org", "bo@example.org"]
    message = mail.outbox[0]
    assert "Booth booking" in message.subject and "Smart City Expo" in message.subject
    assert f"/events/{deadline.plan.event.pk}/" in message.body
    assert _run(NOW + dt.timedelta(hours=1)) == 0  # the same due date is not reminded again
    assert _run(NOW + dt.timedelta(days=2)) == 0
    assert len(mail.outbox) == 2
    # The date is moved: the new date is reminded once.
    Deadline.objects.filter(pk=deadline.pk).update(due_on=dt.date(2027, 3, 8))
    assert _run(NOW + dt.timedelta(days=2)) == 2
    assert _run(NOW + dt.timedelta(days=3)) == 0
    assert len(mail.outbox) == 4


def test_no_reminder_after_the_date_or_for_dropped_plans(plan_with_deadline):
    assert _run(dt.datetime(2027, 3, 6, 8, tzinfo=UTC)) == 0  # the day after
    plan = plan_with_deadline.plan
    plan.status = "dropped"
    plan.save()
    assert _run(NOW) == 0
    assert mail.outbox == []


def test_reminder_is_in_swedish_by_default(plan_with_deadline):
    _run(NOW)
    message = mail.outbox[0]
    assert message.subject.startswith("Sista dag 5 mars 2027: Booth booking")
    assert "Hej" in message.body and "Du är ansvarig för deltagandeplanen" in message.body
    assert "om 4 dagar" in message.body


def test_periodic_loop_runs_the_reminders(plan_with_deadline):
    import threading

    from omvarld import schedules

    stop = threading.Event()
    with mock.patch("django.utils.timezone.now", return_value=NOW), \
         mock.patch.object(schedules, "plan_and_queue_digests", return_value=0), \
         mock.patch.object(stop, "wait", side_effect=lambda _i: stop.set()):
        schedules.run_periodic(stop, interval=1)
    from omvarld.outbox.actions import deliver

    deliver(now=lambda: NOW)
    assert len(mail.outbox) == 2

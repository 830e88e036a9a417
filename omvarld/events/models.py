"""The events calendar (MISSION P1): international events and the programme's participation plans."""

import uuid
import zoneinfo
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from omvarld.core.models import Entity, Theme


@lru_cache(maxsize=1)
def time_zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in time_zone_names():
        raise ValidationError(_("Unknown time zone %(name)s: use a name such as Europe/Stockholm."), params={"name": value})


def new_uid() -> str:
    return f"{uuid.uuid4()}@omvarld"


class Event(models.Model):
    uid = models.CharField(_("UID"), max_length=255, unique=True, default=new_uid, help_text=_("iCalendar UID; imports update the event with the same UID."))
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    all_day = models.BooleanField(_("all day"), default=False)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Stockholm", validators=[validate_time_zone])
    dates_confirmed = models.BooleanField(_("dates confirmed"), default=True, help_text=_("Off while the organiser has not announced the dates."))
    venue = models.CharField(_("venue"), max_length=255, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = models.CharField(_("country"), max_length=120, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    organiser = models.CharField(_("organiser"), max_length=255, blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    entities = models.ManyToManyField(Entity, blank=True, related_name="events", verbose_name=_("entities"))
    themes = models.ManyToManyField(Theme, blank=True, related_name="events", verbose_name=_("themes"))
    sequence = models.PositiveIntegerField(_("sequence"), default=0)
    imported = models.BooleanField(_("imported"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["starts_at", "title"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [models.CheckConstraint(condition=models.Q(ends_at__gte=models.F("starts_at")), name="event_ends_after_start")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": _("The event cannot end before it starts.")})

    @property
    def tz(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def local_start(self):
        return timezone.localtime(self.starts_at, self.tz)

    @property
    def local_end(self):
        return timezone.localtime(self.ends_at, self.tz)

    @property
    def we_take_part(self) -> bool:
        plan = getattr(self, "plan", None)
        return plan is not None and plan.status in ParticipationPlan.TAKING_PART


class ParticipationPlan(models.Model):
    class Form(models.TextChoices):
        EXHIBITION = "exhibition", _("Exhibition")
        STAGE = "stage", _("Stage presentation")
        WORKSHOP = "workshop", _("Workshop or invited dialogue")
        PANEL = "panel", _("Panel")

    class Status(models.TextChoices):
        IDEA = "idea", _("Idea")
        TALKS = "talks", _("In talks with the organiser")
        CONFIRMED = "confirmed", _("Confirmed")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    TAKING_PART = (Status.CONFIRMED, Status.DONE)

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="plan", verbose_name=_("event"))
    form = models.CharField(_("form"), max_length=20, choices=Form.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.IDEA)
    responsible = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="event_plans", verbose_name=_("responsible people"))
    # Swedish partners (municipalities, companies, institutes) are rarely entities of the
    # international map, so they are named here, one a line.
    cost_partners = models.TextField(_("Swedish partners sharing costs"), blank=True, help_text=_("One partner a line."))
    notes = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("participation plan")
        verbose_name_plural = _("participation plans")

    def __str__(self):
        return f"{self.event} – {self.get_form_display()}"

    def cost_partner_list(self) -> list[str]:
        return [line.strip() for line in self.cost_partners.splitlines() if line.strip()]


class Deadline(models.Model):
    class Kind(models.TextChoices):
        CALL_FOR_SPEAKERS = "speakers", _("Call for speakers")
        BOOTH = "booth", _("Booth booking")
        REGISTRATION = "registration", _("Registration")
        OTHER = "other", _("Other")

    plan = models.ForeignKey(ParticipationPlan, on_delete=models.CASCADE, related_name="deadlines", verbose_name=_("participation plan"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    label = models.CharField(_("label"), max_length=200, blank=True)
    due_on = models.DateField(_("due on"))
    # The due date the last reminder was sent for: a reminder goes out once per due date, and
    # again if the date is moved.
    reminded_for = models.DateField(_("reminder sent for"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["due_on"]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")

    def __str__(self):
        return f"{self.label or self.get_kind_display()} ({self.due_on})"


class CalendarImport(models.Model):
    """An import of a calendar from a URL, done by the worker (the web request never fetches)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for the worker")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    url = models.URLField(_("URL"), max_length=1000)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    message = models.TextField(_("message"), blank=True)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("calendar import")
        verbose_name_plural = _("calendar imports")

    def __str__(self):
        return self.url

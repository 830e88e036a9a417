"""Parsing the dashboard's period: 7 days, 30 days, 12 months or from–to."""

from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from omvarld.analytics.queries import Period

MAX_DAYS = 5 * 366


class PeriodForm(forms.Form):
    CHOICES = [("7d", _("Last 7 days")), ("30d", _("Last 30 days")), ("12m", _("Last 12 months")), ("range", _("From–to"))]

    period = forms.ChoiceField(label=_("Period"), choices=CHOICES, required=False)
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data, *, today: date):
        super().__init__(data)
        self.today = today

    def clean(self):
        data = super().clean()
        choice = data.get("period") or "30d"
        data["period"] = choice
        if choice == "range":
            start, end = data.get("start"), data.get("end")
            if not start or not end:
                raise forms.ValidationError(_("Give both a start and an end date."))
            if start > end:
                raise forms.ValidationError(_("The start date must not be after the end date."))
            if (end - start).days >= MAX_DAYS:
                raise forms.ValidationError(_("A period can be at most five years long."))
        return data

    def to_period(self) -> Period:
        """The chosen period; the default (30 days) when the form is not valid."""
        data = self.cleaned_data if self.is_valid() else {"period": "30d"}
        choice, today = data["period"], self.today
        if choice == "range":
            return Period(data["start"], data["end"])
        if choice == "12m":  # this month and the eleven whole months before it
            month, year = today.month - 11, today.year
            if month < 1:
                month, year = month + 12, year - 1
            return Period(date(year, month, 1), today)
        days = {"7d": 7, "30d": 30}[choice]
        return Period(today - timedelta(days=days - 1), today)

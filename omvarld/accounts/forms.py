from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from omvarld.accounts.roles import ROLE_LABELS, ROLES

ROLE_CHOICES = [(r, ROLE_LABELS[r]) for r in ROLES]


class LinkRequestForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES, initial="member")

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("Someone with this address already has an account."))
        return email


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES)

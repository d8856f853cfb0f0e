"""The web UI's forms. They validate input for the page; the services validate again and write."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.web.forms import DateInput, DateTimeLocalInput, StyledForm, StyledModelForm

from .models import Contact, FollowUpAction, Interaction, Organisation, Tier, Topic

ORGANISATION_FIELDS = [
    "name",
    "short_name",
    "kind",
    "scope",
    "status",
    "owner",
    "tier",
    "contact_cadence_days",
    "next_contact_planned_on",
    "influence",
    "interest",
    "tags",
    "kvk_number",
    "cbs_municipality_code",
    "country",
    "street_address",
    "postal_code",
    "city",
    "website",
    "email",
    "phone",
    "notes",
]


def active_users():
    return get_user_model().objects.filter(is_active=True).order_by("first_name", "last_name", "username")


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.get_username()


class OrganisationForm(StyledModelForm):
    owner = UserChoiceField(queryset=active_users(), required=False, label=_("Liaison officer"))
    website = forms.URLField(label=_("Website"), required=False, max_length=200, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = ORGANISATION_FIELDS
        widgets = {"next_contact_planned_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not user.has_perm("stakeholders.assign_owner_organisation"):
            # Shown, not chosen: a posted value is ignored (and the service would refuse it anyway).
            self.fields["owner"].disabled = True
            self.fields["owner"].help_text = _("Only a coordinator can assign or change the liaison officer.")

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in ORGANISATION_FIELDS}


class ContactForm(StyledModelForm):
    class Meta:
        model = Contact
        fields = [
            "first_name",
            "name_prefix",
            "last_name",
            "job_title",
            "level",
            "email",
            "phone",
            "preferred_language",
            "is_active",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}


class InteractionForm(StyledModelForm):
    """Who took part (the organisation's own contacts, as tick boxes), how, when (now unless changed) and what.
    The rules (not in the future, only the organisation's contacts) are the service's; its errors land here."""

    class Meta:
        model = Interaction
        fields = ["contacts", "channel", "occurred_at", "subject", "notes", "confidential", "topics", "sentiment"]
        widgets = {
            "contacts": forms.CheckboxSelectMultiple,
            "topics": forms.CheckboxSelectMultiple,
            "occurred_at": DateTimeLocalInput,
            "notes": forms.Textarea(attrs={"rows": 5}),
        }
        labels = {"contacts": _("Who took part")}

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contacts"].queryset = organisation.contacts.filter(is_active=True)
        self.fields["topics"].queryset = Topic.objects.order_by("name")
        self.fields["occurred_at"].initial = timezone.localtime().replace(second=0, microsecond=0)


class FollowUpForm(StyledModelForm):
    assignee = UserChoiceField(queryset=active_users(), label=_("Assignee"))

    class Meta:
        model = FollowUpAction
        fields = ["description", "assignee", "due_on"]
        widgets = {"due_on": DateInput()}


class BaseFollowUpFormSet(forms.BaseFormSet):
    label = _("Follow-up action")


# Two empty rows; a row left empty is ignored, a row partly filled is validated.
FollowUpFormSet = forms.formset_factory(FollowUpForm, formset=BaseFollowUpFormSet, extra=2, max_num=10)


class OrganisationPickForm(StyledForm):
    """The first step of logging a contact from the dashboard: which organisation."""

    zoek = forms.CharField(label=_("Search an organisation"), max_length=100, required=False)


class OrganisationsPlanForm(StyledForm):
    """Planning for a segment: what changes for every organisation the filters select; a field left empty stays as
    it is. `count` is how many the page showed: if the filters select another number by the time it is posted,
    the coordinator confirms again."""

    owner = UserChoiceField(queryset=active_users(), required=False, label=_("Liaison officer"))
    tier = forms.ModelChoiceField(queryset=Tier.objects.order_by("position", "name"), required=False, label=_("Tier"))
    next_contact_planned_on = forms.DateField(required=False, widget=DateInput(), label=_("Next contact planned on"))
    aantal = forms.IntegerField(widget=forms.HiddenInput)
    bevestigd = forms.BooleanField(label=_("Yes, change all these organisations"))

    def __init__(self, *args, user, count: int, **kwargs):
        super().__init__(*args, initial={"aantal": count}, **kwargs)
        self.count = count
        if not user.has_perm("stakeholders.assign_owner_organisation"):
            self.fields["owner"].disabled = True
            self.fields["owner"].help_text = _("Only a coordinator can assign or change the liaison officer.")

    def clean_aantal(self):
        if self.cleaned_data["aantal"] != self.count:
            raise forms.ValidationError(
                _("The filters now select %(count)s organisations; check and confirm again.") % {"count": self.count}
            )
        return self.count

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("owner", "tier", "next_contact_planned_on")
                if self.cleaned_data[name] is not None}  # fmt: skip

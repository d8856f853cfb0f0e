from django import forms
from django.utils.translation import gettext_lazy as _

from crm.web.forms import DateInput, StyledForm

from .selectors import Period

# The longest period the page adds up, so a typing error in a year does not scan a century; and the years a period
# may lie in (a day after 9999-12-31 does not exist).
LONGEST_PERIOD_DAYS = 10 * 366
YEARS = range(1900, 9000)


class PeriodForm(StyledForm):
    """The period of the steering figures, by the Dutch keys of its address (van, tot); both days included."""

    van = forms.DateField(label=_("from"), required=False, widget=DateInput())
    tot = forms.DateField(label=_("until"), required=False, widget=DateInput())

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        default = Period.last_twelve_months()
        starts_on, ends_on = cleaned.get("van") or default.starts_on, cleaned.get("tot") or default.ends_on
        for name, day in (("van", starts_on), ("tot", ends_on)):
            if name not in self.errors and day.year not in YEARS:
                self.add_error(name, _("Give a day between 1900 and 9000."))
        if "van" in self.errors or "tot" in self.errors:
            return cleaned
        if starts_on > ends_on:
            self.add_error("tot", _("The end of the period comes before its start."))
        elif (ends_on - starts_on).days > LONGEST_PERIOD_DAYS:
            self.add_error("van", _("Choose a period of at most ten years."))
        else:
            cleaned["period"] = Period(starts_on=starts_on, ends_on=ends_on)
        return cleaned

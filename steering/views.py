"""The steering page: survey outcome beside contact intensity per group, for coordinators."""

from django.shortcuts import render

from crm.web.views import allowed

from .forms import PeriodForm
from .selectors import PERMISSION, Period, steering_figures


@allowed(PERMISSION)
def overview(request):
    """The figures over the period asked for (the last twelve months by default); a wrong period keeps the
    default's figures and shows its error beside the field."""
    form = PeriodForm(request.GET or None)
    valid = form.is_bound and form.is_valid()
    period = form.cleaned_data["period"] if valid else Period.last_twelve_months()
    if not form.is_bound:
        form = PeriodForm(initial={"van": period.starts_on, "tot": period.ends_on})
    return render(request, "steering/overview.html", {"form": form, "steering": steering_figures(period=period)})

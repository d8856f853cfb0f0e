"""Forms in the NL Design System's markup: one renderer for every form of the web UI, so each view stays plain."""

from typing import TYPE_CHECKING

from django import forms
from django.forms.renderers import TemplatesSetting

if TYPE_CHECKING:
    # What StyledFormMixin is mixed into: checked as a form, a plain class when it runs.
    _FormBase = forms.BaseForm
else:
    _FormBase = object

# Which NL Design System component styles each kind of widget (BoundField.widget_type).
WIDGET_CLASSES = {
    "textarea": "utrecht-textarea utrecht-textarea--html-textarea",
    "select": "utrecht-select utrecht-select--html-select",
    "selectmultiple": "utrecht-select utrecht-select--html-select",
    "checkbox": "utrecht-checkbox utrecht-checkbox--html-input utrecht-checkbox--custom",
    "checkboxselectmultiple": "utrecht-checkbox utrecht-checkbox--html-input utrecht-checkbox--custom",
    "radioselect": "utrecht-radio-button utrecht-radio-button--html-input",
}
TEXTBOX_CLASS = "utrecht-textbox utrecht-textbox--html-input"


class FormRenderer(TemplatesSetting):
    """Renders `{{ form }}` and `{{ field.as_field_group }}` with the templates in templates/forms/."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


def widgets_style(form: forms.BaseForm) -> None:
    """Give each widget its component class."""
    for bound_field in form:
        bound_field.field.widget.attrs["class"] = WIDGET_CLASSES.get(bound_field.widget_type, TEXTBOX_CLASS)


def widgets_mark_invalid(form: forms.BaseForm) -> None:
    """Add the component's invalid modifier to each widget whose field has an error."""
    for name in form.errors:
        if name in form.fields:
            widget = form.fields[name].widget
            classes = widget.attrs.get("class", TEXTBOX_CLASS).split()
            modifier = f"{classes[0]}--invalid"
            if modifier not in classes:
                widget.attrs["class"] = " ".join([*classes, modifier])


class StyledFormMixin(_FormBase):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        widgets_style(self)

    def full_clean(self):
        super().full_clean()
        widgets_mark_invalid(self)


class StyledForm(StyledFormMixin, forms.Form):
    pass


class StyledModelForm(StyledFormMixin, forms.ModelForm):
    pass


class DateTimeLocalInput(forms.DateTimeInput):
    """The browser's own date-and-time picker; the value travels as 2026-11-29T14:30."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def errors_to_form(form: forms.BaseForm, error) -> None:
    """Show a service's ValidationError on the form: beside its field where the form has one, else at the top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
    for name, messages in getattr(error, "error_dict", {}).items():
        form.add_error(name if name in form.fields else None, messages)
    widgets_mark_invalid(form)

from crm.web.forms import StyledModelForm

from .models import MailPreferences


class MailPreferencesForm(StyledModelForm):
    class Meta:
        model = MailPreferences
        fields = ["language", "digest_frequency", "follow_up_reminders", "coordinator_summary", "notifications"]

from django import template

register = template.Library()


@register.filter
def person(user) -> str:
    """A user as people know them: the full name, else the user name; a dash for nobody."""
    if user is None or user == "":
        return "–"
    return user.get_full_name() or user.get_username()

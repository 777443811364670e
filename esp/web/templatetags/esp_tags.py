from django import template

register = template.Library()


@register.filter
def dict_get(mapping, key):
    """`{{ mapping|dict_get:key }}`: a dict value by a variable key (empty list if missing)."""
    return mapping.get(key, [])

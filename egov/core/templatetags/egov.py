"""Template filters shared by every app."""

from django import template

register = template.Library()


@register.filter
def vnd(amount: int | None) -> str:
    """50000 → "50.000 đồng" (Vietnamese grouping, whatever the page language)."""
    if amount is None:
        return ""
    return f"{int(amount):,}".replace(",", ".") + " đồng"

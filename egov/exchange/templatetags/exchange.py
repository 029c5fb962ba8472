"""`{% central_exchange slip %}`: what was sent to central ministries for a dossier's steps, and their replies.

A template tag rather than a view's context, so that the workflow app shows the exchange's block without
importing the exchange (the page that includes it has already checked who may see the dossier).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template

from egov.exchange.selectors import message_list_for_objects

register = template.Library()


@register.inclusion_tag("exchange/_central_messages.html")
def central_exchange(slip: Iterable[Any]) -> dict[str, Any]:
    """`slip`: the dossier's step runs (the control slip); only steps at a central system are looked up."""
    ids = [run.pk for run in slip if run.agency_id is None and run.central_system]
    messages = list(message_list_for_objects("workflow.steprun", ids)) if ids else []
    return {"exchange_messages": messages}

"""Reads of the work: a person's queue, a dossier's control slip."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from egov.accounts.models import Role
from egov.accounts.selectors import user_agencies, user_is_province_admin

from .models import StepRun


def step_queue(user: Any) -> QuerySet[StepRun]:
    """Open steps for `user`, most urgent first: a leader sees their agencies' open steps; a case officer
    the steps given to them (and unassigned ones of their agencies)."""
    qs = StepRun.objects.filter(finished_at__isnull=True).select_related("dossier", "agency", "assignee")
    if user_is_province_admin(user):
        return qs.order_by("due_at")
    led = user_agencies(user, {Role.LEADER.value, Role.RECEIVER.value})
    worked = user_agencies(user, {Role.SPECIALIST.value})
    mine = Q(agency__in=led) | Q(assignee=user) | Q(agency__in=worked, assignee__isnull=True)
    return qs.filter(mine).order_by("due_at")


def control_slip(dossier: Any) -> QuerySet[StepRun]:
    """Every step as it ran: from, to, when, who, early / on time / late (phiếu kiểm soát)."""
    return StepRun.objects.filter(dossier=dossier).select_related("agency", "assignee").order_by("started_at", "id")


def open_step(dossier: Any) -> StepRun | None:
    return StepRun.objects.filter(dossier=dossier, finished_at__isnull=True).select_related("agency").first()

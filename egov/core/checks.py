"""Checks for a production installation (`manage.py check --deploy`): the demo's stand-ins must be off.

The demo runs with a fake payment platform and a fake VNeID, both of which accept whatever a visitor
claims (a paid order, anyone's ID number). They are right for the demo and the tests, and an open door
anywhere else, so a deployment check refuses them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

FAKE_GATEWAY = "egov.payments.gateway.FakeGateway"


@register(Tags.security, deploy=True)
def demo_stand_ins_off(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors = []
    if settings.PAYMENT_GATEWAY_BACKEND == FAKE_GATEWAY:
        errors.append(
            Error(
                "The fake payment platform is on: anyone can sign a 'paid' callback with its published secret.",
                hint="Set PAYMENT_GATEWAY_BACKEND to the province's payment platform adapter (docs/payments.md).",
                id="egov.E001",
            )
        )
    if settings.VNEID_FAKE:
        errors.append(
            Error(
                "The VNeID stand-in is on: anyone can sign in as any citizen by typing their ID number.",
                hint="Set VNEID_ISSUER and the VNeID client settings, or VNEID_FAKE=0 (docs/identity.md).",
                id="egov.E002",
            )
        )
    return errors

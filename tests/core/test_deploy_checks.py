"""`manage.py check --deploy` refuses the demo's stand-ins (fake payment platform, fake VNeID)."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from egov.core.checks import demo_stand_ins_off


def test_the_deploy_check_refuses_the_demo_stand_ins(settings):
    settings.VNEID_FAKE = True
    settings.PAYMENT_GATEWAY_BACKEND = "egov.payments.gateway.FakeGateway"
    with pytest.raises(SystemCheckError) as refused:
        call_command("check", "--deploy", "--tag", "security")
    assert "egov.E001" in str(refused.value) and "egov.E002" in str(refused.value)


def test_real_adapters_pass_it(settings):
    settings.VNEID_FAKE = False
    settings.PAYMENT_GATEWAY_BACKEND = "province.payments.PlatformGateway"  # any real adapter
    assert demo_stand_ins_off() == []

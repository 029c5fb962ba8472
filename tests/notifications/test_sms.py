"""SMS backends: the demo prints messages with the number masked; the setting picks the backend."""

from egov.notifications.sms import ConsoleSmsBackend, LocmemSmsBackend, SmsMessage, get_sms_backend
from tests.notifications.conftest import PHONE


def test_the_console_backend_prints_the_text_but_not_the_number(capsys):
    ConsoleSmsBackend().send(PHONE, "Hồ sơ của bạn đã có kết quả.")
    out = capsys.readouterr().out
    assert "********78" in out and "Hồ sơ của bạn đã có kết quả." in out and PHONE not in out


def test_the_backend_is_the_one_in_the_settings(settings, sms_outbox):
    get_sms_backend().send(PHONE, "xin chào")
    assert isinstance(get_sms_backend(), LocmemSmsBackend) and sms_outbox == [SmsMessage(PHONE, "xin chào")]
    settings.SMS_BACKEND = "egov.notifications.sms.ConsoleSmsBackend"
    assert isinstance(get_sms_backend(), ConsoleSmsBackend)

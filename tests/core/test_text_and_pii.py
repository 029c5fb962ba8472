import logging

from egov.core.pii import mask_pii
from egov.core.text import fold, fold_words


def test_fold_removes_vietnamese_diacritics():
    assert fold("Cấp Giấy phép XÂY DỰNG") == "cap giay phep xay dung"
    assert fold("Đăng ký khai sinh  đúng hạn") == "dang ky khai sinh dung han"
    assert fold("Thủ tục hành chính") == fold("thu tuc hanh chinh")


def test_fold_is_the_same_for_composed_and_decomposed_input():
    import unicodedata

    text = "Lâm Đồng, Đắk R'Lấp"
    assert fold(unicodedata.normalize("NFD", text)) == fold(unicodedata.normalize("NFC", text))


def test_fold_words_keeps_codes():
    assert fold_words("Thủ tục 1.000494, (mới)") == ["thu", "tuc", "1.000494", "moi"]


def test_mask_hides_id_numbers_phones_tax_codes_and_email():
    text = "CCCD 068190000123, ĐT 0912345678, MST 5800000167-001, thư an.nguyen@example.vn"
    masked = mask_pii(text)
    for secret in ("068190000123", "0912345678", "5800000167", "an.nguyen@"):
        assert secret not in masked
    assert "23" in masked and "example.vn" in masked


def test_log_records_are_masked(caplog):
    from egov.core.pii import MaskPIIFilter

    logger = logging.getLogger("egov.test")
    logger.addFilter(MaskPIIFilter())
    with caplog.at_level(logging.INFO, logger="egov.test"):
        logger.info("citizen %s signed in from %s", "068190000123", "0912345678")
    assert "068190000123" not in caplog.text
    assert "0912345678" not in caplog.text


def test_phones_written_with_separators_are_masked_and_dates_are_not():
    masked = mask_pii("gọi 0912 345 678 hoặc +84 912.345.678, hẹn 09:30 26/03/2026, phí 1.500.000 đồng")
    assert "345 678" not in masked and "345.678" not in masked
    assert "09:30 26/03/2026" in masked and "1.500.000" in masked


def test_a_logged_traceback_is_masked(caplog):
    from egov.core.pii import MaskPIIFilter

    logger = logging.getLogger("egov.test.traceback")
    logger.addFilter(MaskPIIFilter())
    with caplog.at_level(logging.ERROR, logger="egov.test.traceback"):
        try:
            raise ValueError("Key (username)=(068190000123) already exists.")
        except ValueError:
            logger.exception("could not create the account")
    assert "already exists" in caplog.text and "068190000123" not in caplog.text

import pytest

from egov.catalog.inputs import procedure_input


def raw_procedure(owner, **overrides):
    data = {
        "code": "1.009994",
        "name": "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
        "sector": "Hoạt động xây dựng",
        "at_province": False,
        "at_commune": True,
        "owner_eid_code": owner.eid_code,
        "implementing_agency": "Ủy ban nhân dân cấp xã",
        "receiving_agency": "Bộ phận Một cửa",
        "online_level": "partial",
        "duration_value": 15,
        "duration_unit": "working_days",
        "legal_basis": "Luật Xây dựng số 50/2014/QH13\nNghị định 175/2024/NĐ-CP",
        "fees": [{"kind": "charge", "name": "Lệ phí cấp giấy phép xây dựng", "amount": 75000}],
        "components": [
            {"name": "Đơn đề nghị cấp giấy phép xây dựng", "originals": 1, "copies": 0, "form_name": "Mẫu số 01"},
            {"name": "Bản vẽ thiết kế", "originals": 2, "copies": 0},
        ],
    }
    data.update(overrides)
    return data


@pytest.fixture
def permit_input(construction):
    return procedure_input(raw_procedure(construction))

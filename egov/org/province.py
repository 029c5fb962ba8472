"""The provincial agencies of Lâm Đồng after the 2025 reorganisation (departments are not in any package).

Electronic agency codes follow QCVN 102:2016 (`000.00.YY.Hnn`); the department numbers below are
this installation's own assignment, to be confirmed against the province's registry and editable
by the province administrator. Commune People's Committees get `Hnn.<official unit code>`.
"""

from __future__ import annotations

from typing import NamedTuple


class AgencySeed(NamedTuple):
    slug: str
    number: int  # YY in 000.00.YY.Hnn; 0 = the provincial People's Committee itself
    name: str
    short_name: str
    kind: str


PROVINCIAL_AGENCIES: tuple[AgencySeed, ...] = (
    AgencySeed("ubnd-tinh", 0, "Ủy ban nhân dân tỉnh Lâm Đồng", "UBND tỉnh", "peoples_committee"),
    AgencySeed("van-phong-ubnd", 1, "Văn phòng Ủy ban nhân dân tỉnh", "VP UBND tỉnh", "office"),
    AgencySeed("trung-tam-phvcc", 2, "Trung tâm Phục vụ hành chính công tỉnh", "TTPVHCC", "service_centre"),
    AgencySeed("so-noi-vu", 3, "Sở Nội vụ", "SNV", "department"),
    AgencySeed("so-tu-phap", 4, "Sở Tư pháp", "STP", "department"),
    AgencySeed("so-tai-chinh", 5, "Sở Tài chính", "STC", "department"),
    AgencySeed("so-xay-dung", 6, "Sở Xây dựng", "SXD", "department"),
    AgencySeed("so-cong-thuong", 7, "Sở Công Thương", "SCT", "department"),
    AgencySeed("so-nong-nghiep-moi-truong", 8, "Sở Nông nghiệp và Môi trường", "SNNMT", "department"),
    AgencySeed("so-giao-duc-dao-tao", 9, "Sở Giáo dục và Đào tạo", "SGDĐT", "department"),
    AgencySeed("so-y-te", 10, "Sở Y tế", "SYT", "department"),
    AgencySeed("so-van-hoa-the-thao-du-lich", 11, "Sở Văn hóa, Thể thao và Du lịch", "SVHTTDL", "department"),
    AgencySeed("so-khoa-hoc-cong-nghe", 12, "Sở Khoa học và Công nghệ", "SKHCN", "department"),
    AgencySeed("so-dan-toc-ton-giao", 13, "Sở Dân tộc và Tôn giáo", "SDTTG", "department"),
    AgencySeed("thanh-tra-tinh", 14, "Thanh tra tỉnh", "TTra", "inspectorate"),
)

# Short keys used by the demo catalogue data (egov/catalog/demo/procedures.json).
DEMO_AGENCY_KEYS: dict[str, str] = {
    "SNV": "so-noi-vu",
    "STP": "so-tu-phap",
    "STC": "so-tai-chinh",
    "SXD": "so-xay-dung",
    "SCT": "so-cong-thuong",
    "SNNMT": "so-nong-nghiep-moi-truong",
    "SGDDT": "so-giao-duc-dao-tao",
    "SYT": "so-y-te",
    "SVHTTDL": "so-van-hoa-the-thao-du-lich",
    "SKHCN": "so-khoa-hoc-cong-nghe",
    "SDTTG": "so-dan-toc-ton-giao",
    "TTRA": "thanh-tra-tinh",
}


def department_eid_code(number: int, suffix: str) -> str:
    return f"000.00.{number:02d}.{suffix}"


def commune_eid_code(unit_code: str, suffix: str) -> str:
    return f"{suffix}.{unit_code}"

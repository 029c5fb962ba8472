"""Loads the demo: every step goes through the domain services, so the audit trail is real too."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from egov.accounts.models import Role, User
from egov.accounts.services import business_create, citizen_create, official_create
from egov.catalog.inputs import procedure_input
from egov.catalog.models import Procedure, ProcedureStatus
from egov.catalog.services import procedure_import, procedure_publish, procedure_suspend
from egov.core.clock import Clock, system_clock
from egov.core.text import fold
from egov.demo.history import load_history
from egov.identity.services import second_factor_preset
from egov.org.models import Agency, Unit
from egov.org.province import DEMO_AGENCY_KEYS
from egov.org.services import org_sync_agencies, org_sync_units
from egov.records.pki import demo_ca_ensure

DATA = Path(__file__).resolve().parent.parent / "catalog" / "demo" / "procedures.json"
DEMO_PASSWORD = "LamDong@2025"  # noqa: S105 - printed by `make demo`; demo data only
DEMO_DECISION = ("01/QĐ-UBND (dữ liệu mẫu)", date(2025, 7, 1))
PROVINCE_RECEIVER = "Trung tâm Phục vụ hành chính công tỉnh Lâm Đồng"
COMMUNE_RECEIVER = "Bộ phận Một cửa Ủy ban nhân dân cấp xã"
# A few procedures are left as drafts, and one suspended, so the back office shows every state.
DRAFT_EVERY = 40


@dataclass(frozen=True)
class DemoAccount:
    username: str
    kind: str
    role: str
    where: str


def _commune(name_fragment: str) -> Agency:
    communes = Agency.objects.filter(level="commune").order_by("eid_code")
    return communes.filter(name__icontains=name_fragment).first() or communes[0]


def load_demo(*, clock: Clock = system_clock, data_path: Path = DATA) -> list[DemoAccount]:
    """Load (or refresh) the demo; safe to run again. Returns the demo accounts."""
    with transaction.atomic():
        admin = User.objects.filter(username="quantri.tinh").first()
        if admin is None:
            admin = User.objects.create_user(
                username="quantri.tinh",
                password=DEMO_PASSWORD,
                kind=User.Kind.OFFICIAL,
                full_name="Quản trị hệ thống tỉnh",
                email="quantri@lamdong.gov.vn",
                is_staff=True,
                is_superuser=True,
            )
        org_sync_units(actor=admin, clock=clock)
        org_sync_agencies(actor=admin, clock=clock)
        province_pc = Agency.objects.get(slug="ubnd-tinh")
        if not admin.roles.exists():
            admin.roles.create(agency=province_pc, role=Role.PROVINCE_ADMIN)
        accounts = _accounts(admin, clock)
        _second_factor(accounts)
    _catalog(admin, clock, data_path)
    _processes(admin, clock)
    _dossiers(admin, clock)
    _payments(admin, clock)
    _central_exchange(clock)
    if settings.SIGNING_DEMO_CA:  # the demo CA that signs results (egov.records.pki); agencies' certificates on demand
        demo_ca_ensure(clock=clock)
    load_history(admin, clock)
    return accounts


def _second_factor(accounts: list[DemoAccount]) -> None:
    """Officials confirm each sign-in with a TOTP code; in the demo they share one known key."""
    for user in User.objects.filter(username__in=[a.username for a in accounts], kind=User.Kind.OFFICIAL):
        second_factor_preset(user=user, key_hex=settings.DEMO_TOTP_KEY)


def _accounts(admin: User, clock: Clock) -> list[DemoAccount]:
    agencies = {a.slug: a for a in Agency.objects.filter(level="province")}
    da_lat, bao_loc = _commune("Xuân Hương"), _commune("Bảo Lộc")
    officials: list[tuple[str, str, Agency, str]] = [
        ("motcua.tinh", "Nguyễn Thị Mai", agencies["trung-tam-phvcc"], Role.RECEIVER),
        ("chuyenvien.sxd", "Trần Văn Hùng", agencies["so-xay-dung"], Role.SPECIALIST),
        ("lanhdao.sxd", "Lê Minh Tuấn", agencies["so-xay-dung"], Role.LEADER),
        ("chuyenvien.stp", "Phạm Thị Lan", agencies["so-tu-phap"], Role.SPECIALIST),
        ("lanhdao.stp", "Hoàng Văn Nam", agencies["so-tu-phap"], Role.LEADER),
        ("quantri.snnmt", "Đỗ Thị Hạnh", agencies["so-nong-nghiep-moi-truong"], Role.AGENCY_ADMIN),
        ("chuyenvien.syt", "Vũ Đức Long", agencies["so-y-te"], Role.SPECIALIST),
        ("motcua.xuanhuong", "K'Điểu Thị Hoa", da_lat, Role.RECEIVER),
        ("chuyenvien.xuanhuong", "Ngô Quang Vinh", da_lat, Role.SPECIALIST),
        ("lanhdao.xuanhuong", "Bùi Thanh Sơn", da_lat, Role.LEADER),
        ("motcua.baoloc", "Ka Thị Nhung", bao_loc, Role.RECEIVER),
        ("lanhdao.baoloc", "Đặng Văn Phúc", bao_loc, Role.LEADER),
    ]
    result = [DemoAccount("quantri.tinh", "official", str(Role.PROVINCE_ADMIN.label), province_pc_name())]
    for username, name, agency, role in officials:
        if not User.objects.filter(username=username).exists():
            official_create(
                actor=admin,
                username=username,
                full_name=name,
                password=DEMO_PASSWORD,
                email=f"{username}@lamdong.gov.vn",
                roles=[(agency, role)],
                clock=clock,
            )
        result.append(DemoAccount(username, "official", str(Role(role).label), agency.name))
    citizens = [
        ("068190000123", "Nguyễn Văn An", "an.nguyen@example.vn", "0912345678"),
        ("068192000456", "K'Brếu Thị Bình", "binh.kbreu@example.vn", "0987654321"),
        ("067085001234", "Trần Quốc Cường", "cuong.tran@example.vn", "0903123456"),
    ]
    for pid, name, email, phone in citizens:
        if not User.objects.filter(username=pid).exists():
            citizen_create(
                actor=admin,
                personal_id=pid,
                full_name=name,
                password=DEMO_PASSWORD,
                email=email,
                phone=phone,
                clock=clock,
            )
        result.append(DemoAccount(pid, "citizen", "Công dân", name))
    business_tax_code = "5800000167"
    if not User.objects.filter(username=business_tax_code).exists():
        business_create(
            actor=admin,
            tax_code=business_tax_code,
            name="Công ty TNHH Cà phê Cầu Đất (mẫu)",
            password=DEMO_PASSWORD,
            email="info@caudat.example.vn",
            clock=clock,
        )
    result.append(DemoAccount(business_tax_code, "business", "Doanh nghiệp", "Công ty TNHH Cà phê Cầu Đất (mẫu)"))
    return result


def province_pc_name() -> str:
    return Agency.objects.get(slug="ubnd-tinh").name


def _owners_by_sector(entries: list[dict[str, Any]]) -> dict[str, str]:
    """Commune-level entries belong to the department that runs the sector at province level."""
    votes: dict[str, Counter[str]] = {}
    for e in entries:
        if e["agency"] in DEMO_AGENCY_KEYS:
            votes.setdefault(e["sector"], Counter())[e["agency"]] += 1
    return {sector: counter.most_common(1)[0][0] for sector, counter in votes.items()}


def _conditional(name: str) -> bool:
    """The national catalogue marks conditional documents in their name: "(trường hợp …)", "(nếu có)"."""
    folded = fold(name)
    return "(truong hop" in folded or "neu co" in folded


def demo_rows(data_path: Path = DATA) -> list[dict[str, Any]]:
    """The demo catalogue as raw procedure inputs (before checking)."""
    entries = json.loads(data_path.read_text(encoding="utf-8"))
    sector_owner = _owners_by_sector(entries)
    eid = {a.slug: a.eid_code for a in Agency.objects.filter(level="province")}
    names = {a.slug: a.name for a in Agency.objects.filter(level="province")}
    rows = []
    for e in entries:
        key = e["agency"] if e["agency"] in DEMO_AGENCY_KEYS else sector_owner.get(e["sector"], "SNV")
        owner_slug = DEMO_AGENCY_KEYS[key]
        at_province = "province" in e["levels"]
        rows.append(
            {
                "code": e["code"],
                "name": e["name"],
                "sector": e["sector"],
                "at_province": at_province,
                "at_commune": "commune" in e["levels"],
                "owner_eid_code": eid[owner_slug],
                "implementing_agency": names[owner_slug] if at_province else "Ủy ban nhân dân cấp xã",
                "receiving_agency": PROVINCE_RECEIVER if at_province else COMMUNE_RECEIVER,
                "online_level": e.get("online_level") or "partial",
                "duration_value": e["duration_value"],
                "duration_unit": e["duration_unit"],
                "duration_note": e.get("duration_note", ""),
                "applicants": e.get("applicants", ""),
                "eligibility": e.get("eligibility", ""),
                "steps": e.get("steps", ""),
                "result": e.get("result", ""),
                "legal_basis": "\n".join(e.get("legal_basis") or []),
                "fees": [
                    {"kind": f["kind"], "name": f["name"], "amount": f.get("amount"), "note": f.get("note", "")}
                    for f in e.get("fees") or []
                ],
                "components": [
                    {
                        "name": c["name"],
                        "originals": c.get("originals", 0),
                        "copies": c.get("copies", 0),
                        "form_name": c.get("form", ""),
                        "required": not _conditional(c["name"]),
                    }
                    for c in e.get("components") or []
                ],
            }
        )
    return rows


def _catalog(admin: User, clock: Clock, data_path: Path) -> None:
    rows = [(i, procedure_input(raw)) for i, raw in enumerate(demo_rows(data_path), start=1)]
    with transaction.atomic():
        procedure_import(actor=admin, rows=rows, clock=clock)
        number, when = DEMO_DECISION
        drafts = Procedure.objects.order_by("code")
        for i, procedure in enumerate(drafts.filter(status=ProcedureStatus.DRAFT)):
            if i % DRAFT_EVERY == DRAFT_EVERY - 1 or not procedure.components.exists():
                continue
            procedure_publish(actor=admin, procedure=procedure, decision_number=number, decision_date=when, clock=clock)
        if not Procedure.objects.filter(status=ProcedureStatus.SUSPENDED).exists():
            last = Procedure.objects.filter(status=ProcedureStatus.PUBLISHED).order_by("-code").first()
            if last is not None:
                procedure_suspend(
                    actor=admin, procedure=last, clock=clock, reason="Đang sửa đổi theo văn bản mới (dữ liệu mẫu)"
                )


def unit_counts() -> dict[str, int]:
    return dict(Counter(Unit.objects.filter(is_active=True).values_list("kind", flat=True)))


BIRTH_FORM = [
    {"name": "ho_ten_tre", "label": "Họ, chữ đệm, tên của trẻ", "type": "text", "required": True},
    {"name": "ngay_sinh", "label": "Ngày, tháng, năm sinh", "type": "date", "required": True},
    {"name": "gioi_tinh", "label": "Giới tính", "type": "choice", "choices": ["Nam", "Nữ"], "required": True},
    {
        "name": "noi_sinh",
        "label": "Nơi sinh",
        "type": "text",
        "required": True,
        "help_text": "Tên cơ sở y tế hoặc địa chỉ nơi sinh",
    },
    {
        "name": "nguoi_khai",
        "label": "Họ tên người đi khai sinh",
        "type": "text",
        "required": True,
        "prefill": "full_name",
    },
    {
        "name": "so_dinh_danh",
        "label": "Số định danh cá nhân người khai",
        "type": "text",
        "required": True,
        "prefill": "personal_id",
    },
    {
        "name": "quan_he",
        "label": "Quan hệ với trẻ",
        "type": "choice",
        "choices": ["Cha", "Mẹ", "Ông", "Bà", "Khác"],
        "required": True,
    },
]
DEMO_PDF = b"%PDF-1.4\n% egov demo document\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _dossiers(admin: User, clock: Clock) -> None:
    """An e-form for birth registration and a few dossiers, so the desk's queue is not empty."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from egov.catalog.services import procedure_form_save
    from egov.dossiers.models import Dossier
    from egov.dossiers.services import Attachment, dossier_accept, dossier_request_supplement, dossier_submit_online

    birth = Procedure.objects.filter(code="1.001193", status=ProcedureStatus.PUBLISHED).first()
    if birth is None or Dossier.objects.exists():
        return
    procedure_form_save(actor=admin, procedure=birth, fields=BIRTH_FORM, clock=clock)
    desk = _commune("Xuân Hương")
    receiver = User.objects.get(username="motcua.xuanhuong")
    citizens = list(User.objects.filter(kind=User.Kind.CITIZEN).order_by("username"))
    made = []
    for i, citizen in enumerate(citizens):
        files = [
            Attachment(component=c, upload=SimpleUploadedFile(f"giay-to-{c.pk}.pdf", DEMO_PDF))
            for c in birth.components.filter(required=True)
        ]
        made.append(
            dossier_submit_online(
                actor=citizen,
                procedure=birth,
                agency=desk,
                attachments=files,
                idempotency_key=f"demo-{i}",
                form_data={"ho_ten_tre": f"Con của {citizen.full_name}", "gioi_tinh": "Nữ", "quan_he": "Cha"},
                clock=clock,
            )
        )
    if len(made) >= 2:
        dossier_accept(actor=receiver, dossier=made[0], clock=clock)
        dossier_request_supplement(
            actor=receiver, dossier=made[1], clock=clock, items=["Giấy chứng sinh: bản chụp bị mờ, xin nộp bản rõ hơn"]
        )


def _processes(admin: User, clock: Clock) -> None:
    """Three internal processes: within a commune, commune → department → commune, and one through a ministry."""
    from egov.catalog.services import process_template_save

    land = Agency.objects.get(slug="so-nong-nghiep-moi-truong")
    processes: dict[str, list[dict[str, Any]]] = {
        "1.001193": [  # birth registration, all at the commune
            {"name": "Tiếp nhận, kiểm tra hồ sơ", "where": "receiving", "actor": "receiver", "share_percent": 20},
            {
                "name": "Công chức tư pháp - hộ tịch thẩm tra, ghi sổ",
                "where": "receiving",
                "actor": "specialist",
                "share_percent": 50,
            },
            {
                "name": "Lãnh đạo UBND xã ký Giấy khai sinh",
                "where": "receiving",
                "actor": "leader",
                "share_percent": 20,
            },
            {"name": "Trả kết quả", "where": "receiving", "actor": "receiver", "share_percent": 10},
        ],
        "1.012753": [  # first land registration at a commune, examined by the provincial land office
            {"name": "Tiếp nhận tại Bộ phận Một cửa xã", "where": "receiving", "actor": "receiver", "share_percent": 5},
            {
                "name": "Văn phòng đăng ký đất đai thẩm tra, đo đạc",
                "where": "agency",
                "agency": land,
                "actor": "specialist",
                "share_percent": 60,
            },
            {
                "name": "Lãnh đạo Sở ký Giấy chứng nhận",
                "where": "agency",
                "agency": land,
                "actor": "leader",
                "share_percent": 20,
            },
            {"name": "Chuyển về xã, trả kết quả", "where": "receiving", "actor": "receiver", "share_percent": 15},
        ],
        "1.005136": [  # nationality: the Ministry of Justice is consulted through the national exchange
            {
                "name": "Tiếp nhận tại Trung tâm Phục vụ hành chính công",
                "where": "receiving",
                "actor": "receiver",
                "share_percent": 5,
            },
            {"name": "Sở Tư pháp thẩm tra", "where": "owner", "actor": "specialist", "share_percent": 35},
            {
                "name": "Xác minh tại Bộ Tư pháp",
                "where": "central",
                "central_system": "Bộ Tư pháp (qua LGSP/NDXP)",
                "actor": "other_agency",
                "share_percent": 40,
            },
            {"name": "Lãnh đạo Sở ký", "where": "owner", "actor": "leader", "share_percent": 15},
            {"name": "Trả kết quả", "where": "receiving", "actor": "receiver", "share_percent": 5},
        ],
    }
    for code, steps in processes.items():
        procedure = Procedure.objects.filter(code=code).first()
        if procedure is not None and not procedure.process_templates.exists():
            process_template_save(actor=admin, procedure=procedure, steps=steps, clock=clock)


def _payments(admin: User, clock: Clock) -> None:
    """A dossier waiting at the Department of Justice's step, ready to ask for its 100.000 đồng fee and pay it
    through the fake gateway; land registration pauses the legal clock while fees are paid."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from egov.core.audit import audit_record
    from egov.dossiers.models import Dossier
    from egov.dossiers.services import (
        Attachment,
        dossier_accept,
        dossier_start_processing,
        dossier_submit_online,
    )

    with transaction.atomic():
        # Land procedures do not count the time taken to pay fees and taxes (to be confirmed per procedure).
        for land in Procedure.objects.filter(code="1.012753", payment_pauses_clock=False):
            land.payment_pauses_clock = True
            land.save(update_fields=["payment_pauses_clock", "updated_at"])
            audit_record(
                actor=admin,
                action="catalog.procedure.update",
                obj=land,
                changes={"payment_pauses_clock": [False, True]},
                clock=clock,
            )
    nationality = Procedure.objects.filter(code="1.005136", status=ProcedureStatus.PUBLISHED).first()
    citizen = User.objects.filter(username="068192000456").first()
    if nationality is None or citizen is None or not nationality.process_templates.exists():
        return
    if Dossier.objects.filter(idempotency_key=f"{citizen.pk}:demo-payment").exists():
        return
    centre = Agency.objects.get(slug="trung-tam-phvcc")
    files = [
        Attachment(component=c, upload=SimpleUploadedFile(f"giay-to-{c.pk}.pdf", DEMO_PDF))
        for c in nationality.components.filter(required=True)
    ]
    dossier = dossier_submit_online(
        actor=citizen,
        procedure=nationality,
        agency=centre,
        attachments=files,
        idempotency_key="demo-payment",
        clock=clock,
    )
    desk = User.objects.get(username="motcua.tinh")
    dossier_accept(actor=desk, dossier=dossier, clock=clock)
    dossier_start_processing(actor=desk, dossier=Dossier.objects.get(pk=dossier.pk), clock=clock)


def _central_exchange(clock: Clock) -> None:
    """A nationality dossier examined by the Department of Justice and sent to the Ministry of Justice through
    the exchange: it waits on the fake ministry's page (/lien-thong/gia-lap/) for the province admin's answer."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from egov.dossiers.models import Dossier
    from egov.dossiers.services import (
        Attachment,
        dossier_accept,
        dossier_start_processing,
        dossier_step_complete,
        dossier_submit_online,
    )

    nationality = Procedure.objects.filter(code="1.005136", status=ProcedureStatus.PUBLISHED).first()
    citizen = User.objects.filter(username="067085001234").first()
    if nationality is None or citizen is None or not nationality.process_templates.exists():
        return
    if Dossier.objects.filter(idempotency_key=f"{citizen.pk}:demo-central").exists():
        return
    files = [
        Attachment(component=c, upload=SimpleUploadedFile(f"giay-to-{c.pk}.pdf", DEMO_PDF))
        for c in nationality.components.filter(required=True)
    ]
    dossier = dossier_submit_online(
        actor=citizen,
        procedure=nationality,
        agency=Agency.objects.get(slug="trung-tam-phvcc"),
        attachments=files,
        idempotency_key="demo-central",
        clock=clock,
    )
    desk = User.objects.get(username="motcua.tinh")
    dossier_accept(actor=desk, dossier=dossier, clock=clock)
    dossier_start_processing(actor=desk, dossier=Dossier.objects.get(pk=dossier.pk), clock=clock)
    dossier_step_complete(
        actor=User.objects.get(username="chuyenvien.stp"),
        dossier=Dossier.objects.get(pk=dossier.pk),
        note="Đề nghị Bộ Tư pháp xác minh quốc tịch và nhân thân của người xin nhập quốc tịch.",
        clock=clock,
    )

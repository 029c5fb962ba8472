import pytest

from egov.accounts.models import Role
from egov.dossiers import services
from egov.dossiers.services import Attachment
from tests.dossiers.conftest import _media, pdf  # noqa: F401  (shared fixtures)
from tests.factories import UserFactory, official
from tests.processes import land_procedure


@pytest.fixture
def setting(lam_dong, clock):
    """A land dossier received at a commune: examined and approved at the department, returned by the commune."""
    land = lam_dong["so-nong-nghiep-moi-truong"]
    commune = lam_dong["ubnd-tinh"].children.filter(level="commune").order_by("eid_code").first()
    procedure = land_procedure(lam_dong, clock, name="Đăng ký biến động đất đai")
    people = {
        "desk": official(commune, Role.RECEIVER, username="motcua.xa"),
        "commune_leader": official(commune, Role.LEADER, username="lanhdao.xa", full_name="Hoàng Văn Xã"),
        "leader": official(land, Role.LEADER, username="lanhdao.snnmt", full_name="Lê Minh Tuấn"),
        "specialist": official(land, Role.SPECIALIST, username="chuyenvien.snnmt"),
        "other": official(lam_dong["so-tu-phap"], Role.LEADER, username="lanhdao.stp"),
    }
    citizen = UserFactory(citizen=True, phone="0912000111", full_name="Nguyễn Văn An")
    dossier = services.dossier_submit_online(
        actor=citizen,
        procedure=procedure,
        agency=commune,
        idempotency_key="r1",
        clock=clock,
        attachments=[Attachment(component=procedure.components.get(), upload=pdf())],
    )
    services.dossier_accept(actor=people["desk"], dossier=dossier, clock=clock)
    services.dossier_start_processing(actor=people["desk"], dossier=dossier, clock=clock)
    dossier.refresh_from_db()
    return dossier, people, land, commune

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from egov.accounts.models import Role
from egov.catalog.models import Component
from egov.dossiers.services import Attachment
from tests.factories import ProcedureFactory, UserFactory, official

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")


def pdf(name="giay-to.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def centre(lam_dong):
    return lam_dong["trung-tam-phvcc"]


@pytest.fixture
def procedure(lam_dong):
    p = ProcedureFactory(
        code="1.001193",
        name="Đăng ký khai sinh",
        owner=lam_dong["so-tu-phap"],
        published=True,
        online_level="full",
        duration_value=3,
    )
    p.components.all().delete()  # the factory's generic component; these are the real ones
    Component.objects.create(procedure=p, name="Giấy chứng sinh", originals=1, position=1)
    Component.objects.create(procedure=p, name="Văn bản ủy quyền", originals=1, position=2, required=False)
    return p


@pytest.fixture
def applicant(db):
    return UserFactory(citizen=True, full_name="Nguyễn Văn An", phone="0912345678")


@pytest.fixture
def receiver(centre):
    return official(centre, Role.RECEIVER, username="motcua.tinh", full_name="Nguyễn Thị Mai")


@pytest.fixture
def other_receiver(lam_dong):
    commune = lam_dong["ubnd-tinh"].children.filter(level="commune").first()
    return official(commune, Role.RECEIVER, username="motcua.xa")


def attachments(procedure, **files):
    return [Attachment(component=c, upload=pdf(f"{c.pk}.pdf")) for c in procedure.components.filter(required=True)]

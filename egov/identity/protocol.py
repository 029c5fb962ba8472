"""Protocol choices read by settings (so: no model imports here): the scopes offered, and when PKCE is required."""

from __future__ import annotations

# Scope → what a relying party may ask for; shown on the consent page.
SCOPES = {
    "openid": "Định danh tài khoản (mã định danh trên hệ thống)",
    "profile": "Họ tên, loại tài khoản",
    "email": "Địa chỉ thư điện tử",
    "phone": "Số điện thoại",
    "national_id": "Số định danh cá nhân / mã số thuế",
    "official": "Cơ quan công tác và vai trò (cán bộ, công chức)",
    "dossiers": "Nộp hồ sơ và theo dõi hồ sơ của bạn (API /api/v1)",
}


def pkce_required(client_id: str) -> bool:
    """PKCE is required of public clients (apps, single-page sites); confidential ones may use it."""
    from oauth2_provider.models import get_application_model

    model = get_application_model()
    client = model.objects.filter(client_id=client_id).only("client_type").first()
    return client is None or client.client_type == model.CLIENT_PUBLIC

"""Writes of identity data: the province administrator registers relying-party systems and rotates secrets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.utils.translation import gettext as _
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import get_application_model

from egov.accounts.selectors import user_is_province_admin
from egov.core.audit import audit_record
from egov.core.clock import Clock, system_clock
from egov.core.errors import DomainError, PermissionDenied

from .models import ClientPolicy, UserSession
from .protocol import SCOPES

Application = get_application_model()


@dataclass(frozen=True)
class IssuedClient:
    """A client and its secret in clear text: shown once, stored only hashed."""

    application: Any
    secret: str


def _require_province_admin(actor: Any) -> None:
    if not user_is_province_admin(actor):
        raise PermissionDenied("identity.admin_only", _("Chỉ quản trị cấp tỉnh quản lý hệ thống kết nối."))


_LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def _uri_safe(uri: str) -> bool:
    """https, or plain http to this very machine (a developer's test client): the host parsed, not a prefix
    ("http://localhost.attacker.example/" is not localhost)."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return False
    if not parts.hostname:
        return False
    return parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOOPBACK)


def _check(
    name: str, redirect_uris: list[str], scopes: list[str], logout_uris: Sequence[str] = ()
) -> tuple[str, list[str], list[str]]:
    name = name.strip()
    uris = [u.strip() for u in redirect_uris if u.strip()]
    if not name:
        raise DomainError("identity.name_required", _("Cần tên hệ thống."))
    if not uris:
        raise DomainError("identity.redirect_required", _("Cần ít nhất một địa chỉ chuyển hướng (redirect URI)."))
    bad = [u for u in [*uris, *logout_uris] if not _uri_safe(u)]
    if bad:
        raise DomainError(
            "identity.redirect_https",
            _("Địa chỉ chuyển hướng phải dùng https (trừ máy thử nghiệm 127.0.0.1/localhost): %(uri)s"),
            uri=bad[0],
        )
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise DomainError("identity.bad_scope", _("Phạm vi không hợp lệ: %(scope)s"), scope=", ".join(unknown))
    if "openid" not in scopes:
        scopes = ["openid", *scopes]
    return name, uris, scopes


@transaction.atomic
def client_register(
    *,
    actor: Any,
    name: str,
    redirect_uris: list[str],
    scopes: list[str],
    public: bool,
    post_logout_redirect_uris: list[str] | None = None,
    clock: Clock = system_clock,
) -> IssuedClient:
    """Register a system that signs its users in through the province (authorization code flow)."""
    _require_province_admin(actor)
    name, uris, scopes = _check(name, redirect_uris, scopes, post_logout_redirect_uris or [])
    secret = "" if public else generate_client_secret()
    application = Application(
        name=name,
        client_type=Application.CLIENT_PUBLIC if public else Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(uris),
        post_logout_redirect_uris=" ".join(post_logout_redirect_uris or []),
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=False,
        client_secret=secret,
        hash_client_secret=True,
    )
    application.full_clean(exclude=["user", "client_secret"])
    application.save()
    ClientPolicy.objects.create(
        application=application, allowed_scopes=" ".join(scopes), registered_by=actor, registered_at=clock.now()
    )
    audit_record(
        actor=actor,
        action="identity.client.register",
        obj=application,
        changes={"name": name, "redirect_uris": uris, "scopes": scopes, "public": public},
        clock=clock,
    )
    return IssuedClient(application=application, secret=secret)


@transaction.atomic
def client_secret_rotate(*, actor: Any, application: Any, reason: str, clock: Clock = system_clock) -> IssuedClient:
    """A new secret for a confidential client; the old one stops working at once."""
    _require_province_admin(actor)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.client_type != Application.CLIENT_CONFIDENTIAL:
        raise DomainError("identity.public_client", _("Ứng dụng công khai (public) không dùng khóa bí mật."))
    if not reason.strip():
        raise DomainError("identity.reason_required", _("Cần ghi lý do đổi khóa bí mật."))
    secret = generate_client_secret()
    application.client_secret = secret
    application.hash_client_secret = True
    application.save(update_fields=["client_secret", "hash_client_secret", "updated"])
    ClientPolicy.objects.filter(application=application).update(secret_rotated_at=clock.now())
    audit_record(
        actor=actor, action="identity.client.rotate_secret", obj=application, reason=reason.strip(), clock=clock
    )
    return IssuedClient(application=application, secret=secret)


# --- second factor, sessions, deactivation ----------------------------------------------------------


def _end_sessions(user: Any, keys: list[str]) -> int:
    from importlib import import_module

    from django.conf import settings

    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in keys:
        store(session_key=key).delete()
    return UserSession.objects.filter(user=user, session_key__in=keys).delete()[0]


@transaction.atomic
def session_end(*, actor: Any, session: UserSession, clock: Clock = system_clock) -> None:
    """The user signs one of their own browsers out."""
    if session.user_id != getattr(actor, "pk", None):
        raise PermissionDenied("identity.not_yours", _("Đây không phải phiên đăng nhập của bạn."))
    _end_sessions(actor, [session.session_key])
    audit_record(
        actor=actor, action="identity.session.end", obj=actor, changes={"network": session.network}, clock=clock
    )


@transaction.atomic
def second_factor_confirm(*, actor: Any, device: Any, token: str, clock: Clock = system_clock) -> bool:
    """Check a TOTP code; the first good code confirms a new device (audited). False if wrong or expired."""
    if device.user_id != actor.pk:
        raise PermissionDenied("identity.not_yours", _("Thiết bị xác thực không thuộc tài khoản này."))
    if not device.verify_token(token.strip().replace(" ", "")):
        return False
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(actor=actor, action="identity.2fa.enrol", obj=actor, clock=clock)
    return True


def account_may_deactivate(actor: Any, user: Any) -> bool:
    """A province administrator may deactivate anyone; an agency administrator the officials of their agency,
    other administrators excepted."""
    from egov.accounts.selectors import user_agencies

    if user_is_province_admin(actor):
        return True
    mine = {a.pk for a in user_agencies(actor, {"agency_admin"})}
    theirs = {a.pk for a in user_agencies(user)}
    peer = bool(user_agencies(user, {"agency_admin", "province_admin"}))
    return user.kind == "official" and bool(theirs) and theirs <= mine and not peer


def _end_everywhere(user: Any) -> tuple[int, int]:
    """End every session of `user` and everything OAuth gave out for it: unexchanged codes, refresh and
    access tokens. Returns (sessions ended, access tokens revoked)."""
    from oauth2_provider.models import get_access_token_model, get_grant_model, get_refresh_token_model

    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    ended = _end_sessions(user, keys)
    get_grant_model().objects.filter(user=user).delete()
    for refresh in get_refresh_token_model().objects.filter(user=user, revoked__isnull=True):
        refresh.revoke()
    revoked = 0
    for access in get_access_token_model().objects.filter(user=user):
        access.revoke()
        revoked += 1
    return ended, revoked


@transaction.atomic
def account_password_reset_done(*, user: Any, clock: Clock = system_clock) -> None:
    """After a password reset (perhaps after a takeover), whatever was signed in as the account is signed
    out: browsers and the systems holding its tokens."""
    ended, revoked = _end_everywhere(user)
    audit_record(
        actor=user,
        action="identity.account.password_reset",
        obj=user,
        changes={"sessions_ended": ended, "tokens_revoked": revoked},
        clock=clock,
    )


@transaction.atomic
def account_deactivate(*, actor: Any, user: Any, reason: str, clock: Clock = system_clock) -> None:
    """Deactivate an account: its sessions and its tokens end at once.

    A province administrator may deactivate anyone; an agency administrator the officials of their agency.
    """
    if not account_may_deactivate(actor, user):
        raise PermissionDenied("identity.admin_only", _("Bạn không có quyền vô hiệu hóa tài khoản này."))
    if not reason.strip():
        raise DomainError("identity.reason_required", _("Cần ghi lý do."))
    user.is_active = False
    user.save(update_fields=["is_active"])
    ended, revoked = _end_everywhere(user)
    audit_record(
        actor=actor,
        action="identity.account.deactivate",
        obj=user,
        changes={"is_active": [True, False], "sessions_ended": ended, "tokens_revoked": revoked},
        reason=reason.strip(),
        clock=clock,
    )


def second_factor_preset(*, user: Any, key_hex: str) -> Any:
    """Give `user` a confirmed TOTP device with a known key: for the demo only, whose officials share one."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _created = TOTPDevice.objects.update_or_create(
        user=user, name="Demo", defaults={"key": key_hex, "confirmed": True}
    )
    return device


@transaction.atomic
def vneid_sign_in(*, person: Any, clock: Clock = system_clock) -> Any:
    """The account for a person VNeID vouched for: found by the link, else by ID number (and linked),
    else created as a citizen account. The level of assurance of this sign-in is recorded."""
    import secrets

    from egov.accounts.models import User
    from egov.accounts.services import citizen_create

    from .models import FederatedIdentity

    now = clock.now()
    link = FederatedIdentity.objects.select_related("user").filter(provider="vneid", subject=person.subject).first()
    if link is not None:
        user = link.user
        if not user.is_active:
            raise PermissionDenied("identity.inactive", _("Tài khoản này đã bị vô hiệu hóa."))
        link.level, link.last_sign_in_at = person.level, now
        link.save(update_fields=["level", "last_sign_in_at"])
        return user
    found = User.objects.filter(personal_id=person.national_id).first() if person.national_id else None
    created = found is None
    if found is None:
        user = citizen_create(
            actor=None,
            personal_id=person.national_id,
            full_name=person.name,
            password=secrets.token_urlsafe(32),
            phone=person.phone,
            clock=clock,
        )
        user.set_unusable_password()  # signs in through VNeID until they set a password
        user.save(update_fields=["password"])
    else:
        user = found
    if not user.is_active:
        raise PermissionDenied("identity.inactive", _("Tài khoản này đã bị vô hiệu hóa."))
    FederatedIdentity.objects.create(
        user=user, provider="vneid", subject=person.subject, level=person.level, linked_at=now, last_sign_in_at=now
    )
    audit_record(
        actor=user,
        action="identity.vneid.link",
        obj=user,
        changes={"created": created, "level": person.level},
        clock=clock,
    )
    return user

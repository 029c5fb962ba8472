"""The OpenID Connect provider's rules: who a token speaks for (claims per scope), PKCE, scopes per client.

django-oauth-toolkit does the protocol; this module decides what the province's systems learn about
a person. `sub` is the account's `public_id` (a UUID), never the database key or an ID number.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from oauth2_provider.oauth2_validators import OAuth2Validator

from egov.accounts.models import User
from egov.accounts.selectors import official_roles
from egov.core.audit import audit_record


def _roles(user: User) -> list[dict[str, str]]:
    return [{"agency": r.agency.eid_code, "agency_name": r.agency.name, "role": r.role} for r in official_roles(user)]


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_active", False))


class EgovValidator(OAuth2Validator):
    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        "account_kind": "profile",
        "national_id": "national_id",
        "tax_code": "national_id",
        "agency_codes": "official",
        "roles": "official",
    }

    def get_claim_dict(self, request: Any) -> dict[str, Any]:
        user: User = request.user
        claims: dict[str, Any] = {
            "sub": str(user.public_id),
            "name": user.full_name,
            "account_kind": user.kind,
            "email": user.email,
            "email_verified": False,
            "phone_number": user.phone,
            "phone_number_verified": False,
        }
        if user.kind == User.Kind.CITIZEN and user.personal_id:
            claims["national_id"] = user.personal_id
        if user.kind == User.Kind.BUSINESS and user.tax_code:
            claims["tax_code"] = user.tax_code
        if user.kind == User.Kind.OFFICIAL:
            # Only an official's username is a name ("motcua.tinh"); a citizen's is their ID number and a
            # business's its tax code, which only the national_id scope may carry.
            claims["preferred_username"] = user.get_username()
            roles = _roles(user)
            claims["agency_codes"] = sorted({r["agency"] for r in roles})
            claims["roles"] = roles
        return claims

    # A deactivated account's codes and tokens stop working at once, however it was deactivated (the
    # service revokes them too, but the Django admin's "active" box does not).
    def validate_code(self, client_id: str, code: str, client: Any, request: Any, *args: Any, **kw: Any) -> bool:
        return super().validate_code(client_id, code, client, request, *args, **kw) and _active(request.user)

    def validate_refresh_token(self, refresh_token: str, client: Any, request: Any, *args: Any, **kw: Any) -> bool:
        return super().validate_refresh_token(refresh_token, client, request, *args, **kw) and _active(request.user)

    def validate_bearer_token(self, token: str, scopes: list[str], request: Any) -> bool:
        return super().validate_bearer_token(token, scopes, request) and _active(request.user)

    def get_discovery_claims(self, request: Any) -> list[str]:
        return ["sub", *sorted(k for k in self.oidc_claim_scope if k != "sub")]

    def validate_scopes(
        self, client_id: str, scopes: list[str], client: Any, request: Any, *args: Any, **kw: Any
    ) -> bool:
        """Only the scopes the province administrator allowed this client. A client registered some other way
        (the Django admin) has no policy and gets `openid` alone: who, never what."""
        if not super().validate_scopes(client_id, scopes, client, request, *args, **kw):
            return False
        policy = getattr(client, "egov_policy", None)
        allowed = set(policy.allowed_scopes.split()) if policy is not None else {"openid"}
        return set(scopes) <= allowed

    def save_authorization_code(
        self, client_id: str, code: dict[str, Any], request: Any, *args: Any, **kw: Any
    ) -> None:
        with transaction.atomic():
            super().save_authorization_code(client_id, code, request, *args, **kw)
            audit_record(
                actor=request.user,
                action="identity.consent",
                obj=request.client,
                changes={"scopes": sorted(request.scopes or [])},
            )

    def _save_bearer_token(self, token: dict[str, Any], request: Any, *args: Any, **kw: Any) -> None:
        super()._save_bearer_token(token, request, *args, **kw)  # inside the toolkit's transaction
        audit_record(
            actor=request.user,
            action="identity.token.issue",
            obj=request.client,
            changes={"grant": request.grant_type, "scopes": sorted(token.get("scope", "").split())},
        )

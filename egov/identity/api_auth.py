"""Signing in to the JSON API with an access token from the province's OpenID provider (Bearer), for the
province's apps and partner systems; the portal's own pages keep using the session."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer
from oauth2_provider.oauth2_backends import get_oauthlib_core


class OAuthBearer(HttpBearer):
    """A valid, unrevoked, unexpired token carrying every one of `scopes`, of an active account."""

    def __init__(self, scopes: list[str]) -> None:
        super().__init__()
        self.scopes = scopes

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=self.scopes)
        user = getattr(oauth_request, "user", None)
        if not valid or user is None or not user.is_active:
            return None
        request.user = user  # the API's views act for request.user, whichever way it signed in
        return user

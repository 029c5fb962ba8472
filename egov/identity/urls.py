"""OpenID Connect endpoints: discovery and JWKS at the root (the issuer is the site), the rest under /o/."""

from django.urls import path, re_path
from oauth2_provider import views as oauth

from .discovery import DiscoveryView

app_name = "oauth2_provider"  # the toolkit reverses its own names in this namespace

urlpatterns = [
    re_path(
        r"^\.well-known/openid-configuration/?$",
        DiscoveryView.as_view(),
        name="oidc-connect-discovery-info",
    ),
    path(".well-known/jwks.json", oauth.JwksInfoView.as_view(), name="jwks-info"),
    path("o/authorize/", oauth.AuthorizationView.as_view(), name="authorize"),
    path("o/token/", oauth.TokenView.as_view(), name="token"),
    path("o/revoke_token/", oauth.RevokeTokenView.as_view(), name="revoke-token"),
    path("o/introspect/", oauth.IntrospectTokenView.as_view(), name="introspect"),
    path("o/userinfo/", oauth.UserInfoView.as_view(), name="user-info"),
    path("o/logout/", oauth.RPInitiatedLogoutView.as_view(), name="rp-initiated-logout"),
]

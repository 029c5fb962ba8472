"""The same flow through pyoidc (`oic`), a second, independent client: discovery, issuer, ID-token checks."""

from __future__ import annotations

import pytest
from oic import rndstr
from oic.oic import Client
from oic.oic.message import AccessTokenResponse, AuthorizationResponse, RegistrationResponse
from oic.utils.authn.client import CLIENT_AUTHN_METHOD

from .conftest import REDIRECT

pytestmark = pytest.mark.django_db(transaction=True)


def test_pyoidc_discovers_signs_in_and_verifies_the_id_token(live_server, browser, confidential_client, person):
    client = Client(client_authn_method=CLIENT_AUTHN_METHOD)
    config = client.provider_config(live_server.url)  # fails if the issuer in the document differs from the URL
    assert config["issuer"] == live_server.url
    client.store_registration_info(
        RegistrationResponse(
            client_id=confidential_client.application.client_id,
            client_secret=confidential_client.secret,
            redirect_uris=[REDIRECT],
        )
    )
    state, nonce = rndstr(), rndstr()
    request = client.construct_AuthorizationRequest(
        request_args={
            "client_id": client.client_id,
            "response_type": "code",
            "scope": ["openid", "profile", "email"],
            "nonce": nonce,
            "redirect_uri": REDIRECT,
            "state": state,
        }
    )
    b = browser()
    b.sign_in(person.username)
    query = b.consent(request.request(client.authorization_endpoint))
    answer = client.parse_response(
        AuthorizationResponse, info="&".join(f"{k}={v[0]}" for k, v in query.items()), sformat="urlencoded"
    )
    assert answer["state"] == state

    tokens = client.do_access_token_request(
        state=state,
        request_args={"code": answer["code"], "redirect_uri": REDIRECT},
        authn_method="client_secret_basic",
    )
    assert isinstance(tokens, AccessTokenResponse)
    id_token = tokens["id_token"]  # pyoidc verified its signature (JWKS), iss, aud and exp
    assert id_token["iss"] == live_server.url
    assert id_token["aud"] == [client.client_id]
    assert id_token["nonce"] == nonce
    assert id_token["sub"] == str(person.public_id)

    info = client.do_user_info_request(state=state)
    assert info["sub"] == str(person.public_id) and info["email"] == "lan@example.vn"
    assert "national_id" not in info.to_dict()  # not in the scopes asked for

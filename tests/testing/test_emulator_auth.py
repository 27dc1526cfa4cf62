"""Authentication: API keys, Guest fallback, login with its rate limit, session renewal."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import requests
from _emulator_client import Client

from wikijs.testing import WikiJSEmulator

LOGIN = (
    "mutation ($u: String!, $p: String!) { authentication { login(username: $u, password: $p, "
    'strategy: "local") { responseResult { succeeded errorCode slug message } jwt } } }'
)
PROFILE = "{ users { profile { id email } } }"


class FakeClock:
    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


def _login(emulator: WikiJSEmulator, password: str) -> requests.Response:
    return Client(emulator, key=None).post(LOGIN, {"u": emulator.admin_email, "p": password})


def test_api_keys_look_like_rs256_jwts(wikijs_emulator: WikiJSEmulator) -> None:
    for key in (wikijs_emulator.api_key, wikijs_emulator.issue_key("second")):
        header, payload, signature = key.split(".")
        assert header.startswith("eyJ") and payload.startswith("eyJ")
        assert len(signature) == 342  # a 2048-bit RSA signature, base64url


def test_a_bad_key_silently_runs_as_guest(wikijs_emulator: WikiJSEmulator) -> None:
    page_id = wikijs_emulator.add_page("public", "# Public")
    guest = Client(wikijs_emulator, key="not-a-key")
    assert guest.data("{ pages { list { id } } }")["pages"]["list"] == [{"id": page_id}]
    single = guest.post("query ($id: Int!) { pages { single(id: $id) { id } } }", {"id": page_id})
    error = single.json()["errors"][0]
    assert error["extensions"]["exception"]["code"] == 6013
    created = guest.post(
        'mutation { pages { create(content: "x", description: "", editor: "markdown", '
        'isPublished: true, isPrivate: false, locale: "en", path: "nope", tags: [], title: "t") '
        "{ responseResult { succeeded } } } }"
    ).json()
    assert created["errors"][0]["message"] == "Forbidden"
    assert created["data"] == {"pages": {"create": None}}
    profile = Client(wikijs_emulator, key=None).post(PROFILE).json()
    assert profile["errors"][0]["extensions"]["exception"]["code"] == 1019  # AuthRequired


def test_revoked_key_and_disabled_api_answer_http_500(wikijs_emulator: WikiJSEmulator) -> None:
    key = wikijs_emulator.issue_key("temporary")
    client = Client(wikijs_emulator, key=key)
    assert client.post(PROFILE).status_code == 200
    wikijs_emulator.revoke_key(key)
    response = client.post(PROFILE)
    assert response.status_code == 500
    assert response.json() == {
        "data": {},
        "errors": [{"message": "API Key is invalid or was revoked.", "path": []}],
    }
    wikijs_emulator.set_api_enabled(False)
    response = Client(wikijs_emulator).post(PROFILE)
    assert response.status_code == 500
    assert response.json()["errors"][0]["message"].startswith("API is disabled.")
    wikijs_emulator.set_api_enabled(True)
    assert Client(wikijs_emulator).post(PROFILE).status_code == 200


def test_login_returns_a_jwt_usable_as_bearer_and_cookie(wikijs_emulator: WikiJSEmulator) -> None:
    response = _login(wikijs_emulator, wikijs_emulator.admin_password)
    login = response.json()["data"]["authentication"]["login"]
    assert login["responseResult"]["succeeded"] is True
    assert response.cookies.get("jwt") == login["jwt"]
    as_bearer = Client(wikijs_emulator, key=login["jwt"]).data(PROFILE)
    assert as_bearer["users"]["profile"]["email"] == wikijs_emulator.admin_email
    as_cookie = Client(wikijs_emulator, key=None).post(PROFILE, cookies={"jwt": login["jwt"]})
    assert as_cookie.json()["data"]["users"]["profile"]["id"] == 1
    lowercase = requests.post(
        f"{wikijs_emulator.url}/graphql",
        json={"query": PROFILE},
        headers={"Authorization": f"bearer {wikijs_emulator.api_key}"},
    )
    assert lowercase.json()["data"]["users"]["profile"]["id"] == 1


def test_wrong_password_and_unknown_strategy(wikijs_emulator: WikiJSEmulator) -> None:
    wrong = _login(wikijs_emulator, "wrong").json()["data"]["authentication"]["login"]
    assert wrong == {
        "responseResult": {
            "succeeded": False,
            "errorCode": 1002,
            "slug": "AuthLoginFailed",
            "message": "Invalid email / username or password.",
        },
        "jwt": None,
    }
    unknown = Client(wikijs_emulator, key=None).data(
        'mutation { authentication { login(username: "a", password: "b", strategy: "nope") '
        "{ responseResult { errorCode slug } } } }"
    )
    assert unknown["authentication"]["login"]["responseResult"] == {
        "errorCode": 1003,
        "slug": "AuthProviderInvalid",
    }


def test_login_is_limited_to_five_per_minute_per_ip(
    wikijs_emulator_factory: Callable[..., WikiJSEmulator],
) -> None:
    clock = FakeClock()
    emulator = wikijs_emulator_factory(clock=clock)
    for _ in range(5):
        assert _login(emulator, "wrong").json()["data"]["authentication"]["login"] is not None
        clock.now += 0.3
    sixth = _login(emulator, emulator.admin_password).json()
    assert sixth["data"] == {"authentication": {"login": None}}
    assert sixth["errors"][0]["message"] == "Too many requests, please try again in 59 seconds."
    assert sixth["errors"][0]["path"] == ["authentication", "login"]
    clock.now += 58.6
    again = _login(emulator, emulator.admin_password).json()
    assert again["data"]["authentication"]["login"]["responseResult"]["succeeded"] is True


def test_an_expired_session_is_renewed_through_the_new_jwt_header(
    wikijs_emulator_factory: Callable[..., WikiJSEmulator],
) -> None:
    clock = FakeClock()
    emulator = wikijs_emulator_factory(clock=clock, session_lifetime=60, session_renewal=3600)
    token = _login(emulator, emulator.admin_password).json()["data"]["authentication"]["login"][
        "jwt"
    ]
    client = Client(emulator, key=token)
    fresh = client.post(PROFILE)
    assert "new-jwt" not in fresh.headers
    clock.now += 120  # expired, but within the renewal period
    renewed = client.post(PROFILE)
    assert renewed.json()["data"]["users"]["profile"]["id"] == 1
    new_token = renewed.headers["new-jwt"]
    assert new_token != token
    assert "new-jwt" not in Client(emulator, key=new_token).post(PROFILE).headers
    clock.now += 7200  # past the renewal period: the old token is only a Guest
    stale = client.post(PROFILE).json()
    assert stale["errors"][0]["extensions"]["exception"]["code"] == 1019


def test_group_changes_renew_sessions_with_new_permissions(wikijs_emulator: WikiJSEmulator) -> None:
    admin = Client(wikijs_emulator)
    admin.data(
        'mutation { users { create(email: "ed@example.com", name: "Ed", passwordRaw: "secret-1", '
        'providerKey: "local", groups: [2]) { responseResult { succeeded } } } }'
    )
    login = (
        Client(wikijs_emulator, key=None)
        .post(LOGIN, {"u": "ed@example.com", "p": "secret-1"})
        .json()["data"]["authentication"]["login"]
    )
    ed = Client(wikijs_emulator, key=login["jwt"])
    assert ed.post("{ users { list { id } } }").json()["errors"][0]["message"] == "Forbidden"
    users = admin.data('{ users { search(query: "ed@") { id } } }')["users"]["search"]
    admin.data(
        f"mutation {{ groups {{ assignUser(groupId: 1, userId: {users[0]['id']}) {{ responseResult {{ succeeded }} }} }} }}"
    )
    response = ed.post("{ users { list { id } } }")
    assert "new-jwt" in response.headers
    assert "errors" not in response.json()


@pytest.mark.parametrize("strategy", ["local"])
def test_guest_cannot_log_in(wikijs_emulator: WikiJSEmulator, strategy: str) -> None:
    result = Client(wikijs_emulator, key=None).data(
        f'mutation {{ authentication {{ login(username: "guest@example.com", password: "", '
        f'strategy: "{strategy}") {{ responseResult {{ errorCode }} }} }} }}'
    )
    assert result["authentication"]["login"]["responseResult"]["errorCode"] == 1002

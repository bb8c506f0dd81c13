"""A rotated signing key is picked up: the issuer's JWKS changes, a token names the
new `kid`, the server fetches the keys again (at most once per 5 seconds)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from oauth_support import WRITER, Provider, refusal_status, signing_key, start_server

pytestmark = pytest.mark.timeout(90)


def test_a_new_signing_key_is_fetched_once_the_cooldown_allows(
    generated: Path, tmp_path: Path
) -> None:
    old, new = signing_key("old-key"), signing_key("new-key")
    provider = Provider(tmp_path, [old]).start()
    server = start_server(generated, tmp_path, "http", provider.issuer)
    try:
        before = provider.token(WRITER, server.resource)
        assert refusal_status(server, before)[0] == 200  # the keys fetched: old-key
        fetched = time.monotonic()
        provider.stop()  # the issuer rotates: new-key signs, old-key still listed
        provider = Provider(tmp_path, [new, old], port=provider.port).start()
        after = provider.token(WRITER, server.resource)
        # Within the cooldown an unknown kid fetches nothing: refused.
        assert time.monotonic() - fetched < 4
        status, challenge = refusal_status(server, after)
        assert status == 401
        unknown = "the token is signed with a key the issuer does not list"
        assert f'error_description="{unknown}"' in challenge
        time.sleep(max(0.0, fetched + 5.5 - time.monotonic()))
        assert refusal_status(server, after)[0] == 200  # fetched again: new-key
        assert refusal_status(server, before)[0] == 200  # old-key is still listed
    finally:
        code = server.stop()
        provider.stop()
    fetches = server.log.read_text().count("Fetched 2 signing key(s)")
    assert (code, fetches) == (0, 1)


def test_an_unreachable_issuer_is_503_and_not_asked_again_within_the_cooldown(
    generated: Path, tmp_path: Path
) -> None:
    import jwt
    from oauth_support import free_port

    key = signing_key("k")
    token = jwt.encode(
        {"sub": "x"}, jwt.PyJWK.from_dict(key).key, "RS256", headers={"kid": "k"}
    )
    issuer = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    server = start_server(generated, tmp_path, "http", issuer)
    try:
        first, second = refusal_status(server, token), refusal_status(server, token)
    finally:
        code = server.stop()
    assert (first[0], second[0], code) == (503, 503, 0)
    log = server.log.read_text()
    assert log.count("Cannot check access tokens: no metadata") == 1
    assert "Cannot check access tokens: fetching the keys failed" in log

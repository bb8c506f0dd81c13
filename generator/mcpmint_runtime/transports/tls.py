"""TLS on the network roads: the certificate and key files, checked before listening.

uvicorn loads the files itself (`ssl_certfile`, `ssl_keyfile`), but only once the
app has started, and a bad file is then a traceback. `tls_problem` loads them the
same way first, so that a missing file, a file that is no certificate or no key,
a key of another certificate, or a key behind a passphrase (uvicorn would prompt for
it on the terminal) is one line naming the file, before anything listens.
"""

from __future__ import annotations

import ssl

__all__ = ["Verify", "client_context", "trusted", "tls_problem"]

# What a client trusts, as httpx takes it: True (the system's CAs), False (anything:
# tests only), a CA file or folder, or a context of your own.
Verify = ssl.SSLContext | str | bool


class _Encrypted(Exception):
    """The key asked for a passphrase."""


def _no_passphrase() -> bytes:
    raise _Encrypted


def tls_problem(cert: str | None, key: str | None) -> str | None:
    """None when `cert` and `key` are both unset, or both usable; else why not."""
    if cert is None and key is None:
        return None
    if cert is None or key is None:
        given, missing = ("--tls-cert", "--tls-key")
        if cert is None:
            given, missing = missing, given
        return f"{given} needs {missing} too (a certificate and its key, or neither)"
    for what, path in (("certificate", cert), ("key", key)):
        try:
            with open(path, "rb"):
                pass
        except OSError as exc:
            return f"TLS {what} {path}: cannot read it ({exc.strerror})"
    try:
        ssl.create_default_context().load_verify_locations(cafile=cert)
    except ssl.SSLError:
        return f"TLS certificate {cert}: no PEM certificate in it"
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_cert_chain(cert, key, password=_no_passphrase)
    except _Encrypted:
        return f"TLS key {key}: the key is encrypted (give it without a passphrase)"
    except ssl.SSLError as exc:
        if exc.reason == "KEY_VALUES_MISMATCH":
            return f"TLS key {key}: not the key of the certificate {cert}"
        return f"TLS key {key}: no PEM private key in it"
    return None


def trusted(verify: Verify) -> ssl.SSLContext | bool:
    """`verify` as httpx2 takes it (a CA path made a context: httpx2 deprecates it)."""
    if not isinstance(verify, str):
        return verify
    import os

    if os.path.isdir(verify):
        return ssl.create_default_context(capath=verify)
    return ssl.create_default_context(cafile=verify)


def client_context(verify: Verify) -> ssl.SSLContext | None:
    """`verify` as an SSL context for a `wss://` connection; None: the default."""
    context = trusted(verify)
    if context is True:
        return None
    if context is False:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context

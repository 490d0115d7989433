"""Access tokens signed with the server's own signing keys, read from its data folder: for tests
that need a token the server would never issue but whose signature is valid."""
import base64
import json
import time
import uuid
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

# The 10-minute lifetime we issue plus the server's clock leeway (TokenSettings).
LIFETIME, LEEWAY = 600, 30


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def key_schedule(data: Path) -> list[dict]:
    return json.loads((data / "keys" / "keys.json").read_text())


def signing_kid(data: Path) -> str:
    """The key that signs now: the newest active one (SigningKeyRing.signingKey)."""
    now = time.time()
    return max((e for e in key_schedule(data) if e["activatesAt"] <= now), key=lambda e: e["activatesAt"])["kid"]


def mint(data: Path, claims: dict, kid: str | None = None, **header) -> str:
    """A compact ES256 JWS signed with one of the server's keys, header and claims as given."""
    kid = kid or signing_kid(data)
    key = serialization.load_pem_private_key((data / "keys" / f"{kid}.pem").read_bytes(), password=None)
    signing_input = b64(json.dumps({"alg": "ES256", "typ": "at+jwt", "kid": kid, **header}).encode()) + "." + b64(json.dumps(claims).encode())
    r, s = decode_dss_signature(key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
    return signing_input + "." + b64(r.to_bytes(32, "big") + s.to_bytes(32, "big"))


def claims_of(partner, iat: int | None = None, lifetime: int = LIFETIME, **extra) -> dict:
    """The claims of a client-credentials token of `partner`, with a fresh jti."""
    iat = int(time.time()) if iat is None else iat
    issuer = partner.metadata["issuer"]
    return {"iss": issuer, "aud": issuer + "/v1", "sub": partner.client_id, "client_id": partner.client_id,
            "scope": "achievements:read", "jti": f"jti_{uuid.uuid4().hex}", "iat": iat, "exp": iat + lifetime, **extra}

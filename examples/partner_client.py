#!/usr/bin/env python3
"""A partner's OAuth 2.0 client for the Incentives API, built on authlib.

It runs the whole partner flow against a running server:

1. discovery (RFC 8414 authorization server metadata, RFC 9728 resource metadata);
2. the authorization code flow with PKCE S256 and `state`; the redirect's `state` and `iss`
   (RFC 9207) are checked before the code is used;
3. the token exchange (client_secret_basic by default, or client_secret_post);
4. every page of `GET /v1/achievements`, following `next_cursor`;
5. a refresh (the refresh token rotates on every use);
6. optionally, watching the feed for new achievements until the user revokes the grant: the
   API then answers 401 and the client stops cleanly (exit code 0).

By default it prints the consent URL for a person to open, and reads back the URL the browser
was redirected to. With `--test-user USERNAME:PASSWORD` it signs that user in through the real
/login and consent forms itself (for testing only; a real partner never sees a password).

`--client-credentials` reads the partner-wide feed (every user who granted access) with a
client-credentials token instead.

Needs Python 3.10+, `requests` and `authlib`. Example:

    python3 examples/partner_client.py --base-url https://127.0.0.1:8443 \
        --client-id cli_... --redirect-uri https://partner.example/callback \
        --ca-file certs/dev-ca.pem          # the secret comes from PARTNER_CLIENT_SECRET
"""
import argparse
import os
import sys
import time
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlsplit

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session, OAuthError

SCOPE = "achievements:read"


class GrantRevoked(Exception):
    """The API refused our token (401) or the refresh token: the user took access back."""


# ---------------------------------------------------------------------------------------------
# Discovery


def discover(base_url: str, verify) -> tuple[dict, dict]:
    """Fetches the authorization server metadata and the protected resource metadata."""
    server = get_json(f"{base_url}/.well-known/oauth-authorization-server", verify)
    if server["issuer"] != base_url:
        # RFC 8414 section 3.3: the issuer must be the URL we asked.
        raise SystemExit(f"discovery: issuer {server['issuer']!r} is not {base_url!r}; stopping")
    if "S256" not in server.get("code_challenge_methods_supported", []):
        raise SystemExit("discovery: the server does not offer PKCE S256; stopping")
    resource = get_json(f"{base_url}/.well-known/oauth-protected-resource/v1", verify)
    print(f"discovery: issuer {server['issuer']}")
    print(f"discovery: authorize at {server['authorization_endpoint']}, tokens at {server['token_endpoint']}")
    print(f"discovery: resource {resource['resource']}, keys at {server['jwks_uri']}")
    return server, resource


def get_json(url: str, verify) -> dict:
    """A plain GET without credentials (the discovery documents are public)."""
    session = requests.Session()
    session.trust_env = False  # use exactly the CA we were given
    response = session.get(url, verify=verify, timeout=30)
    response.raise_for_status()
    return response.json()


# ---------------------------------------------------------------------------------------------
# The OAuth client


def make_session(args, server: dict) -> OAuth2Session:
    """An authlib OAuth2Session for this partner, trusting the given CA."""
    session = OAuth2Session(
        client_id=args.client_id,
        client_secret=args.client_secret,
        scope=SCOPE,
        redirect_uri=args.redirect_uri,
        code_challenge_method="S256",
        token_endpoint_auth_method=args.auth_method,
        token_endpoint=server["token_endpoint"],  # lets authlib refresh an expired access token
        default_timeout=30,
    )
    session.trust_env = False  # else REQUESTS_CA_BUNDLE and proxies from the environment apply
    session.verify = args.verify
    return session


def authorization_url(session: OAuth2Session, server: dict) -> tuple[str, str, str]:
    """Builds the authorization URL with PKCE S256 and a fresh `state`.

    Returns (url, state, code_verifier); keep the last two until the user comes back."""
    code_verifier = generate_token(64)  # 64 characters of [A-Za-z0-9], RFC 7636 allows 43..128
    url, state = session.create_authorization_url(server["authorization_endpoint"], code_verifier=code_verifier)
    return url, state, code_verifier


def ask_person(url: str) -> str:
    """Prints the consent URL and reads the URL the browser was redirected to from stdin."""
    print("authorize: open this URL in a browser, sign in and allow access:")
    print(f"  {url}")
    print("authorize: then paste the full URL your browser was sent to (it starts with the redirect URI):")
    line = sys.stdin.readline().strip()
    if not line:
        raise SystemExit("authorize: no redirect URL given; stopping")
    return line


def check_redirect(redirected: str, args, state: str, issuer: str) -> str:
    """Checks the redirect (exact redirect URI, `state`, `iss`, no error) and returns the code."""
    if redirected.split("?", 1)[0] != args.redirect_uri:
        raise SystemExit(f"redirect: {redirected.split('?', 1)[0]!r} is not our redirect URI; stopping")
    params = {key: values[0] for key, values in parse_qs(urlsplit(redirected).query).items()}
    if params.get("state") != state:
        raise SystemExit("redirect: state does not match the one we sent (possible CSRF); stopping")
    if params.get("iss") != issuer:
        raise SystemExit(f"redirect: iss {params.get('iss')!r} is not {issuer!r} (mix-up attack?); stopping")
    if "error" in params:
        raise SystemExit(f"redirect: {params['error']}: {params.get('error_description', '')}")
    print("redirect: state ok, iss ok")
    return params["code"]


def exchange_code(session: OAuth2Session, server: dict, redirected: str, state: str, code_verifier: str) -> dict:
    """Exchanges the code (with the PKCE verifier) for an access and a refresh token."""
    token = session.fetch_token(server["token_endpoint"], authorization_response=redirected,
                                state=state, code_verifier=code_verifier)
    print(f"token: {token['token_type']} access token for {token['expires_in']} s, scope {token['scope']!r}, "
          f"refresh token {'received' if token.get('refresh_token') else 'missing'}")
    return token


def client_credentials_token(session: OAuth2Session, server: dict) -> dict:
    """A token for the partner itself: the feed of every user who granted access, no refresh token."""
    token = session.fetch_token(server["token_endpoint"], grant_type="client_credentials", scope=SCOPE)
    print(f"token: client-credentials access token for {token['expires_in']} s, scope {token['scope']!r}")
    return token


def refresh(session: OAuth2Session, server: dict) -> dict:
    """Uses the refresh token once; the server rotates it, so keep only the new one."""
    old = session.token["refresh_token"]
    try:
        token = session.refresh_token(server["token_endpoint"], refresh_token=old)
    except OAuthError as error:
        if error.error == "invalid_grant":
            # Revoked or reused family (or another worker of ours refreshed this very token in the
            # last 5 seconds: then load the token it stored instead of retrying this one).
            raise GrantRevoked(f"refresh refused: {error.error}: {error.description}") from error
        raise
    rotated = token["refresh_token"] != old
    print(f"refresh: ok, new access token for {token['expires_in']} s, refresh token {'rotated' if rotated else 'NOT rotated'}")
    return {"old_refresh_token": old, **token}


def demo_retry_rule(session: OAuth2Session, server: dict, old_refresh_token: str) -> None:
    """Shows the 5-second rule: the token rotated a moment ago is refused with invalid_grant,
    and the family lives on. (Do not do this in a real client; after 5 s it revokes everything.)"""
    response = session.post(server["token_endpoint"], withhold_token=True, auth=(session.client_id, session.client_secret),
                            data={"grant_type": "refresh_token", "refresh_token": old_refresh_token})
    print(f"retry rule: the rotated refresh token again within 5 s: {response.status_code} {response.json().get('error')}")


# ---------------------------------------------------------------------------------------------
# Signing a test user in through the real forms (testing only)


class FormParser(HTMLParser):
    """Collects each <form>'s action and hidden inputs."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action", ""), "fields": {}})
        elif tag == "input" and attrs.get("type") == "hidden" and self.forms:
            self.forms[-1]["fields"][attrs["name"]] = attrs.get("value") or ""


def find_form(html: str, action: str) -> dict:
    """The form of the page that posts to `action`, with its hidden fields (CSRF token included)."""
    parser = FormParser()
    parser.feed(html)
    for form in parser.forms:
        if form["action"] == action:
            return form["fields"]
    raise SystemExit(f"test user: no form posting to {action} on the page")


def sign_in_test_user(url: str, username: str, password: str, args) -> str:
    """Plays the user's browser: follows the authorization URL to /login, signs in, allows access
    on the consent page, and returns the URL the browser would be sent to (it is not fetched)."""
    browser = requests.Session()
    browser.trust_env = False
    browser.verify = args.verify
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(args.base_url))
    response = browser.get(url, allow_redirects=False, timeout=30)
    for _ in range(10):
        if response.is_redirect:
            location = urljoin(response.url, response.headers["Location"])
            if location.startswith(args.redirect_uri):
                print(f"test user: {username} signed in and allowed access")
                return location
            response = browser.get(location, allow_redirects=False, timeout=30)
        elif urlsplit(response.url).path == "/login":
            fields = {**find_form(response.text, "/login"), "username": username, "password": password}
            response = browser.post(urljoin(args.base_url, "/login"), data=fields, headers={"Origin": origin},
                                    allow_redirects=False, timeout=30)
            if response.status_code != 303:
                raise SystemExit(f"test user: sign-in refused ({response.status_code})")
        elif response.status_code == 200:  # the consent page
            fields = {**find_form(response.text, "/oauth/authorize"), "decision": "approve"}
            response = browser.post(urljoin(args.base_url, "/oauth/authorize"), data=fields, headers={"Origin": origin},
                                    allow_redirects=False, timeout=30)
        else:
            raise SystemExit(f"test user: unexpected {response.status_code} at {response.url}")
    raise SystemExit("test user: too many redirects")


# ---------------------------------------------------------------------------------------------
# The achievements feed


def get_page(session: OAuth2Session, url: str, params: dict, etag: str | None = None) -> requests.Response:
    """One feed request; waits out a 429 (Retry-After) and raises GrantRevoked on a 401."""
    headers = {"If-None-Match": etag} if etag else {}
    for _ in range(5):
        try:
            response = session.get(url, params=params, headers=headers)
        except OAuthError as error:  # authlib refreshes an expiring token by itself before the call
            if error.error == "invalid_grant":
                raise GrantRevoked(f"refresh refused: {error.error}: {error.description}") from error
            raise
        if response.status_code == 429:
            wait = int(response.headers.get("Retry-After", "1"))
            print(f"rate limited: 429, RateLimit {response.headers.get('RateLimit')}; retrying in {wait} s")
            time.sleep(wait + 0.1)
            continue
        if response.status_code == 401:
            raise GrantRevoked(f"the API answered 401: {response.headers.get('WWW-Authenticate')}")
        if response.status_code not in (200, 304):
            # Anything else is an RFC 9457 problem+json body.
            raise SystemExit(f"feed: {response.status_code} {response.text}")
        return response
    raise SystemExit("feed: still rate limited after 5 tries")


def walk_feed(session: OAuth2Session, resource: str, page_size: int, since: str | None = None) -> str | None:
    """Reads every page of /v1/achievements, following next_cursor; returns the last sequence."""
    url = f"{resource}/achievements"
    params = {"limit": page_size, **({"since": since} if since else {})}
    last_sequence, pages, count = since, 0, 0
    while True:
        response = get_page(session, url, params)
        body = response.json()
        pages += 1
        count += len(body["data"])
        print(f"page {pages}: {len(body['data'])} achievements, RateLimit {response.headers['RateLimit']}, "
              f"next_cursor {'yes' if body.get('next_cursor') else 'none'}")
        for achievement in body["data"]:
            print_achievement(achievement)
            last_sequence = achievement["sequence"]
        if not body.get("next_cursor"):
            break
        # The cursor carries the position and is bound to the query: keep the other parameters.
        params = {**params, "cursor": body["next_cursor"]}
    after = f" after sequence {since}" if since else ""
    print(f"feed: {count} achievements{after} in {pages} pages, last sequence {last_sequence}")
    return last_sequence


def print_achievement(achievement: dict, prefix: str = "  ") -> None:
    print(f"{prefix}achievement sequence={achievement['sequence']} subject={achievement['subject']} "
          f"program={achievement['program_name']!r} reward={achievement['reward']['name']!r} "
          f"achieved_on={achievement['achieved_on']}")


def watch_until_revoked(session: OAuth2Session, resource: str, since: str | None, timeout: float, interval: float) -> None:
    """Polls for achievements after `since` until a 401 arrives (GrantRevoked) or time runs out.
    Each new award is printed once. While nothing is new, the poll sends the empty page's ETag
    as If-None-Match and gets 304."""
    url = f"{resource}/achievements"
    deadline = time.monotonic() + timeout
    etag, quiet = None, False
    print(f"watch: polling every {interval} s for up to {timeout:.0f} s, since sequence {since}")
    while time.monotonic() < deadline:
        params = {"since": since} if since else {}
        response = get_page(session, url, params, etag)
        if response.status_code == 200:
            for achievement in response.json()["data"]:
                print_achievement(achievement, prefix="watch: new ")
                since = achievement["sequence"]
                quiet = False
            # `since` moved if there was news: that is another query, whose ETag we do not know yet.
            etag = response.headers.get("ETag") if not response.json()["data"] else None
        elif not quiet:
            print("watch: nothing new (304 Not Modified); polling on quietly")
            quiet = True
        time.sleep(interval)


# ---------------------------------------------------------------------------------------------
# Putting it together


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default=os.environ.get("INCENTIVES_BASE_URL", "https://127.0.0.1:8443"),
                        help="the server's public base URL, which is also the issuer (default %(default)s)")
    parser.add_argument("--client-id", default=os.environ.get("PARTNER_CLIENT_ID"), help="env PARTNER_CLIENT_ID")
    parser.add_argument("--client-secret", default=os.environ.get("PARTNER_CLIENT_SECRET"),
                        help="env PARTNER_CLIENT_SECRET (better than the command line, which others may see)")
    parser.add_argument("--redirect-uri", default=os.environ.get("PARTNER_REDIRECT_URI"),
                        help="exactly as registered; env PARTNER_REDIRECT_URI")
    parser.add_argument("--ca-file", default="certs/dev-ca.pem",
                        help="CA to trust (default %(default)s if it exists, else the system's CAs)")
    parser.add_argument("--auth-method", choices=["client_secret_basic", "client_secret_post"],
                        default="client_secret_basic", help="client authentication at the token endpoint")
    parser.add_argument("--page-size", type=int, default=50, help="limit per page, 1 to 200 (default %(default)s)")
    parser.add_argument("--since", metavar="SEQUENCE",
                        help="start after this award sequence (the last one you stored) instead of the beginning")
    parser.add_argument("--test-user", metavar="USERNAME:PASSWORD",
                        help="sign this user in through the real forms instead of asking a person (testing only)")
    parser.add_argument("--client-credentials", action="store_true",
                        help="read the partner-wide feed with a client-credentials token (no user, no refresh)")
    parser.add_argument("--demo-retry-rule", action="store_true",
                        help="after the refresh, present the rotated refresh token again to show the 5-second rule")
    parser.add_argument("--watch-until-revoked", action="store_true",
                        help="after the first walk, keep polling for new achievements until the API answers 401")
    parser.add_argument("--watch-timeout", type=float, default=120, help="seconds to watch at most (default %(default)s)")
    parser.add_argument("--poll-interval", type=float, default=1.0, help="seconds between polls (default %(default)s)")
    args = parser.parse_args(argv)
    missing = [name for name in ("client_id", "client_secret") if not getattr(args, name)]
    if not args.client_credentials and not args.redirect_uri:
        missing.append("redirect_uri")
    if missing:
        parser.error("missing " + ", ".join("--" + name.replace("_", "-") for name in missing))
    args.base_url = args.base_url.rstrip("/")
    args.verify = args.ca_file if os.path.exists(args.ca_file) else True
    return args


def user_flow(args, server: dict, resource: dict) -> int:
    """Authorization code + PKCE, the feed, a refresh, and optionally watching until revoked."""
    session = make_session(args, server)
    url, state, code_verifier = authorization_url(session, server)
    if args.test_user:
        username, _, password = args.test_user.partition(":")
        redirected = sign_in_test_user(url, username, password, args)
    else:
        redirected = ask_person(url)
    check_redirect(redirected, args, state, server["issuer"])
    exchange_code(session, server, redirected, state, code_verifier)
    last_sequence = walk_feed(session, resource["resource"], args.page_size, since=args.since)
    refreshed = refresh(session, server)
    if args.demo_retry_rule:
        demo_retry_rule(session, server, refreshed["old_refresh_token"])
    # The new access token works; read from the last position (usually nothing new).
    last_sequence = walk_feed(session, resource["resource"], args.page_size, since=last_sequence)
    if args.watch_until_revoked:
        watch_until_revoked(session, resource["resource"], last_sequence, args.watch_timeout, args.poll_interval)
        print(f"watch: no revocation within {args.watch_timeout:.0f} s; stopping")
        return 3
    print("done")
    return 0


def partner_wide_flow(args, server: dict, resource: dict) -> int:
    """Client credentials: every user who granted access, without a user present."""
    session = make_session(args, server)
    client_credentials_token(session, server)
    walk_feed(session, resource["resource"], args.page_size, since=args.since)
    print("done")
    return 0


def main(argv=None) -> int:
    sys.stdout.reconfigure(line_buffering=True)  # show each step at once, also through a pipe
    args = parse_args(argv)
    server, resource = discover(args.base_url, args.verify)
    try:
        if args.client_credentials:
            return partner_wide_flow(args, server, resource)
        return user_flow(args, server, resource)
    except GrantRevoked as revoked:
        print(f"revoked: {revoked}")
        print("revoked: the user withdrew access; forget their tokens and stop. Exiting cleanly.")
        return 0


if __name__ == "__main__":
    sys.exit(main())

"""The HTTP client of the black-box tests: `Api`, one API key against one server."""
from dataclasses import dataclass

from helpers.server import Server


@dataclass
class Api:
    """A requests session for one API key against one server."""
    server: Server
    key: str

    def request(self, method: str, path: str, **kwargs):
        import requests
        headers = {"Authorization": f"Bearer {self.key}", **kwargs.pop("headers", {})}
        return requests.request(method, f"{self.server.base_url}{path}", headers=headers,
                                verify=self.server.ca, timeout=60, **kwargs)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, json=None, **kw):
        return self.request("POST", path, json=json, **kw)

    def patch(self, path, json=None, **kw):
        return self.request("PATCH", path, json=json, **kw)

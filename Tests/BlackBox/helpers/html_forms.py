"""The forms of an HTML page (the login, consent and revoke pages), shared by the black-box tests
(Tests/BlackBox/helpers/oauth.py) and the chaos run (Tests/BlackBox/chaos/clients.py).

pytest puts Tests/BlackBox on sys.path, so the tests import `helpers.html_forms`; `python
Tests/BlackBox/chaos/chaos.py` puts Tests/BlackBox/chaos there, so the chaos run adds
Tests/BlackBox itself. Standard library only.
(examples/partner_client.py keeps its own copy on purpose: it must run alone.)"""
from html.parser import HTMLParser


class FormParser(HTMLParser):
    """Collects the forms of a page with their hidden fields."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action"), "fields": {}})
        elif tag == "input" and self.forms and attrs.get("type") == "hidden":
            self.forms[-1]["fields"][attrs["name"]] = attrs.get("value", "")


def forms(html: str) -> list[dict]:
    parser = FormParser()
    parser.feed(html)
    return parser.forms

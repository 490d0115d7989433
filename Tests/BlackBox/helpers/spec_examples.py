"""Every example of openapi.yaml, found where it stands (parameters, headers, request and response
bodies) with the schema it illustrates, so that a test can check each one against its schema."""
from dataclasses import dataclass

import yaml

METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


@dataclass
class Example:
    where: str
    pointer: str  # JSON pointer of the schema inside the document
    value: object


def escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


class SpecExamples:
    def __init__(self, document: dict):
        self.document = document
        self.found: list[Example] = []
        self.missing: list[str] = []

    def resolve(self, node: dict, pointer: str) -> tuple[dict, str]:
        while "$ref" in node:
            pointer = node["$ref"][1:]
            node = self.document
            for part in pointer.strip("/").split("/"):
                node = node[part.replace("~1", "/").replace("~0", "~")]
        return node, pointer

    def collect(self) -> "SpecExamples":
        for path, item in self.document["paths"].items():
            base = f"/paths/{escape(path)}"
            for index, parameter in enumerate(item.get("parameters", [])):
                self.parameter(parameter, f"{base}/parameters/{index}", path)
            for method in METHODS & item.keys():
                self.operation(item[method], f"{base}/{method}", f"{method.upper()} {path}")
        return self

    def operation(self, operation: dict, pointer: str, label: str):
        for index, parameter in enumerate(operation.get("parameters", [])):
            self.parameter(parameter, f"{pointer}/parameters/{index}", label)
        if "requestBody" in operation:
            body, body_pointer = self.resolve(operation["requestBody"], f"{pointer}/requestBody")
            self.content(body.get("content", {}), body_pointer, f"{label} request")
        for status, response in operation["responses"].items():
            response, response_pointer = self.resolve(response, f"{pointer}/responses/{status}")
            where = f"{label} {status}"
            self.content(response.get("content", {}), response_pointer, where)
            for name, header in response.get("headers", {}).items():
                header, header_pointer = self.resolve(header, f"{response_pointer}/headers/{escape(name)}")
                self.single(header, f"{header_pointer}/schema", f"{where} header {name}")

    def parameter(self, parameter: dict, pointer: str, label: str):
        parameter, pointer = self.resolve(parameter, pointer)
        self.single(parameter, f"{pointer}/schema", f"{label} parameter {parameter['name']}")

    def single(self, holder: dict, schema_pointer: str, where: str):
        if "example" in holder:
            self.found.append(Example(where, schema_pointer, holder["example"]))
        else:
            self.missing.append(where)

    def content(self, content: dict, pointer: str, where: str):
        for media_type, media in content.items():
            media_pointer = f"{pointer}/content/{escape(media_type)}"
            values = [media["example"]] if "example" in media else []
            for name, example in media.get("examples", {}).items():
                values.append(self.resolve(example, f"{media_pointer}/examples/{name}")[0]["value"])
            if not values:
                self.missing.append(f"{where} {media_type}")
            for value in values:
                if media_type == "application/yaml":
                    value = yaml.safe_load(value)
                self.found.append(Example(f"{where} {media_type}", f"{media_pointer}/schema", value))

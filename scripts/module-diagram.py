#!/usr/bin/env python3
"""Prints the module diagram of ARCHITECTURE.md (Mermaid) from the real code: the targets of
Package.swift under Sources/ and the `import` lines of their files. An edge A --> B means some file
of A imports B. Targets that Package.swift declares as dependencies but no file imports are
listed after the diagram, and so are imports of a local module that Package.swift does not declare.

    scripts/module-diagram.py            # the diagram, to paste into ARCHITECTURE.md
    scripts/module-diagram.py --check    # exit 1 when ARCHITECTURE.md holds another diagram
"""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IMPORT = re.compile(r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:public |package |internal |private |fileprivate )?import\s+(\w+)", re.M)
START = re.compile(r"\.(target|executableTarget|systemLibrary|testTarget|plugin)\(\s*name:\s*\"([^\"]+)\"")


def targets() -> dict[str, set[str]]:
    """Local targets under Sources/ and the local targets they declare as dependencies."""
    manifest = (ROOT / "Package.swift").read_text()
    starts = list(START.finditer(manifest))
    bodies = {m.group(2): manifest[m.end():(starts[i + 1].start() if i + 1 < len(starts) else len(manifest))]
              for i, m in enumerate(starts) if m.group(1) not in ("testTarget", "plugin")}
    found = {name: body for name, body in bodies.items() if (ROOT / "Sources" / name).is_dir()}
    return {name: {dep for dep in re.findall(r"\"([^\"]+)\"", body) if dep in found} for name, body in found.items()}


def imports(target: str, local: set[str]) -> set[str]:
    found = set()
    for file in (ROOT / "Sources" / target).rglob("*.swift"):
        found |= {module for module in IMPORT.findall(file.read_text()) if module in local and module != target}
    return found


def diagram() -> tuple[str, list[str]]:
    declared = targets()
    local = set(declared)
    lines, notes = ["```mermaid", "graph TD"], []
    for target in sorted(local):
        used = imports(target, local)
        lines += [f"    {target} --> {module}" for module in sorted(used)]
        if not used and not any(target in imports(other, local) for other in local):
            lines.append(f"    {target}")
        notes += [f"declared but never imported: {target} -> {d}" for d in sorted(declared[target] - used)]
        notes += [f"imported but not declared: {target} -> {m}" for m in sorted(used - declared[target])]
    lines.append("```")
    return "\n".join(lines), notes


def main() -> int:
    text, notes = diagram()
    if "--check" in sys.argv:
        document = (ROOT / "ARCHITECTURE.md").read_text()
        if text not in document:
            print("ARCHITECTURE.md's module diagram differs from the code; regenerate it with scripts/module-diagram.py")
            print(text)
            return 1
        print("ARCHITECTURE.md's module diagram matches the imports")
        return 0
    print(text)
    for note in notes:
        print(note, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

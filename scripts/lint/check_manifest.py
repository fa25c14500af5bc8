"""Manifest checks of make lint that neither pylint-odoo nor OCA's module checks make.

- every file of ``data`` and ``demo`` exists, and none is listed twice;
- every XML and CSV file of views/, security/, data/, wizard/ and report/ is loaded
  by the manifest (a file forgotten there is code that silently never runs);
- every record another module owns that the add-on refers to (ref=, parent=,
  groups=, inherit_id, env.ref(...), CSV ``:id`` columns, ``odoo.addons`` imports)
  belongs to a module the manifest depends on, directly or through its dependencies
  (else installing it can fail, or work only while some other module is installed);
- every third-party Python package the add-on imports is one Odoo itself requires,
  or is declared in ``external_dependencies`` (pylint-odoo's old
  missing-manifest-dependency); tests may also use the project's test tools
  (scripts/requirements-dev.txt).

Usage: check_manifest.py ADDON_DIR [ODOO_SRC [ODOO_PYTHON]]. Without the Odoo source,
the dependency checks are skipped and say so. Prints one line per finding; exits 1
when there is one.
"""

import ast
import csv
import json
import re
import subprocess
import sys
from pathlib import Path

from lxml import etree

DATA_FOLDERS = ("views", "security", "data", "wizard", "report")
# Attributes of Odoo XML whose value names records: "module.xml_id" or "xml_id".
REF_ATTRIBUTES = ("ref", "parent", "action", "inherit_id", "t-call", "groups")
XMLID = re.compile(r"^!?([a-z0-9_]+)\.[\w.]+$")
EVAL_REF = re.compile(r"""\bref\(\s*['"]([a-z0-9_]+)\.[\w.]+['"]""")
BUTTON_REF = re.compile(r"%\(([a-z0-9_]+)\.[\w.]+\)d")


def manifest_of(path):
    return ast.literal_eval(path.read_text(encoding="utf-8"))


def closure(depends, odoo_src):
    """The modules ``depends`` brings, themselves included (Odoo's own manifests)."""
    folders = [odoo_src / "addons", odoo_src / "odoo" / "addons"]
    seen, todo = set(), list(depends)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for folder in folders:
            manifest = folder / name / "__manifest__.py"
            if manifest.is_file():
                todo.extend(manifest_of(manifest).get("depends", []))
                break
    # base is always there, even when no manifest says so.
    return seen | {"base"}


def _xml_references(path):
    root = etree.parse(str(path)).getroot()
    for element in root.iter(etree.Element):
        line = element.sourceline
        for attribute in REF_ATTRIBUTES:
            for value in (element.get(attribute) or "").split(","):
                match = XMLID.match(value.strip())
                if match:
                    yield line, match.group(1)
        for attribute in ("eval", "name", "context", "domain"):
            value = element.get(attribute) or ""
            for pattern in (EVAL_REF, BUTTON_REF):
                for module in pattern.findall(value):
                    yield line, module


def _csv_references(path):
    rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
    columns = (
        [i for i, name in enumerate(rows[0]) if name.endswith(":id")] if rows else []
    )
    for number, row in enumerate(rows[1:], start=2):
        for i in columns:
            match = XMLID.match(row[i].strip()) if i < len(row) else None
            if match:
                yield number, match.group(1)


def _addons_import(name):
    parts = (name or "").split(".")
    return parts[2] if parts[:2] == ["odoo", "addons"] and len(parts) > 2 else None


def _python_references(path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "ref"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            match = XMLID.match(node.args[0].value)
            if match:
                yield node.lineno, match.group(1)
            continue
        else:
            continue
        for name in names:
            module = _addons_import(name)
            if module:
                yield node.lineno, module


def referenced_modules(addon, rel):
    """(line, module) of each record or code of a module that ``rel`` names."""
    path = addon / rel
    readers = {
        ".xml": _xml_references,
        ".csv": _csv_references,
        ".py": _python_references,
    }
    reader = readers.get(path.suffix)
    return list(reader(path)) if reader else []


def third_party_imports(addon, rel):
    """(line, top-level package) of each absolute import that is not Odoo's nor the
    standard library's."""
    tree = ast.parse((addon / rel).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        for name in names:
            top = name.split(".")[0]
            if top != "odoo" and top not in sys.stdlib_module_names:
                yield node.lineno, top


def requirement_names(path):
    """Distribution names of a requirements file, normalized."""
    names = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].split(";")[0].strip()
        match = re.match(r"^([A-Za-z0-9_.\-]+)", line)
        if match:
            names.add(re.sub(r"[-_.]+", "-", match.group(1)).lower())
    return names


def import_names(odoo_python, distributions):
    """The import names the given distributions provide, as Odoo's virtualenv has
    them installed (an import name is not always the distribution's name: PIL is
    pillow, dateutil is python-dateutil)."""
    script = (
        "import importlib.metadata as m, json; "
        "print(json.dumps(m.packages_distributions()))"
    )
    out = subprocess.run(
        [odoo_python, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    provided = set()
    for name, dists in json.loads(out).items():
        if any(re.sub(r"[-_.]+", "-", d).lower() in distributions for d in dists):
            provided.add(name)
    return provided


def check_files(addon, manifest, tracked):
    """Findings about the files the manifest loads, and {file: key} of them."""
    findings, listed = [], {}
    for key in ("data", "demo"):
        for rel in manifest.get(key, []):
            if rel in listed:
                findings.append(f"__manifest__.py: {rel} is listed twice")
            listed[rel] = key
            if not (addon / rel).is_file():
                findings.append(f"__manifest__.py: {key} file {rel} does not exist")
    for rel in tracked:
        if rel.split("/")[0] in DATA_FOLDERS and rel.endswith((".xml", ".csv")):
            if rel not in listed:
                findings.append(f"{rel}: not loaded by the manifest (data or demo)")
    return findings, listed


def check_module_dependencies(addon, manifest, tracked, listed, odoo_src):
    depends = manifest.get("depends", [])
    allowed = closure(depends, odoo_src) | {addon.name}
    findings = []
    for rel in tracked:
        if rel.startswith("scripts/") or not (rel in listed or rel.endswith(".py")):
            continue
        for line, module in referenced_modules(addon, rel):
            if module not in allowed:
                findings.append(
                    f"{rel}:{line}: refers to module {module}, which the manifest "
                    f"does not depend on (depends: {', '.join(depends)})"
                )
    return findings


def check_python_dependencies(addon, manifest, tracked, odoo_src, odoo_python):
    odoo_requirements = requirement_names(odoo_src / "requirements.txt")
    declared = set(manifest.get("external_dependencies", {}).get("python", []))
    runtime = import_names(odoo_python, odoo_requirements) | declared
    dev = addon / "scripts" / "requirements-dev.txt"
    test_tools = runtime
    if dev.exists():
        test_tools = runtime | import_names(odoo_python, requirement_names(dev))
    findings = []
    for rel in tracked:
        if not rel.endswith(".py") or rel.startswith("scripts/"):
            continue
        known = test_tools if rel.startswith("tests/") else runtime
        for line, package in third_party_imports(addon, rel):
            if package not in known:
                findings.append(
                    f"{rel}:{line}: imports {package}, which neither Odoo's "
                    "requirements nor external_dependencies provide"
                )
    return findings


def main(addon, odoo_src=None, odoo_python=None):
    addon = Path(addon).resolve()
    manifest = manifest_of(addon / "__manifest__.py")
    tracked = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=addon,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    tracked = sorted(rel for rel in set(tracked) if (addon / rel).is_file())
    findings, listed = check_files(addon, manifest, tracked)
    notes = []
    odoo_src = Path(odoo_src) if odoo_src else None
    if odoo_src and (odoo_src / "odoo" / "release.py").is_file():
        findings += check_module_dependencies(
            addon, manifest, tracked, listed, odoo_src
        )
        if odoo_python and Path(odoo_python).exists():
            findings += check_python_dependencies(
                addon, manifest, tracked, odoo_src, odoo_python
            )
        else:
            notes.append("Python dependencies not checked: no Odoo virtualenv")
    else:
        notes.append("dependencies not checked: no Odoo source")
    for finding in findings:
        print(finding)
    for note in notes:
        print(f"note: {note}")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))

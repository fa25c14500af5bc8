"""The readme/ fragments (what OCA's readme generator, the Odoo app store and PyPI
read) are sections of README.md, which stays the one text people edit.

README.md marks each section with ``<!-- readme/NAME.md:start -->`` and
``<!-- readme/NAME.md:end -->``; readme/NAME.md must hold exactly the text between
them, and static/description/index.html (the add-on's page in Odoo's Apps) the HTML
of readme/DESCRIPTION.md between the same markers.

    readme_fragments.py --check   what make lint runs: one line per difference, exit 1
    readme_fragments.py --write   what make readme runs: writes them from README.md

Standard library only: it runs before any environment exists.
"""

import difflib
import html
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
FRAGMENTS = ROOT / "readme"
INDEX = ROOT / "static" / "description" / "index.html"
# The fragments OCA's generator (oca-gen-addon-readme) knows; it ignores any other.
KNOWN = (
    "DESCRIPTION",
    "CONTEXT",
    "INSTALL",
    "CONFIGURE",
    "USAGE",
    "ROADMAP",
    "DEVELOP",
    "CONTRIBUTORS",
    "CREDITS",
    "HISTORY",
)
REQUIRED = ("DESCRIPTION", "CONFIGURE", "USAGE", "CONTRIBUTORS")
BLOCK = re.compile(
    r"^([ \t]*)<!-- readme/(\w+)\.md:start -->\n(.*?)^[ \t]*<!-- readme/\2\.md:end -->",
    re.M | re.S,
)
# Fragments are shown away from the repository (app store, PyPI): a link to a file or
# to a heading of README.md leads nowhere there.
RELATIVE_LINK = re.compile(r"\]\((?!https?://|mailto:)([^)]*)\)")


def sections(text):
    """{name: (indent, body)} of the marked sections of ``text``."""
    return {m.group(2): (m.group(1), m.group(3)) for m in BLOCK.finditer(text)}


def fragment_text(body):
    return body.strip("\n") + "\n"


def inline_html(text):
    """The inline Markdown of README.md's prose as HTML: code, bold, italics, links."""
    parts = re.split(r"(`[^`]+`)", text)
    out = []
    for part in parts:
        if part.startswith("`") and part.endswith("`") and len(part) > 1:
            out.append(f"<code>{html.escape(part[1:-1])}</code>")
            continue
        part = html.escape(part, quote=False)
        part = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", part, flags=re.S)
        part = re.sub(r"\*(.+?)\*", r"<em>\1</em>", part, flags=re.S)
        part = re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r'<a href="\2">\1</a>', part)
        out.append(part)
    return "".join(out)


def description_html(markdown, indent):
    """readme/DESCRIPTION.md as the paragraphs of index.html, or None with the reason
    when it uses Markdown this small converter does not know."""
    paragraphs = [p for p in re.split(r"\n\s*\n", markdown.strip()) if p.strip()]
    lines = []
    for paragraph in paragraphs:
        first = paragraph.lstrip()
        if re.match(r"(#|[-*+] |\d+\. |\||```|>)", first):
            return None, f"a paragraph starts with {first.split()[0]!r}"
        text = inline_html(" ".join(line.strip() for line in paragraph.splitlines()))
        lines.append(f"{indent}<p>{text}</p>")
    return "\n".join(lines) + "\n", None


def expected():
    """{path: text} that README.md asks for, and the problems found on the way."""
    problems = []
    readme = README.read_text(encoding="utf-8")
    wanted = {}
    marked = sections(readme)
    for name in REQUIRED:
        if name not in marked:
            problems.append(
                f"README.md: no section marked <!-- readme/{name}.md:start --> ... "
                f"<!-- readme/{name}.md:end -->"
            )
    for name, (_indent, body) in marked.items():
        if name not in KNOWN:
            problems.append(
                f"README.md: readme/{name}.md is not a fragment OCA's readme "
                f"generator knows ({', '.join(KNOWN)})"
            )
        text = fragment_text(body)
        for link in RELATIVE_LINK.findall(text):
            problems.append(
                f"README.md: the readme/{name}.md section links to {link!r}, which "
                "does not exist where the fragment is shown: use a full URL"
            )
        wanted[FRAGMENTS / f"{name}.md"] = text
    if INDEX.exists() and "DESCRIPTION" in marked:
        page = INDEX.read_text(encoding="utf-8")
        blocks = list(BLOCK.finditer(page))
        block = next((b for b in blocks if b.group(2) == "DESCRIPTION"), None)
        if block is None:
            problems.append(
                f"{INDEX.relative_to(ROOT)}: no <!-- readme/DESCRIPTION.md:start --> "
                "... :end --> block to hold the description"
            )
        else:
            indent = block.group(1)
            body, why = description_html(marked["DESCRIPTION"][1], indent)
            if why:
                problems.append(
                    f"README.md: the readme/DESCRIPTION.md section cannot be put in "
                    f"{INDEX.relative_to(ROOT)}: {why} (only paragraphs, bold, "
                    "italics, code and links are converted)"
                )
            else:
                start, end = block.span(3)
                wanted[INDEX] = page[:start] + body + page[end:]
    return wanted, problems


def main(mode):
    wanted, problems = expected()
    stale = [
        p for p in sorted(FRAGMENTS.glob("*.md")) if p not in wanted and p.stem in KNOWN
    ]
    if mode == "--write":
        for problem in problems:
            print(problem)
        FRAGMENTS.mkdir(exist_ok=True)
        for path, text in wanted.items():
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")
                print(f"wrote {path.relative_to(ROOT)}")
        for path in stale:
            path.unlink()
            print(f"removed {path.relative_to(ROOT)} (no section of README.md)")
        return 1 if problems else 0
    for path, text in wanted.items():
        rel = path.relative_to(ROOT)
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current is None:
            problems.append(f"{rel}: missing; make readme writes it from README.md")
        elif current != text:
            diff = difflib.unified_diff(
                current.splitlines(),
                text.splitlines(),
                f"{rel} (as it is)",
                f"{rel} (from README.md)",
                lineterm="",
                n=1,
            )
            shown = list(diff)[:12]
            problems.append(
                f"{rel}: differs from its section of README.md, which is the source: "
                "edit README.md, then make readme\n    " + "\n    ".join(shown)
            )
    for path in stale:
        problems.append(
            f"{path.relative_to(ROOT)}: no section of README.md holds it (mark one, "
            "or delete the file)"
        )
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    if sys.argv[1:] not in (["--check"], ["--write"]):
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))

"""Issue 17 item 2: no rule number ("R-A6") or "SPEC" in what people read — the templates and
the messages, errors and form texts the code writes (docstrings and comments may cite them;
the API's schema cites the specification for integrators); the models' admin help texts and
choices included."""

import io
import re
import tokenize
from pathlib import Path

ESP = Path(__file__).resolve().parent.parent / "esp"
RULE = re.compile(r"\bR-[A-Z][0-9]|\bSPEC\b|§\s?[0-9]")
SKIPPED = ("migrations", "api", "settings.py")


def _visible_template_text(text: str) -> str:
    text = re.sub(r"\{#.*?#\}", "", text, flags=re.S)
    return re.sub(r"\{% comment %\}.*?\{% endcomment %\}", "", text, flags=re.S)


def test_no_template_shows_a_rule_number():
    found = [
        str(path.relative_to(ESP))
        for path in [*ESP.rglob("*.html"), *ESP.rglob("*.txt")]
        if "templates" in path.parts and RULE.search(_visible_template_text(path.read_text()))
    ]
    assert found == []


def _strings(path: Path):
    """The string literals of a module that are not docstrings."""
    previous = None
    for token in tokenize.generate_tokens(io.StringIO(path.read_text()).readline):
        if token.type == tokenize.STRING:
            docstring = previous is None or previous.type in (
                tokenize.NEWLINE,
                tokenize.INDENT,
                tokenize.DEDENT,
            )
            if not docstring:
                yield token
        if token.type not in (tokenize.NL, tokenize.COMMENT):
            previous = token


def test_no_message_or_error_cites_a_rule_number():
    found = []
    for path in ESP.rglob("*.py"):
        relative = path.relative_to(ESP)
        if any(part in SKIPPED for part in relative.parts) or relative.name in SKIPPED:
            continue
        found += [
            f"{relative}:{t.start[0]}: {t.string[:80]}"
            for t in _strings(path)
            if RULE.search(t.string)
        ]
    assert found == []

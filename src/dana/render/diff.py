"""The report of what changed between two editions (``dana diff``), as Markdown, HTML or JSON.

Reads a :class:`~dana.assess.diff.EditionDiff` and writes it; every sentence and judgement
is already in the diff (formatting only). The HTML is one self-contained page (no script,
no outside file), escaped by Jinja2; the JSON is ``{"format": "dana-diff", ...}`` with the
two editions' labels and every change as data.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import jinja2

from dana import __version__
from dana.assess.diff import CHANGE_KINDS, EditionDiff
from dana.render.json import to_data
from dana.render.writing import atomic_write

__all__ = ["DIFF_FORMATS", "diff_document", "diff_html", "diff_markdown", "write_diff"]

DIFF_FORMATS = ("md", "html", "json")
_OUTCOME_WORDS = {"worse": "Worse", "better": "Better", "changed": "Changed"}
#: Shapes carry the outcome without colour (as the report's comparison symbols do).
_OUTCOME_SYMBOLS = {"worse": "\u25bc", "better": "\u25b2", "changed": "\u25c6"}


def _title(diff: EditionDiff) -> str:
    return f"What changed: {diff.new.area.name}, {diff.old.period} to {diff.new.period}"


def diff_markdown(diff: EditionDiff) -> str:
    """The diff as Markdown: a summary, then each kind of change, most important first."""
    lines = [
        f"# {_title(diff)}",
        "",
        f"Earlier edition: {diff.old.label}" + (f" - {diff.old.source}" if diff.old.source else ""),
        "",
        f"Later edition: {diff.new.label}" + (f" - {diff.new.source}" if diff.new.source else ""),
        "",
        f"**{diff.summary()}**",
        "",
    ]
    lines += [f"> {note}" for note in diff.notes] + ([""] if diff.notes else [])
    for kind, heading in CHANGE_KINDS.items():
        changes = diff.of_kind(kind)
        if not changes:
            continue
        lines += [f"## {heading} ({len(changes)})", ""]
        lines += [
            f"- {_OUTCOME_SYMBOLS[c.outcome]} **{_OUTCOME_WORDS[c.outcome]}**: {c.sentence}"
            for c in changes
        ]
        lines.append("")
    return "\n".join(lines)


_PAGE = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined).from_string(
    """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>
body { font-family: Arial, Helvetica, sans-serif; color: #0b0c0c; max-width: 60rem;
       margin: 0 auto; padding: 1rem; line-height: 1.45; }
h1 { font-size: 1.8rem; } h2 { font-size: 1.3rem; margin-top: 2rem; }
.summary { font-weight: bold; } .note { border-left: 5px solid #1d70b8; padding-left: .75rem; }
ul.changes { padding-left: 0; list-style: none; } ul.changes li { margin: .5rem 0; }
.outcome { display: inline-block; min-width: 6.5rem; font-weight: bold; }
.outcome-worse { color: #d4351c; } .outcome-better { color: #00703c; } .outcome-changed { color: #1d70b8; }
</style>
</head>
<body>
<main>
<h1>{{ title }}</h1>
<p>Earlier edition: {{ diff.old.label }}{% if diff.old.source %} ({{ diff.old.source }}){% endif %}<br>
Later edition: {{ diff.new.label }}{% if diff.new.source %} ({{ diff.new.source }}){% endif %}</p>
<p class="summary">{{ diff.summary() }}</p>
{% for note in diff.notes %}<p class="note">{{ note }}</p>{% endfor %}
{% for kind, heading, changes in groups %}
<section aria-labelledby="h-{{ kind }}">
<h2 id="h-{{ kind }}">{{ heading }} ({{ changes | length }})</h2>
<ul class="changes">
{% for c in changes %}
<li><span class="outcome outcome-{{ c.outcome }}"><span aria-hidden="true">{{ symbols[c.outcome] }}</span> {{ words[c.outcome] }}</span> {{ c.sentence }}</li>
{% endfor %}
</ul>
</section>
{% endfor %}
</main>
<footer><p>Written by DANA {{ version }} (dana diff).</p></footer>
</body>
</html>
"""
)


def diff_html(diff: EditionDiff) -> str:
    """The diff as one self-contained, accessible HTML page."""
    groups = [
        (kind, heading, diff.of_kind(kind))
        for kind, heading in CHANGE_KINDS.items()
        if diff.of_kind(kind)
    ]
    return _PAGE.render(
        title=_title(diff),
        diff=diff,
        groups=groups,
        symbols=_OUTCOME_SYMBOLS,
        words=_OUTCOME_WORDS,
        version=__version__,
    )


def diff_document(diff: EditionDiff) -> dict:
    """The diff as data: the two editions, the counts of each kind, and every change."""
    edition = ("title", "area", "period", "generated", "synthetic", "source")
    return {
        "format": "dana-diff",
        "dana_version": __version__,
        "old": {key: to_data(getattr(diff.old, key)) for key in edition},
        "new": {key: to_data(getattr(diff.new, key)) for key in edition},
        "summary": diff.summary(),
        "counts": diff.counts(),
        "notes": list(diff.notes),
        "changes": to_data(diff.changes),
    }


def write_diff(diff: EditionDiff, path: str | os.PathLike, fmt: str | None = None) -> Path:
    """Write the diff to ``path`` (whole or not at all) as ``fmt``, by default the
    format its suffix names (``.md``, ``.html``, ``.json``)."""
    fmt = fmt or Path(path).suffix.lstrip(".").lower()
    fmt = {"markdown": "md", "htm": "html"}.get(fmt, fmt)
    if fmt not in DIFF_FORMATS:
        raise ValueError(
            f"cannot tell the diff format of {path}: give --format ({', '.join(DIFF_FORMATS)}) "
            "or a file ending .md, .html or .json"
        )
    if fmt == "json":
        text = json.dumps(diff_document(diff), ensure_ascii=False, indent=1, allow_nan=False)
    else:
        text = diff_html(diff) if fmt == "html" else diff_markdown(diff)
    return atomic_write(path, lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))

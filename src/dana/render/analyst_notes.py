"""The analyst notes as Markdown: a file for the team, written beside the report.

Formats :class:`~dana.assess.notes_model.AnalystNotes` only (the checks, gaps, drafts and
notes are computed in :mod:`dana.assess.analyst_notes`). This is the one output that may
carry internal ids, config keys and tool instructions; the report never does.
"""

from __future__ import annotations

from dana.assess.model import Assessment
from dana.assess.notes_model import AnalystNotes

SUFFIX = "-analyst-notes.md"


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def analyst_notes_markdown(assessment: Assessment) -> str:
    """The notes of ``assessment`` as a Markdown document."""
    notes = assessment.analyst_notes or AnalystNotes()
    lines = [
        f"# Analyst notes: {assessment.title}",
        "",
        f"For the assessment team only, not for publication. Built {assessment.generated}.",
        "Check these before the report is published; edit the report's text and the "
        "recommendations register, not this file.",
        "",
        "## Consistency checks",
        "",
        "| check | kind | result |",
        "|---|---|---|",
    ]
    for check in notes.checks:
        kind = "soft (warning)" if check.soft else "hard (stops the build)"
        result = "passed" if check.passed else f"{len(check.problems)} problem(s)"
        lines.append(f"| {_escape(check.description)} | {kind} | {result} |")
    lines += ["", "## Warnings", ""]
    lines += [f"- {_escape(w)}" for w in notes.warnings] or ["- None."]
    lines += ["", "## Significant adverse findings no recommendation addresses", ""]
    if not notes.unaddressed:
        lines.append("- None: every significant adverse finding has a recommendation.")
    for item in notes.unaddressed:
        lines += [
            f"### {item.name} (`{item.indicator_id}`)",
            "",
            f"- Finding: {item.finding}.",
            f"- In the report: {item.section or 'not placed'}.",
            f"- {item.draft}",
            "",
        ]
    lines += ["", "## Data gaps and how to fill them", ""]
    if not notes.gaps:
        lines.append("- None.")
    else:
        lines += ["| indicator | reason | what is missing | how to fill it |", "|---|---|---|---|"]
        for gap in notes.gaps:
            lines.append(
                f"| {_escape(gap.name)} (`{gap.indicator_id}`) | {gap.reason} | "
                f"{_escape(gap.detail)} | {_escape(gap.how_to_fill) or '-'} |"
            )
    lines += ["", "## Redaction", ""]
    lines += [f"- {_escape(r)}" for r in notes.redactions] or [
        "- No placeholders in the engagement text."
    ]
    if notes.notes:
        lines += ["", "## Other notes", ""]
        lines += [f"- {_escape(n)}" for n in notes.notes]
    lines += ["", "## Finding ids for the recommendations register", ""]
    lines += [f"- {_escape(i)}" for i in notes.finding_ids] or ["- None."]
    return "\n".join(lines) + "\n"


def write_analyst_notes(assessment: Assessment, path) -> str:
    """Write the notes to ``path`` (a staging path: the caller publishes it atomically)."""
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(analyst_notes_markdown(assessment))
    return str(path)

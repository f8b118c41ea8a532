"""The analyst's notes, as plain data: what the team checks and edits, never printed in
the report.

Built by :mod:`dana.assess.analyst_notes` beside the assessment; written as its own file
(``...-analyst-notes.md``) by :mod:`dana.render.analyst_notes`. Everything that is a
tool instruction, a config key or an internal id belongs here, not in the reader's text.
Importing this module loads nothing beyond the standard library.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CheckResult:
    """One consistency check over the assessment model (:mod:`dana.assess.consistency`).

    ``soft`` checks never stop a build: their problems are warnings for the team (e.g. two
    published figures that disagree with each other, reported as printed). A hard check
    that fails stops the build before anything is rendered, naming every figure involved.
    """

    name: str
    description: str
    soft: bool
    problems: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class GapNote:
    """A data gap with the way to fill it (config keys and tool instructions live here)."""

    indicator_id: str
    name: str
    reason: str
    detail: str
    how_to_fill: str


@dataclass(frozen=True)
class DraftRecommendation:
    """A significant adverse finding that no recommendation addresses, with a draft for the
    team to edit. Never printed in the report as DANA's own recommendation."""

    indicator_id: str
    name: str
    finding: str  # the finding in words, as the report states it
    section: str  # the report section it is in (title)
    draft: str  # a suggested recommendation, marked as a draft


@dataclass(frozen=True)
class AnalystNotes:
    """Everything the team needs to check before publishing, in one place."""

    checks: tuple[CheckResult, ...] = ()
    gaps: tuple[GapNote, ...] = ()
    unaddressed: tuple[DraftRecommendation, ...] = ()
    redactions: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # anything else the build wants the team to know
    #: "`id`: start of its text" for every finding a register can link to
    finding_ids: tuple[str, ...] = ()

    @property
    def warnings(self) -> tuple[str, ...]:
        """Problems found by the soft checks (the hard ones stop the build)."""
        return tuple(p for c in self.checks if c.soft for p in c.problems)

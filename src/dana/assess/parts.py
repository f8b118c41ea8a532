"""What a depth part of an assessment adds to a section: tables, charts and findings.

Each depth module (:mod:`dana.assess.profile`, :mod:`~dana.assess.penetration`,
:mod:`~dana.assess.pathways`, :mod:`~dana.assess.population`,
:mod:`~dana.assess.inequality`, :mod:`~dana.assess.demand`,
:mod:`~dana.assess.value_for_money`) returns :class:`Parts`; :mod:`dana.assess.depth`
places them in sections. Empty parts (no data) are false.
"""

from __future__ import annotations

from dataclasses import dataclass

from dana.assess.model import Chart, Finding, Table


@dataclass(frozen=True)
class Parts:
    """What a subsection shows: tables, charts and findings."""

    tables: tuple[Table, ...] = ()
    charts: tuple[Chart, ...] = ()
    findings: tuple[Finding, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.tables or self.charts or self.findings)

    def __add__(self, other: Parts) -> Parts:
        return Parts(
            self.tables + other.tables,
            self.charts + other.charts,
            self.findings + other.findings,
        )

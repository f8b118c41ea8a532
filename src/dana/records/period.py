"""The reporting period of a record-level run: one or more financial or calendar years.

Hospital and treatment indicators use financial years (1 April - 31 March; OHID assigns an
episode to the year its ``EPIEND`` falls in); death indicators use calendar years of
*registration* (ONS convention). Pooled periods (Fingertips 92904 and 90808 pool three
financial years, 92432 three calendar years) are a :class:`Period` of several years: events
are summed over the years and so are the populations (one mid-year estimate per year).
Labels follow the indicator table: ``2023/24``, ``2021/22 - 23/24``, ``2023``, ``2021 - 23``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dana.records.errors import RecordsInputError


@dataclass(frozen=True)
class Period:
    kind: str  # "financial" or "calendar"
    first: int  # first (financial: starting) year
    last: int

    def __post_init__(self) -> None:
        if self.kind not in ("financial", "calendar"):
            raise RecordsInputError(
                f"period kind must be 'financial' or 'calendar', not {self.kind!r}"
            )
        if self.last < self.first:
            raise RecordsInputError(f"period {self.first}-{self.last} runs backwards")

    @property
    def start(self) -> date:
        return date(self.first, 4, 1) if self.kind == "financial" else date(self.first, 1, 1)

    @property
    def end(self) -> date:
        return date(self.last + 1, 3, 31) if self.kind == "financial" else date(self.last, 12, 31)

    @property
    def years(self) -> tuple[int, ...]:
        """Mid-year population estimates used as denominators (mid-2023 for 2023/24)."""
        return tuple(range(self.first, self.last + 1))

    @property
    def label(self) -> str:
        if self.kind == "financial":
            one = f"{self.first}/{(self.first + 1) % 100:02d}"
            if self.first == self.last:
                return one
            return f"{one} - {self.last % 100:02d}/{(self.last + 1) % 100:02d}"
        return (
            str(self.first) if self.first == self.last else f"{self.first} - {self.last % 100:02d}"
        )

    @property
    def sort_key(self) -> int:
        """Fingertips "Time period Sortable": start year x 10000."""
        return self.first * 10000

    def calendar(self) -> Period:
        """The calendar years of the same span (deaths registered in 2023 for 2023/24)."""
        return Period("calendar", self.first, self.last)


def financial_year(first: int, last: int | None = None) -> Period:
    """Financial year(s) starting 1 April ``first`` (``last`` for a pooled period)."""
    return Period("financial", first, first if last is None else last)

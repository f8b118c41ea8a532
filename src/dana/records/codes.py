"""ICD-10 codes as analysts receive them: one canonical form, and code lists written once.

**Canonical form.** Four characters, no full stop: the 3-character category plus the 4th
character, with ``X`` filling an undivided category (HES convention, NHS Data Dictionary
"ICD-10 CODE"): ``K70.3``, ``K703``, ``K703-``, ``k703 `` and ``K703-D`` all become
``K703``; ``F10.2D`` becomes ``F102``; ``I10``, ``I10X``, ``I10.X`` and ``i10-`` become
``I10X``. The rule, :func:`normalise_icd10`, is applied once to each distinct value an
extract holds (:mod:`dana.records.longtable`), so every engine uses the same code:

1. upper case; remove spaces, full stops, ``-`` (HES 5th-character filler), ``*`` / ``+``
   (asterisk and dagger signs);
2. what is left must be a letter, two digits, then optionally a digit or ``X`` followed by
   at most two more letters or digits (a 5th character, HES's ``A``/``D`` asterisk/dagger
   flag): anything else is **malformed** (reported, never used);
3. a bare category gets ``X``; otherwise the first four characters are kept.

An empty or missing field is *no code*, not a malformed one. A well-formed code that ICD-10
does not contain cannot be detected without the full classification (not shipped), so it is
simply matched against nothing.

**Code-list notation** (the embedded definition tables in ``dana/records/definitions``):
items separated by ``;``; ``K70`` (a category: ``K70X`` and ``K700``-``K709``), ``K86.1``
(one code), ``A15-A19`` (a range of categories, across letters too: ``X85-Y09``),
``I69.0-I69.2`` (a range of 4-character codes) and ``V02-V04(.1,.9)`` / ``V20-V28(.3-.9)``
(categories restricted to those 4th characters). :func:`expand_icd10` turns a list into the
set of canonical codes it covers, so every definition is an exact-match (equi-join) lookup:
no range joins, no regular expressions at query time.
"""

from __future__ import annotations

import re
from functools import lru_cache

from dana.records.errors import RecordsError

#: Characters removed before a code is read (spaces, full stop, HES fillers and flags).
_STRIP = r"[\s.\-*+]"
_WELL_FORMED = r"^[A-Z][0-9]{2}([0-9X][0-9A-Z]{0,2})?$"
_FOURTH = tuple("X0123456789")
_ITEM = re.compile(
    r"^(?P<a>[A-Z]\d{2})(?:\.(?P<a4>[0-9X]))?"
    r"(?:-(?P<b>[A-Z]\d{2})(?:\.(?P<b4>[0-9X]))?)?"
    r"(?:\((?P<only>[^)]*)\))?$"
)


class CodeListError(RecordsError, ValueError):
    """A code list in the embedded notation cannot be read; the message quotes the item."""


def normalise_icd10(raw: object) -> str | None:
    """The canonical 4-character code, ``None`` for no code; raise on a malformed one.

    >>> normalise_icd10("F10.2D"), normalise_icd10("i10"), normalise_icd10(" K703- ")
    ('F102', 'I10X', 'K703')
    """
    if raw is None:
        return None
    text = re.sub(_STRIP, "", str(raw).upper())
    if not text:
        return None
    if not re.match(_WELL_FORMED, text):
        raise CodeListError(f"malformed ICD-10 code {raw!r}")
    return text + "X" if len(text) == 3 else text[:4]


def _category_index(category: str) -> int:
    return (ord(category[0]) - ord("A")) * 100 + int(category[1:])


def _category(index: int) -> str:
    return f"{chr(ord('A') + index // 100)}{index % 100:02d}"


def _fourth_characters(spec: str | None, item: str) -> tuple[str, ...]:
    if spec is None:
        return _FOURTH
    chosen: list[str] = []
    for part in spec.split(","):
        match = re.fullmatch(r"\.(\d)(?:-\.(\d))?", part.strip())
        if not match:
            raise CodeListError(f"bad 4th-character list {spec!r} in {item!r}")
        low, high = int(match[1]), int(match[2] or match[1])
        chosen += [str(d) for d in range(low, high + 1)]
    return tuple(chosen)


def _expand_item(item: str) -> list[str]:
    match = _ITEM.match(item)
    if not match:
        raise CodeListError(f"cannot read ICD-10 list item {item!r}")
    first, last = _category_index(match["a"]), _category_index(match["b"] or match["a"])
    if last < first:
        raise CodeListError(f"range {item!r} runs backwards")
    if match["a4"] is not None:  # a single code or a range of 4-character codes
        if match["only"] is not None or (match["b"] and match["b4"] is None):
            raise CodeListError(f"cannot mix 4-character codes and categories in {item!r}")
        start = (first, _FOURTH.index(match["a4"]))
        end = (last, _FOURTH.index(match["b4"] or match["a4"]))
        return [
            _category(cat) + _FOURTH[pos]
            for cat in range(first, last + 1)
            for pos in range(len(_FOURTH))
            if start <= (cat, pos) <= end
        ]
    fourth = _fourth_characters(match["only"], item)
    return [_category(cat) + ch for cat in range(first, last + 1) for ch in fourth]


@lru_cache(maxsize=512)
def expand_icd10(notation: str) -> frozenset[str]:
    """Every canonical 4-character code a code list covers (see the module docstring).

    >>> sorted(expand_icd10("K85.2;I10"))
    ['I100', 'I101', 'I102', 'I103', 'I104', 'I105', 'I106', 'I107', 'I108', 'I109', 'I10X', 'K852']
    """
    codes: set[str] = set()
    for item in notation.split(";"):
        item = item.strip()
        if item:
            codes.update(_expand_item(item))
    if not codes:
        raise CodeListError(f"empty ICD-10 code list {notation!r}")
    return frozenset(codes)


def is_external_cause(code: str) -> bool:
    """ICD-10 chapter XX (external causes, V01-Y98) - searched in every position by the
    Narrow alcohol measure."""
    return code[0] in "VWXY"

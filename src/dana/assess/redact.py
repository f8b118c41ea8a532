"""Redaction of personal details from engagement free text before it reaches a report.

Quotes from surveys, interviews and focus groups must never carry names, phone
numbers, e-mail addresses, NHS numbers or postcodes into a report. This module
replaces each with a bracketed placeholder ("[name]", "[phone]", ...).

What is caught:

- e-mail addresses;
- NHS numbers: any run of 10 digits, written together or as 3-3-4 with spaces or
  hyphens (whether or not the modulus-11 check digit is valid: a mistyped NHS
  number is still personal data);
- UK telephone numbers (+44 or 0 followed by 9-10 digits in the usual groupings),
  and any other run of 7 or more digits;
- UK postcodes (full and outward-code-only with inward code);
- names: after an honorific (Mr, Mrs, Ms, Miss, Dr ...), after phrases that
  introduce a name ("my name is", "called", "my keyworker", "my son" ...), any
  common forename in :data:`COMMON_FORENAMES` with a following capitalised surname,
  and every name the team lists in ``known_names`` (staff, service users).

Redaction is a safety net, not a substitute for the engagement team's own review:
an unusual name with no introducing phrase can slip through. Reports say that free
text was machine-redacted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: Common forenames in England and Wales (a broad selection across generations),
#: used to catch "Sarah Jones said ..." with no introducing phrase.
COMMON_FORENAMES = frozenset(
    """
    Aaron Abdul Abigail Adam Adrian Ahmed Aisha Alan Albert Alex Alexander Alfie Ali
    Alice Alison Amanda Amber Amelia Amy Andrew Angela Ann Anna Anne Anthony Arthur
    Ashley Barbara Barry Ben Benjamin Beth Bethany Bill Billy Brian Callum Carl Carol
    Caroline Catherine Charlie Charlotte Chloe Chris Christine Christopher Claire Colin
    Connor Craig Daisy Daniel Danny Darren Dave David Dawn Dean Debbie Deborah Denise
    Dylan Edward Eleanor Elizabeth Ella Ellie Emily Emma Eric Ethan Evie Fatima Frank
    Freddie Freya Gary Gemma George Georgia Grace Graham Hannah Harry Harvey Heather
    Helen Henry Holly Ian Isabella Isla Isaac Jack Jacob Jade Jake James Jamie Jane
    Janet Jason Jayden Jennifer Jessica Jill Joan Joanne John Jonathan Joseph Joshua
    Josh Julie Karen Kate Katie Kayleigh Keith Kelly Kevin Kieran Kim Kyle Laura
    Lauren Leah Lee Leo Lewis Liam Lily Linda Lisa Logan Louise Lucy Luke Margaret
    Maria Mark Martin Mary Matthew Megan Mia Michael Michelle Mohammed Muhammad Nathan
    Neil Nicola Nicole Noah Oliver Olivia Oscar Patricia Paul Peter Philip Phoebe
    Poppy Rachel Rebecca Richard Rob Robert Rosie Ruby Ryan Samantha Sam Samuel Sandra
    Sarah Scott Sean Sharon Shaun Simon Sophie Stephen Steve Steven Stuart Susan
    Tariq Terry Thomas Tom Tony Tracey Tracy Vicky Victoria Wayne William Yasmin Zara
    Zoe Andy Becky Bob Dan Dave Jen Jim Jo Kath Liz Matt Mike Nick Pat Pete Steph Sue
    """.split()  # noqa: SIM905 - a word block is easier to read and extend
)

_HONORIFICS = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Sister|Nurse)\.?"
_INTRODUCERS = (
    r"(?i:my name is|name's|i am called|i'm called|called|named|"
    r"my (?:key ?worker|worker|nurse|doctor|gp|counsellor|support worker|son|daughter|"
    r"husband|wife|partner|boyfriend|girlfriend|mum|mother|dad|father|brother|sister|friend)"
    r"(?:,)?(?: is)?)"
)
_CAP_WORD = r"[A-Z][a-z'\-]+"

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("[email]", re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")),
    ("[NHS number]", re.compile(r"\b\d{3}[ \-]?\d{3}[ \-]?\d{4}\b")),
    (
        "[phone]",
        re.compile(r"(?:\+44\s?\(?0?\)?\s?|\(?\b0)\d{2,4}\)?[\s\-]?\d{3,4}[\s\-]?\d{3,4}\b"),
    ),
    ("[number]", re.compile(r"\b\d(?:[\s\-]?\d){6,}\b")),
    (
        "[postcode]",
        re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE),
    ),
    ("[name]", re.compile(rf"\b{_HONORIFICS}\s+{_CAP_WORD}(?:\s+{_CAP_WORD})?")),
)
_INTRODUCED_NAME = re.compile(
    rf"(?P<lead>\b{_INTRODUCERS}\s+)(?P<name>{_CAP_WORD}(?:\s+{_CAP_WORD})?)"
)
# "my name is tom": a self-introduction names whatever word follows, capitalised or not.
_SELF_INTRODUCTION = re.compile(
    r"(?P<lead>\b(?:my name is|my name's|i am called|i'm called)\s+)(?P<name>[a-z'\-]+)",
    re.IGNORECASE,
)
_FORENAME_WITH_SURNAME = re.compile(
    r"\b(?:" + "|".join(sorted(COMMON_FORENAMES)) + rf")\b(?:\s+{_CAP_WORD})?"
)


def redact(text: str, *, known_names: Iterable[str] = ()) -> str:
    """Return ``text`` with personal details replaced by placeholders.

    ``known_names`` are names the team knows appear (staff, service users, family);
    each is removed wherever it occurs, case-insensitively, as a whole word.
    """
    if not text:
        return text
    out = str(text)
    for name in sorted({n.strip() for n in known_names if n and n.strip()}, key=len, reverse=True):
        out = re.sub(rf"\b{re.escape(name)}\b", "[name]", out, flags=re.IGNORECASE)
    for placeholder, pattern in _PATTERNS:
        out = pattern.sub(placeholder, out)

    def _introduced(match: re.Match[str]) -> str:
        return match.group("lead") + "[name]"

    out = _INTRODUCED_NAME.sub(_introduced, out)
    out = _SELF_INTRODUCTION.sub(_introduced, out)

    return _FORENAME_WITH_SURNAME.sub("[name]", out)


def contains_personal_details(text: str) -> bool:
    """True when :func:`redact` would change ``text``."""
    return redact(text) != text

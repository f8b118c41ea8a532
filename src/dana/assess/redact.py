"""Redaction of personal details from engagement free text before it reaches a report.

Quotes from surveys, interviews and focus groups must never carry names, phone
numbers, e-mail addresses, NHS numbers or postcodes into a report. This module
replaces each with a bracketed placeholder ("[name]", "[phone]", ...).

What is caught:

- e-mail addresses;
- NHS numbers: any run of 10 digits, written together or as 3-3-4 with spaces,
  hyphens or dots (whether or not the modulus-11 check digit is valid: a mistyped NHS
  number is still personal data);
- UK telephone numbers (+44 or 0 followed by 9-10 digits in the usual groupings),
  and any other run of 7 or more digits;
- UK postcodes (full and outward-code-only with inward code);
- names, in title case, ALL CAPITALS or lower case:

  - after an honorific: Mr, Mrs, Dr, Prof in any case ("dr patel", "MR SMITH"); Ms,
    Mx, Miss, Sister and Nurse only capitalised and before a capitalised word (so
    "I miss my kids" and "my sister said" are left alone);
  - after phrases that introduce a name ("my name is", "called", "my keyworker",
    "my son" ...);
  - a common forename (:data:`COMMON_FORENAMES`) with the surname after it, hyphenated
    or with an apostrophe ("Mohammed Al-Hassan", "Sean O'Brien"). A forename that is
    also an ordinary English word (:data:`WORD_FORENAMES`: Will, Mark, Grace ...) is
    taken as a name only before a surname, and in lower case or capitals only before
    a surname from :data:`COMMON_SURNAMES` ("john smith", "JOHN SMITH"); other
    forenames in lower case or capitals are names on their own ("i told sarah");
  - every name the team lists in ``known_names`` (staff, service users), and each
    word of it of three letters or more (a surname alone is still a name).

What is kept (false positives are as harmful as misses in a published report):

- a saint's name in a place ("St Michael's ward", "Saint Mary's");
- the names of public figures cited from published reviews (:data:`PUBLIC_NAMES`,
  e.g. "Dame Carol Black"), and any phrase given in ``allowed``: the recommendations
  register marks such text per entry with ``not_personal: [...]``
  (:mod:`dana.assess.redact_evidence`).

Redaction is a safety net, not a substitute for the engagement team's own review:
an unusual name with no introducing phrase can slip through. Reports say that free
text was machine-redacted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def _words(block: str) -> frozenset[str]:
    """The words of a block of text (the name lists are easier to read and extend so)."""
    return frozenset(block.split())


#: The placeholder a name becomes.
NAME = "[name]"
#: Every placeholder redaction writes.
PLACEHOLDERS = ("[name]", "[email]", "[NHS number]", "[phone]", "[number]", "[postcode]")

#: Common forenames in England and Wales (a broad selection across generations),
#: used to catch "Sarah Jones said ..." with no introducing phrase.
COMMON_FORENAMES = _words(
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
    """
)

#: Forenames that are also ordinary English words: a name only before a surname.
WORD_FORENAMES = _words(
    """
    Will Mark Bill Billy Pat Sue Dawn Grace Frank Rob Jack Dean Ruby Amber Holly
    Heather Lily Daisy Poppy Jade Nick Matt Bob Carol Kim Lee Jo Joan Pete Rosie
    Harry Terry Victoria Georgia Chris Bethany Sandra Ashley Ali Kath Steph Jen
    Jill Ann Anne Ray
    """
)
#: The commonest surnames in England and Wales (ONS and electoral-roll tallies), used
#: to recognise "john smith" and "JOHN SMITH" where case gives no clue.
COMMON_SURNAMES = _words(
    """
    Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts
    Robinson Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris
    Clarke Patel Jackson Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee
    King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker Price
    Bennett Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey Collins Bell
    Shaw Murphy Miller Cox Richards Khan Marshall Anderson Simpson Ellis Adams Singh
    Begum Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Ali Hunt Hussain
    Campbell Matthews Owen Palmer Holmes Mills Barnes Knight Lloyd Butler Russell
    Barker Fisher Stevens Jenkins Murray Dixon Harvey Graham Pearson Ahmed Fletcher
    Walsh Kaur Gibson Howard Andrews Stewart Elliott Reynolds Saunders Payne Fox Ford
    Pearce Brooks Lawrence Cole Atkinson Bradley Spencer Gill Dawson Burton Watts
    Booth Perry Ryan Grant Wells Armstrong Francis Rees Hayes Hart Hudson Newman
    Barrett Webster Hunter Gregory Carr Lowe Page Marsh Riley Dunn Woods Parsons
    Berry Stone Reid Holland Hawkins Harding Porter Robertson Newton Oliver Reed
    Kennedy Williamson Bird Gardner Shah Dean Lane Bates Henderson Parry Burgess
    Bishop Walton Burns Nicholson Shepherd Ross Freeman Warren Nicholls Hamilton
    Byrne Sutton McDonald Yates Hodgson Robson Curtis Hopkins Harper Coleman Watkins
    Chambers Griffin Hardy Wheeler Potter Osborne Johnston Gordon Doyle Wallace
    Jordan Hutchinson Rowe Burke Gilbert Willis Higgins Stevenson Hammond Arnold
    Buckley Walters Hewitt Barber Nelson Slater Austin Sullivan Whitehead Lambert
    Akhtar Lynch Goodwin Barton Quinn Baxter Bibi Clayton Nash Jennings Poole
    Gallagher Bond Stokes Tucker Davidson Fowler Middleton Hassan Rahman Islam Iqbal
    Malik Mahmood Hussein Uddin Miah Chowdhury Kumar Sharma Nowak Kowalski
    """
)
#: Surnames that are also ordinary words: after a forename that is a word too ("will
#: cook", "mark price"), lower case cannot tell a name, so such a pair is left alone.
WORD_SURNAMES = _words(
    """
    White Green Hall Wood Turner Cooper Hill Ward Moore King Baker Price Young Cook
    Bell Shaw Mason Hunt Mills Knight Fisher Fox Ford Brooks Booth Grant Wells Hart
    Page Marsh Woods Berry Stone Reed Bird Dean Lane Bishop Ross Long Cross Rose Day
    May Bond Nash Poole Hardy Potter Walker Barber Slater Carter Palmer Porter Miller
    Gill Ball Brown Gray Parker Butler Baxter Newman Holmes Hunter Gardner Shepherd
    Griffin Chambers Wheeler Freeman Warren Sharp Jordan Austin Lambert Lynch Webb
    James Francis Marshall Dawson Powell Ellis Owen Burns Rogers Gordon Burke
    """
)
#: Public figures named in published national reviews (cited in recommendations).
PUBLIC_NAMES = ("Professor Dame Carol Black", "Dame Carol Black")

#: A title-case name word: "Smith", "Al-Hassan", "O'Brien", "McDonald".
_CAP_WORD = (
    r"[A-Z\u00C0-\u00DE][a-z\u00DF-\u00FF]*(?:['\u2019\-]?[A-Z\u00C0-\u00DE]?[a-z\u00DF-\u00FF]+)+"
)
#: A hyphenated or apostrophe word ("al-hassan", "o'brien"): after a forename, a surname.
_JOINED_WORD = r"[a-z\u00DF-\u00FF]+(?:['\u2019\-][a-z\u00DF-\u00FF]+)+"
#: Words that follow "mr" or "dr" without being a name ("mr and mrs").
_NOT_NAMES = r"(?i:and|or|the|to|of|in|at|on|for|with|said|says|was|is|who|mrs|mr)"
_SAINT = r"(?<!\bSt )(?<!\bSt\. )(?<!\bSaint )(?<!\bST )"

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("[email]", re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")),
    ("[NHS number]", re.compile(r"\b\d{3}[ .\-]?\d{3}[ .\-]?\d{4}\b")),
    (
        "[phone]",
        re.compile(r"(?:\+44\s?\(?0?\)?\s?|\(?\b0)\d{2,4}\)?[\s\-]?\d{3,4}[\s\-]?\d{3,4}\b"),
    ),
    ("[number]", re.compile(r"\b\d(?:[\s\-]?\d){6,}\b")),
    (
        "[postcode]",
        re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE),
    ),
    (
        NAME,
        re.compile(
            # the name is written in the honorific's own case: "Mr Smith", "dr patel",
            # "MR JONES" (so "Mrs both attended" is left alone)
            rf"\b(?:(?:Mr|Mrs|Dr|Prof|Professor)\.?\s+{_CAP_WORD}(?:\s+{_CAP_WORD})?"
            rf"|(?:mr|mrs|dr|prof|professor)\.?\s+(?!{_NOT_NAMES}\b)[a-z][a-z'\-]+"
            rf"|(?:MR|MRS|DR|PROF|PROFESSOR)\.?\s+(?!{_NOT_NAMES}\b)[A-Z][A-Z'\-]+"
            rf"|(?:Ms|Mx|Miss|Sister|Nurse)\.?\s+{_CAP_WORD}(?:\s+{_CAP_WORD})?)"
        ),
    ),
)
_INTRODUCERS = (
    r"(?i:my name is|name's|i am called|i'm called|called|named|"
    r"my (?:key ?worker|worker|nurse|doctor|gp|counsellor|support worker|son|daughter|"
    r"husband|wife|partner|boyfriend|girlfriend|mum|mother|dad|father|brother|sister|friend)"
    r"(?:,)?(?: is)?)"
)
_INTRODUCED_NAME = re.compile(
    rf"(?P<lead>\b{_INTRODUCERS}\s+)(?P<name>{_CAP_WORD}(?:\s+{_CAP_WORD})?)"
)
# "my name is tom": a self-introduction names whatever word follows, capitalised or not.
_SELF_INTRODUCTION = re.compile(
    r"(?P<lead>\b(?:my name is|my name's|i am called|i'm called)\s+)(?P<name>[a-z'\-]+)",
    re.IGNORECASE,
)


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_ALL_FORENAMES = COMMON_FORENAMES | WORD_FORENAMES
_PLAIN_FORENAMES = COMMON_FORENAMES - WORD_FORENAMES
_SURNAMES = _alternation(COMMON_SURNAMES)
# Title case: a forename with its surname, or a forename that is not also a word alone.
_TITLE_NAME = re.compile(
    rf"{_SAINT}\b(?:(?:{_alternation(_ALL_FORENAMES)})\s+{_CAP_WORD}"
    rf"|(?:{_alternation(_PLAIN_FORENAMES)})(?:\s+{_CAP_WORD})?)\b"
)
# lower case or capitals: a surname only from the list (case says nothing), and a
# forename that is a word only before a surname that is not one.
_UNCASED_NAME = re.compile(
    rf"{_SAINT}\b(?:(?:{_alternation(WORD_FORENAMES)})\s+(?:{_alternation(COMMON_SURNAMES - WORD_SURNAMES)})"
    rf"|(?:{_alternation(_PLAIN_FORENAMES)})(?:\s+(?:{_SURNAMES}|{_JOINED_WORD}))?)\b(?!['\u2019]s\b)",
    re.IGNORECASE,
)
_MASK = "\u0000{}\u0000"
#: The contact patterns run first, so a name inside an e-mail address is not split off.
_CONTACTS = _PATTERNS[:-1]
_HONORIFIC_NAME = _PATTERNS[-1]


def redact(text: str, *, known_names: Iterable[str] | str = (), allowed: Iterable[str] = ()) -> str:
    """Return ``text`` with personal details replaced by placeholders.

    ``known_names`` are names the team knows appear (staff, service users, family);
    each, and each of its words of three letters or more, is removed wherever it
    occurs, case-insensitively, as a whole word (one name given as a string is one
    name, not a list of letters). ``allowed`` phrases (and :data:`PUBLIC_NAMES`) are
    kept as written.
    """
    if not text:
        return text
    out = str(text)
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:
        kept.append(match.group(0))
        return _MASK.format(len(kept) - 1)

    for phrase in _phrases((*PUBLIC_NAMES, *_as_names(allowed))):
        out = re.sub(rf"\b{re.escape(phrase)}\b", keep, out, flags=re.IGNORECASE)
    for placeholder, pattern in _CONTACTS:
        out = pattern.sub(placeholder, out)
    names = _as_names(known_names)
    words = {w for n in names for w in re.split(r"[\s\-]+", n) if len(w) >= 3}
    for name in _phrases((*names, *words)):
        out = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", NAME, out, flags=re.IGNORECASE)
    out = _HONORIFIC_NAME[1].sub(NAME, out)

    def _introduced(match: re.Match[str]) -> str:
        return match.group("lead") + NAME

    out = _INTRODUCED_NAME.sub(_introduced, out)
    out = _SELF_INTRODUCTION.sub(_introduced, out)
    out = _TITLE_NAME.sub(NAME, out)
    out = _UNCASED_NAME.sub(_uncased, out)
    for position, original in enumerate(kept):
        out = out.replace(_MASK.format(position), original)
    return out


def _uncased(match: re.Match[str]) -> str:
    """A lower-case or capitals match is a name only when it is wholly lower case or
    wholly capitals (title case was handled, with its own surname rule)."""
    found = match.group(0)
    return NAME if found.islower() or found.isupper() else found


def _as_names(names: Iterable[str] | str) -> tuple[str, ...]:
    if isinstance(names, str):
        names = (names,)
    return tuple(str(n).strip() for n in names if n is not None and str(n).strip())


def _phrases(items) -> list[str]:
    return sorted(set(items), key=len, reverse=True)


def only_placeholders(text: str) -> bool:
    """True when ``text`` holds nothing but placeholders, spaces and punctuation (a quote
    redacted to nothing)."""
    rest = text
    for placeholder in PLACEHOLDERS:
        rest = rest.replace(placeholder, "")
    return not re.search(r"\w", rest)


def contains_personal_details(text: str) -> bool:
    """True when :func:`redact` would change ``text``."""
    return redact(text) != text

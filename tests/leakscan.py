"""A test-only output scanner: can any suppressed count be read or derived from a report?

Given the cells disclosure control withheld in a build (:class:`Secret`, with the raw
numbers the reader must never learn) and the written files, :func:`scan` extracts the
text of every format as *records* - the smallest unit a reader sees together:

- HTML: each paragraph, list item, heading, caption, table row (cells joined), SVG
  ``<title>``/``<desc>``/``<text>``, every attribute value (``aria-label``, ``title``,
  ``data-*``) and any ``<script>`` body (chart data as JSON); style, SVG path and
  coordinate attributes are left out (drawing, not data);
- DOCX and PPTX: every paragraph and table row of every XML part of the package (the
  document, slides, notes, embedded charts' XML) and every ``descr``/``title``
  attribute (alt text);
- PDF: every line of every page as laid out (pypdf's layout mode: a table row is a line);
- JSON (the assessment model): each object's scalar members together, as a row.

A secret *leaks* when one of its forms (the hidden count as printed, or a value built on
it at display precision: a rate, a share, a limit) appears as a number in a record that
also names it (its labels, all of them), or - for a form distinctive enough to be found
by chance only rarely (four or more significant digits) - anywhere at all. It can be
*derived* when every other member of one of its additive groups (a total and its other
parts: ``derivations``) is visible in records naming them: the total minus the parts is
the secret.
"""

from __future__ import annotations

import html
import re
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from lxml import etree
from pypdf import PdfReader

_NUMBER = re.compile(r"(?<![\w.])-?\d[\d,]*(?:\.\d+)?(?![\w])")
#: Attributes that draw rather than say something.
_DRAWING_WORDS = (
    "d points transform viewbox x y x1 x2 y1 y2 cx cy r rx ry width height style class "
    "stroke-width stroke-dasharray font-size font-family fill stroke opacity href "
    "xlink:href id clip-path preserveaspectratio version xmlns"
)
_DRAWING = frozenset(_DRAWING_WORDS.split())
_BLOCKS = frozenset(
    "p li h1 h2 h3 h4 h5 h6 caption figcaption tr dt dd title desc text summary".split()  # noqa: SIM905
)


@dataclass(frozen=True)
class Visible:
    """A number a reader can see next to its labels (one member of an additive group)."""

    labels: tuple[str, ...]
    form: str


@dataclass(frozen=True)
class Secret:
    """One withheld cell: what it is, its labels, and the ways it could be learned."""

    what: str
    labels: tuple[str, ...]
    forms: tuple[str, ...]
    #: each a set of other cells that together give the secret by subtraction
    derivations: tuple[tuple[Visible, ...], ...] = ()
    #: the period the withheld figure is for: a record that names other periods and
    #: not this one is about another year (a series table's row), not about the secret
    period: str = ""


@dataclass(frozen=True)
class Leak:
    secret: str
    fmt: str
    how: str
    record: str


@dataclass
class _Collector(HTMLParser):
    records: list[str] = field(default_factory=list)
    stack: list[list[str]] = field(default_factory=list)
    skip: int = 0

    def __post_init__(self):
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag, attrs):
        if tag == "style":
            self.skip += 1
        for name, value in attrs:
            if value and name.lower() not in _DRAWING:
                self.records.append(html.unescape(value))
        if tag in _BLOCKS or tag == "script":
            self.stack.append([])

    def handle_endtag(self, tag):
        if tag == "style":
            self.skip = max(0, self.skip - 1)
        if (tag in _BLOCKS or tag == "script") and self.stack:
            text = " | ".join(t for t in self.stack.pop() if t.strip())
            if text:
                self.records.append(text)
                if self.stack:
                    self.stack[-1].append(text)

    def handle_data(self, data):
        if self.skip or not data.strip():
            return
        if self.stack:
            self.stack[-1].append(data.strip())
        else:
            self.records.append(data.strip())


def html_records(path: Path) -> list[str]:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    collector.close()
    return collector.records


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def office_records(path: Path) -> list[str]:
    """Paragraphs, table rows, chart series and alt text of every XML part of a package."""
    records = []
    with zipfile.ZipFile(path) as package:
        for name in package.namelist():
            if not name.endswith(".xml") and not name.endswith(".rels"):
                continue
            try:
                root = etree.fromstring(package.read(name))
            except etree.XMLSyntaxError:
                continue
            for element in root.iter():
                local = _local(element.tag)
                if local == "p" and any(_local(a.tag) == "tc" for a in element.iterancestors()):
                    continue  # a cell's paragraph is read with its row
                if local in ("p", "tr", "ser"):
                    text = " | ".join(t.strip() for t in element.itertext() if t.strip())
                    if text:
                        records.append(text)
                for attribute in ("descr", "title"):
                    value = element.get(attribute)
                    if value:
                        records.append(value)
    return records


def pdf_records(path: Path) -> list[str]:
    lines = []
    for page in PdfReader(str(path)).pages:
        # layout mode keeps a table row on one line, as the reader sees it
        text = page.extract_text(extraction_mode="layout") or ""
        lines.extend(" ".join(line.split()) for line in text.splitlines() if line.strip())
    return lines


def text_records(path: Path) -> list[str]:
    """A plain-text output (the analyst notes, Markdown): its lines."""
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _json_scalar(value) -> str:
    # a whole float is written as the integer it is, so "3.0" is found as the count 3
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def json_records(path: Path) -> list[str]:
    """The JSON model: each object's numbers and short strings joined (an object is read
    together, like a table row), its sentences and notes each on their own, and each
    list of scalars (a frame's record) as one row."""
    import json

    lines: list[str] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            scalars, prose = [], []
            for key, value in node.items():
                if value is None or isinstance(value, dict | list):
                    continue
                if isinstance(value, str) and len(value) > 60:
                    prose.append(value)  # a sentence or note is read on its own, as in HTML
                else:
                    scalars.append(f"{key}: {_json_scalar(value)}")
            if scalars:
                lines.append("; ".join(scalars))
            lines.extend(prose)
            for value in node.values():
                if isinstance(value, dict | list):
                    walk(value)
        elif isinstance(node, list):
            if node and all(not isinstance(v, dict | list) for v in node):
                lines.append("; ".join(_json_scalar(v) for v in node if v is not None))
            else:
                for value in node:
                    walk(value)

    walk(json.loads(path.read_text(encoding="utf-8")))
    return lines


EXTRACTORS = {
    "json": json_records,
    "md": text_records,
    "html": html_records,
    "docx": office_records,
    "pptx": office_records,
    "pdf": pdf_records,
}


def records_of(outputs: dict[str, Path]) -> dict[str, list[str]]:
    """Every format's records (see the module docstring)."""
    return {fmt: EXTRACTORS[fmt](Path(path)) for fmt, path in outputs.items()}


def numbers_in(record: str) -> set[str]:
    """The numbers written in a record, without thousands separators."""
    return {m.group(0).replace(",", "") for m in _NUMBER.finditer(record)}


def _plain(form: str) -> str:
    return form.replace(",", "")


def _names(record: str, labels: tuple[str, ...]) -> bool:
    lowered = record.lower()
    return all(label.lower() in lowered for label in labels)


def distinctive(form: str) -> bool:
    """Four or more significant digits: unlikely to appear by chance (three-digit values
    coincide with other areas' rates too often to be searched for out of context)."""
    digits = re.sub(r"\D", "", form).lstrip("0")
    return len(digits) >= 4


def _without(record: str, labels: tuple[str, ...]) -> str:
    """The record with its labels taken out ("waits over 3 weeks" is not a 3)."""
    for label in labels:
        record = re.sub(re.escape(label), " ", record, flags=re.IGNORECASE)
    return record


def visible(parsed: list[tuple[str, set[str]]], item: Visible) -> bool:
    """True when ``item`` is shown in a record naming it (``parsed``: records with their
    numbers, from :func:`numbers_in`)."""
    form = _plain(item.form)
    return any(
        form in numbers
        and _names(line, item.labels)
        and form in numbers_in(_without(line, item.labels))
        for line, numbers in parsed
    )


_CROSS_REFERENCE = re.compile(r"\((?:slide|page|see slide|see page) \d+\)", re.I)
_PERIOD = re.compile(r"(?<![\d])(?:19|20)\d{2}(?:[/-]\d{2,4})?(?![\d])")


def _other_period(record: str, period: str) -> bool:
    """True when the record names periods, none of them ``period`` (another year's row)."""
    if not period:
        return False
    named = _PERIOD.findall(record)
    return bool(named) and period not in record


def scan(records: dict[str, list[str]], secrets: list[Secret]) -> list[Leak]:
    """Every way a secret can be read or derived from the records, per format."""
    leaks = []
    for fmt, lines in records.items():
        # a cross-reference ("(slide 6)", "(page 12)") is navigation, not a figure
        lines = [_CROSS_REFERENCE.sub("", line) for line in lines]
        parsed = [(line, numbers_in(line)) for line in lines]
        for secret in secrets:
            for form in secret.forms:
                plain = _plain(form)
                for line, numbers in parsed:
                    if plain not in numbers or _other_period(line, secret.period):
                        continue
                    if _names(line, secret.labels) and plain in numbers_in(
                        _without(line, secret.labels)
                    ):
                        leaks.append(Leak(secret.what, fmt, f"shows {form}", line[:300]))
                    elif distinctive(form):
                        leaks.append(Leak(secret.what, fmt, f"shows {form} (anywhere)", line[:300]))
            for group in secret.derivations:
                if group and all(visible(parsed, item) for item in group):
                    shown = ", ".join(f"{' '.join(i.labels)} {i.form}" for i in group)
                    leaks.append(Leak(secret.what, fmt, f"derivable from {shown}", ""))
    return leaks


# --- the secrets of a build -----------------------------------------------------------


def _count_form(value) -> str:
    return f"{float(value):,.0f}" if float(value).is_integer() else f"{float(value):,.1f}"


def figure_secrets(assessment, table, catalogue, relations) -> list[Secret]:
    """The raw numbers behind every figure the model withholds, from the unsuppressed
    ``table`` the build read, with the relations that could give them back."""
    from dana.assess.figures import headline_rows  # test helper: only its own tests load it
    from dana.formatting import format_number

    subject = assessment.area.code
    raw: dict[str, object] = {}
    for figure in assessment.all_figures():
        if figure.indicator_id in raw:
            continue
        try:
            indicator = catalogue.get(figure.indicator_id)
        except KeyError:
            continue
        rows = headline_rows(table[table["indicator_id"] == figure.indicator_id], indicator)
        rows = rows[(rows["area_code"] == subject) & (rows["period"] == figure.period)]
        if len(rows):
            raw[figure.indicator_id] = (indicator, rows.iloc[0], figure)

    def count_of(entry):
        _, row, _ = entry
        count = row["count"]
        if count != count and row["value_type"] == "count":
            count = row["value"]
        return None if count != count else float(count)

    secrets = []
    for indicator_id, entry in raw.items():
        indicator, row, figure = entry
        if not figure.suppressed:
            continue
        forms = []
        count = count_of(entry)
        if count is not None:
            forms.append(_count_form(count))
        for column in ("value", "lower_95", "upper_95", "lower_99_8", "upper_99_8"):
            value = row[column]
            if value == value and row["value_type"] != "count":
                forms.append(format_number(float(value), indicator.unit, indicator.value_type))
        derivations = []
        for relation in relations:
            if indicator_id not in relation.members:
                continue
            others = [m for m in relation.members if m != indicator_id]
            if not all(m in raw and count_of(raw[m]) is not None for m in others):
                continue
            derivations.append(
                tuple(
                    Visible((raw[m][0].short_name,), _count_form(count_of(raw[m]))) for m in others
                )
            )
        if forms or derivations:
            secrets.append(
                Secret(
                    f"figure {indicator_id} ({figure.period})",
                    (indicator.short_name,),
                    tuple(dict.fromkeys(forms)),
                    tuple(derivations),
                    period=str(figure.period),
                )
            )
    return secrets


def breakdown_secrets(assessment, table) -> list[Secret]:
    """Every withheld cell of every breakdown table, with its raw count and share."""
    secrets = []
    subject = assessment.area.code
    for shown in assessment.all_tables():  # the body's and the detailed tables' appendix
        if not shown.id.startswith("breakdown."):
            continue
        indicator_id = shown.id[len("breakdown.") : shown.id.rindex(".")]
        rows = table[
            (table["indicator_id"] == indicator_id)
            & (table["area_code"] == subject)
            & (table["category_type"] != "")
        ]
        rows = rows[rows["period_sort"] == rows["period_sort"].max()]
        raw = dict(zip(rows["category"], rows["count"].fillna(rows["value"]), strict=True))
        total = float(rows["denominator"].max())
        data = shown.data
        for category, count in zip(data["Category"], data["Count"], strict=True):
            if count != "*" or category not in raw:
                continue
            value = float(raw[category])
            others = [Visible((str(c),), _count_form(raw[c])) for c in raw if c != category]
            secrets.append(
                Secret(
                    f"{shown.id}: {category}",
                    (str(category),),
                    (_count_form(value), f"{value / total * 100:.1f}"),
                    ((Visible(("Total",), _count_form(total)), *others),),
                )
            )
    return secrets


def engagement_secrets(inputs, arguments_hidden) -> list[Secret]:
    """Withheld engagement counts from the raw inputs: ``arguments_hidden(count)`` says
    whether the rule hides a count."""
    secrets = []
    participants = inputs.participants
    if participants is not None:
        for group, cells in participants.groupby("group", sort=False):
            total = int(cells["participants"].sum())
            for method, count in zip(cells["method"], cells["participants"], strict=True):
                if not arguments_hidden(count):
                    continue
                others = [
                    Visible((group, m), str(int(n)))
                    for m, n in zip(cells["method"], cells["participants"], strict=True)
                    if m != method
                ]
                secrets.append(
                    Secret(
                        f"participants {group} / {method}",
                        (group, method),
                        (str(int(count)),),
                        ((Visible((group.lower(),), f"{total:,}"), *others),),
                    )
                )
    journey = inputs.journey
    if journey is not None:
        for row in journey.itertuples():
            not_satisfied = row.responses - row.satisfied
            if arguments_hidden(row.satisfied) or arguments_hidden(not_satisfied):
                secrets.append(
                    Secret(
                        f"journey {row.area} / {row.stage}",
                        (row.area, row.stage.split("-")[0]),
                        (f"{row.satisfied / row.responses * 100:.0f}",),
                    )
                )
    for theme in inputs.themes:
        if theme.mentions is not None and arguments_hidden(theme.mentions):
            secrets.append(
                Secret(f"mentions of {theme.theme}", ("raised by",), (str(theme.mentions),))
            )
    return secrets

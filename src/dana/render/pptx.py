"""Render an assessment as a slide pack (python-pptx), like Cambridgeshire & Peterborough's.

The pack follows :func:`dana.render._document.slide_plan`, so the Word and PDF reports can
cite "slide N" for each finding: a title slide, an "about" slide, for each section a
divider then ONE SLIDE PER KEY INDICATOR (its chart when the section has one for it,
otherwise a compare table; the finding sentences; the value with its confidence interval;
the comparison in words, symbol and colour; a source and period footnote), slides for
section-wide charts and display tables, recommendation cards in Coventry's layout, data
gaps, sources and the licence.

Text must stay on the slide. python-pptx cannot measure text, so :class:`_TextFitter`
wraps it with the metrics of DejaVu Sans (shipped with matplotlib; wider than the Arial
the slides use, so the estimate errs on the safe side) and picks the largest font size
that fits each box, shortening the text with an ellipsis only if even the smallest size
cannot hold it. Nothing here computes a statistic.
"""

from __future__ import annotations

import io
import os
from functools import lru_cache
from pathlib import Path

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Inches, Pt

from dana.assess.model import OUTCOME_AREA_NAMES, TIMESCALE_NAMES, Assessment, Chart, Figure
from dana.render._document import (
    SYNTHETIC_NOTICE,
    Slide,
    atomic_write,
    cell_text,
    comparator_sentence,
    comparison_phrase,
    comparison_sentence,
    evidence_slides,
    findings_for_figure,
    gap_reason,
    gap_section,
    gap_statement_text,
    key_figure_row,
    output_path,
    paragraphs,
    population_badges,
    recommendation_evidence,
    section_titles,
    slide_plan,
    table_footnote,
    unlinked_findings,
    xml_safe,
)
from dana.render._format import (
    comparison_colour,
    comparison_text,
    england_benchmark,
    format_benchmark_value,
    format_interval,
    format_level,
    format_unit,
    format_value,
    text_colour_on,
)
from dana.render.charts import caption, figure_size, static_png

__all__ = ["render_pptx"]

SLIDE_WIDTH_IN = 13.333
SLIDE_HEIGHT_IN = 7.5
_MARGIN = 0.5
_CONTENT_WIDTH = SLIDE_WIDTH_IN - 2 * _MARGIN
_FONT = "Arial"
_DARK = RGBColor(0x0B, 0x0C, 0x0C)
_MUTED = RGBColor(0x50, 0x5A, 0x5F)
_ACCENT = RGBColor(0x1D, 0x70, 0xB8)
_RED = RGBColor(0xD4, 0x35, 0x1C)
_PALE = RGBColor(0xF3, 0xF2, 0xF1)
_WHITE = RGBColor(0xFF, 0xFF, 0xFF)
_CHART_DPI = 150  # a 12 inch chart is 1,800 pixels wide: sharp on a projector
# Narrowest width a tall chart is re-drawn at to fit a slide, so its labels keep room.
_MIN_DRAW_WIDTH = {"spine": 6.5, "compare_bar": 5.0}
_LAYOUT_TITLE, _LAYOUT_TITLE_ONLY = 0, 5


def render_pptx(assessment: Assessment, path: str | os.PathLike) -> Path:
    """Write ``assessment`` to ``path`` as a .pptx slide pack and return the path.

    Written to a temporary file in the same folder and renamed into place, so a failure
    never leaves a half-written pack.
    """
    output_path(path)
    prs = _PptxBuilder(assessment).build()
    return atomic_write(path, lambda tmp: prs.save(str(tmp)))


# --- text fitting -----------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _measure_font(size_pt: float, bold: bool):
    """DejaVu Sans at ``size_pt`` with 1 pixel = 1 point, so widths come out in points."""
    import matplotlib
    from PIL import ImageFont

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(
        str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name), size_pt
    )


class _TextFitter:
    """Chooses font sizes so text fits a box; the padding matches the text frames below."""

    PAD_X = 0.1  # inches, left and right inset
    PAD_Y = 0.05
    LINE = 1.2  # line height as a multiple of the font size

    def lines(self, text: str, size_pt: float, width_in: float, bold: bool = False) -> int:
        font = _measure_font(size_pt, bold)
        usable = (width_in - 2 * self.PAD_X) * 72
        count = 0
        for para in text.split("\n"):
            count += 1
            line = ""
            for word in para.split(" "):
                trial = f"{line} {word}" if line else word
                if font.getlength(trial) <= usable or not line:
                    line = trial
                    # a single word wider than the box wraps by characters
                    while font.getlength(line) > usable and len(line) > 1:
                        count += 1
                        cut = max(1, int(len(line) * usable / font.getlength(line)))
                        line = line[cut:]
                else:
                    count += 1
                    line = word
        return count

    def height(self, text, size_pt, width_in, bold=False, space_after_pt=0.0) -> float:
        n_paras = text.count("\n") + 1
        points = self.lines(text, size_pt, width_in, bold) * size_pt * self.LINE
        return (points + space_after_pt * (n_paras - 1)) / 72 + 2 * self.PAD_Y

    def fit(self, text, width_in, height_in, max_pt, min_pt, bold=False, space_after_pt=0.0):
        """(size, text): the largest size in 0.5 pt steps that fits, else ``min_pt`` and
        the text shortened at a word boundary with an ellipsis."""
        size = max_pt
        while size >= min_pt:
            if self.height(text, size, width_in, bold, space_after_pt) <= height_in:
                return size, text
            size -= 0.5
        # Shorten: binary search for the most words that fit with an ellipsis.
        words = text.split(" ")

        def shortened(n):
            return " ".join(words[:n]).rstrip(",;:") + "\u2026"

        lo, hi = 0, len(words) - 1  # shortened(lo) fits (or lo == 0); find the largest
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.height(shortened(mid), min_pt, width_in, bold, space_after_pt) <= height_in:
                lo = mid
            else:
                hi = mid - 1
        if lo:
            return min_pt, shortened(lo)
        return min_pt, "\u2026"


_FIT = _TextFitter()


# --- the builder ------------------------------------------------------------------------------


class _PptxBuilder:
    def __init__(self, assessment: Assessment):
        self.a = assessment
        self.prs = Presentation()
        self.prs.slide_width = Inches(SLIDE_WIDTH_IN)
        self.prs.slide_height = Inches(SLIDE_HEIGHT_IN)
        self.plan = slide_plan(assessment)
        self.evidence = evidence_slides(assessment)
        self.titles = section_titles(assessment)

    def build(self):
        props = self.prs.core_properties
        props.title = xml_safe(self.a.title)
        props.subject = (
            f"Drug and alcohol needs assessment slide pack: {xml_safe(self.a.area.name)}"
        )
        props.author = "DANA (Drugs and Alcohol Needs Assessment toolkit)"
        props.keywords = "needs assessment; drugs; alcohol" + (
            "; SYNTHETIC DATA" if self.a.synthetic else ""
        )
        for number, spec in enumerate(self.plan, 1):
            getattr(self, f"_slide_{spec.kind}")(spec, number)
        return self.prs

    # --- slide kinds --------------------------------------------------------------------------

    def _slide_title(self, spec: Slide, number: int):
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[_LAYOUT_TITLE])
        title, subtitle = slide.placeholders[0], slide.placeholders[1]
        _place(title, _MARGIN, 1.6, _CONTENT_WIDTH, 1.8)
        self._fill(title, self.a.title, _CONTENT_WIDTH, 1.8, 40, 24, bold=True, align=PP_ALIGN.LEFT)
        _place(subtitle, _MARGIN, 3.5, _CONTENT_WIDTH, 1.4)
        lines = (
            f"{self.a.area.name}\nPeriod: {self.a.period}\nProduced {self.a.generated} with DANA"
        )
        self._fill(subtitle, lines, _CONTENT_WIDTH, 1.4, 20, 12, colour=_MUTED, align=PP_ALIGN.LEFT)
        if self.a.synthetic:
            box = self._box(
                slide,
                SYNTHETIC_NOTICE,
                _MARGIN,
                5.3,
                _CONTENT_WIDTH,
                0.9,
                16,
                10,
                bold=True,
                colour=_RED,
            )
            box.fill.solid()
            box.fill.fore_color.rgb = RGBColor(0xFD, 0xEC, 0xEA)

    def _slide_about(self, spec: Slide, number: int):
        slide = self._content_slide("About this slide pack", number)
        parts = [*paragraphs(self.a.introduction), comparator_sentence(self.a)]
        if self.a.disclosure:
            parts.append(f"Small numbers: {self.a.disclosure}")
        parts.append(
            "Each key indicator has its own slide: the value with its confidence interval, "
            "how it compares with England (in words, a symbol and colour), and what it means."
        )
        if self.a.synthetic:
            parts.append(SYNTHETIC_NOTICE)
        self._box(slide, "\n".join(parts), _MARGIN, 1.5, _CONTENT_WIDTH, 5.1, 20, 11, space_after=8)

    def _slide_divider(self, spec: Slide, number: int):
        section = spec.section
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[_LAYOUT_TITLE_ONLY])
        band = slide.shapes.add_shape(
            MSO_SHAPE.RECTANGLE, 0, 0, Inches(0.25), self.prs.slide_height
        )
        _solid(band, _ACCENT)
        title = slide.shapes.title
        size = 36 if spec.depth == 1 else 30
        _place(title, _MARGIN + 0.2, 1.6, _CONTENT_WIDTH - 0.2, 1.6)
        self._fill(
            title,
            section.title,
            _CONTENT_WIDTH - 0.2,
            1.6,
            size,
            20,
            bold=True,
            align=PP_ALIGN.LEFT,
            colour=_ACCENT,
        )
        text = "\n".join(paragraphs(section.summary))
        extra = unlinked_findings(section)
        if extra:
            text += ("\n" if text else "") + "\n".join(f"\u2022 {f.text}" for f in extra)
        if text:
            self._box(
                slide,
                text,
                _MARGIN + 0.2,
                3.3,
                _CONTENT_WIDTH - 0.2,
                3.2,
                22,
                11,
                colour=_MUTED,
                space_after=6,
            )
        self._furniture(slide, number)

    def _slide_figure(self, spec: Slide, number: int):
        fig, section = spec.figure, spec.section
        slide = self._content_slide(fig.name, number, kicker=self._breadcrumb(section.id))
        left_w, right_x = 7.5, _MARGIN + 7.8
        right_w = SLIDE_WIDTH_IN - _MARGIN - right_x
        if spec.chart is not None:
            self._box(slide, spec.chart.title, _MARGIN, 1.45, left_w, 0.5, 13, 9, bold=True)
            self._picture(slide, spec.chart, _MARGIN, 1.95, left_w, 4.6)
        else:
            self._compare_table(slide, fig, _MARGIN, 1.6, left_w)
        self._value_panel(slide, fig, right_x, 1.45, right_w)
        findings = findings_for_figure(section, fig)
        if findings:
            text = "\n".join(f.text for f in findings)
            self._box(slide, text, right_x, 4.8, right_w, 1.85, 16, 10, space_after=6)
        notes = [f.text for f in findings] + ([spec.chart.alt_text] if spec.chart else [])
        self._notes(slide, notes)
        footer = [f"Period: {fig.period}"]
        if fig.source:
            footer.append(
                f"Source: {fig.source}" + (f", retrieved {fig.retrieved}" if fig.retrieved else "")
            )
        if fig.method:
            footer.append(f"Method: {fig.method}")
        if fig.value_note:
            footer.append(fig.value_note)
        self._footer(slide, ". ".join(footer))

    def _slide_chart(self, spec: Slide, number: int):
        chart = spec.chart
        slide = self._content_slide(chart.title, number, kicker=self._breadcrumb(spec.section.id))
        self._picture(slide, chart, _MARGIN, 1.5, _CONTENT_WIDTH, 5.0)
        self._notes(slide, [chart.alt_text])
        self._footer(slide, caption(chart))

    def _slide_table(self, spec: Slide, number: int):
        table, start, stop = spec.table_part
        title = table.title + (f" ({spec.part} of {spec.parts})" if spec.parts > 1 else "")
        slide = self._content_slide(title, number, kicker=self._breadcrumb(spec.section.id))
        rows = [
            [cell_text(v) for v in row]
            for row in table.data.iloc[start:stop].itertuples(index=False)
        ]
        headers = [xml_safe(c) for c in table.data.columns]
        self._table(
            slide,
            headers,
            rows,
            _MARGIN,
            1.6,
            _CONTENT_WIDTH,
            font_pt=14 if len(headers) <= 6 else 11,
        )
        self._footer(slide, table_footnote(table))

    def _slide_rec_list(self, spec: Slide, number: int):
        title = "Recommendations" + (f" ({spec.part} of {spec.parts})" if spec.parts > 1 else "")
        slide = self._content_slide(title, number)
        rows = [
            [
                str(r.number),
                r.title,
                TIMESCALE_NAMES.get(r.timescale, r.timescale),
                population_badges(r),
            ]
            for r in spec.items
        ]
        self._table(
            slide,
            ["Number", "Title", "Timescale", "Area"],
            rows,
            _MARGIN,
            1.6,
            _CONTENT_WIDTH,
            font_pt=13,
            widths=(1.1, 7.3, 2.5, 1.43),
        )
        self._footer(slide, "Each recommendation has its own slide that follows.")

    def _slide_rec(self, spec: Slide, number: int):
        rec = spec.items[0]
        slide = self._content_slide(f"Recommendation {rec.number}: {rec.title}", number)
        # Left column: Coventry's "icons" as labelled badges, the chosen ones filled.
        x, y, w = _MARGIN, 1.6, 3.4
        self._box(slide, "AREA", x, y, w, 0.35, 11, 9, bold=True, colour=_MUTED)
        for i, (key, label) in enumerate((("cyp", "C&YP"), ("adult", "ADULT"))):
            on = rec.population in (key, "both")
            self._badge(slide, label, x + i * 1.75, y + 0.4, 1.6, 0.45, on)
        y += 1.05
        self._box(slide, "OUTCOME FRAMEWORK AREA", x, y, w, 0.35, 11, 9, bold=True, colour=_MUTED)
        for i, area in enumerate(OUTCOME_AREA_NAMES):
            self._badge(
                slide,
                area,
                x + (i % 2) * 1.75,
                y + 0.4 + (i // 2) * 0.55,
                1.6,
                0.45,
                area in rec.outcome_areas,
            )
        y += 0.4 + 3 * 0.55 + 0.15
        self._box(slide, "TIMESCALE", x, y, w, 0.35, 11, 9, bold=True, colour=_MUTED)
        timescale = TIMESCALE_NAMES.get(rec.timescale, rec.timescale)
        self._box(slide, timescale, x, y + 0.35, w, 0.5, 13, 9)
        # Right column: the card text.
        rx = _MARGIN + 3.7
        rw = SLIDE_WIDTH_IN - _MARGIN - rx
        card = [
            ("Key finding", rec.key_finding),
            ("Impact", rec.impact),
            ("Description", rec.description),
        ]
        if rec.gap_statement:
            card.append(("GAP", gap_statement_text(rec)))
        self._labelled_box(slide, card, rx, 1.5, rw, 5.1)
        evidence = recommendation_evidence(rec, self.evidence)
        footer = [f"Theme: {rec.theme}"] if rec.theme else []
        if rec.outcome_areas:
            footer.append(
                "Outcome areas: "
                + "; ".join(OUTCOME_AREA_NAMES.get(a, a) for a in rec.outcome_areas)
            )
        if evidence:
            footer.append(f"Evidence: {evidence}")
        self._footer(slide, ". ".join(footer))

    def _slide_gaps(self, spec: Slide, number: int):
        title = "Areas where data was lacking" + (
            f" ({spec.part} of {spec.parts})" if spec.parts > 1 else ""
        )
        slide = self._content_slide(title, number)
        rows = [[g.name, gap_section(g, self.titles), gap_reason(g), g.detail] for g in spec.items]
        self._table(
            slide,
            ["Indicator", "Section", "Reason", "Detail"],
            rows,
            _MARGIN,
            1.6,
            _CONTENT_WIDTH,
            font_pt=13,
            widths=(3.6, 2.4, 2.3, 4.03),
        )

    def _slide_sources(self, spec: Slide, number: int):
        title = "Sources and methods" + (
            f" ({spec.part} of {spec.parts})" if spec.parts > 1 else ""
        )
        slide = self._content_slide(title, number)
        rows = [
            [e.name, e.period, e.source, e.retrieved, e.method, format_level(e.confidence)]
            for e in spec.items
        ]
        self._table(
            slide,
            ["Indicator", "Period", "Source", "Retrieved", "Method", "CI"],
            rows,
            _MARGIN,
            1.6,
            _CONTENT_WIDTH,
            font_pt=11,
            widths=(3.2, 1.3, 2.6, 1.2, 3.2, 0.83),
        )
        self._footer(slide, "Licences and attributions are on the last slide.")

    def _slide_licence(self, spec: Slide, number: int):
        slide = self._content_slide("Licence, attributions and disclosure control", number)
        parts = list(self.a.attributions)
        parts.append(f"Disclosure control: {self.a.disclosure or 'no rule was recorded.'}")
        parts.append("Suppressed values are shown as * and never published.")
        if self.a.synthetic:
            parts.append(SYNTHETIC_NOTICE)
        parts.append(
            f"Produced {self.a.generated} with DANA, the Drugs and Alcohol Needs Assessment toolkit."
        )
        self._box(slide, "\n".join(parts), _MARGIN, 1.5, _CONTENT_WIDTH, 5.1, 18, 10, space_after=8)

    # --- slide parts --------------------------------------------------------------------------

    def _content_slide(self, title: str, number: int, *, kicker: str = ""):
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[_LAYOUT_TITLE_ONLY])
        if kicker:
            self._box(
                slide, kicker, _MARGIN, 0.25, _CONTENT_WIDTH - 2.2, 0.35, 12, 9, colour=_MUTED
            )
        _place(slide.shapes.title, _MARGIN, 0.55, _CONTENT_WIDTH, 0.85)
        self._fill(
            slide.shapes.title,
            title,
            _CONTENT_WIDTH,
            0.85,
            28,
            16,
            bold=True,
            align=PP_ALIGN.LEFT,
            colour=_DARK,
        )
        slide.shapes.title.text_frame.vertical_anchor = MSO_ANCHOR.TOP
        self._furniture(slide, number)
        return slide

    def _furniture(self, slide, number: int):
        """The slide number, and the SYNTHETIC DATA tag when the figures are synthetic."""
        self._box(
            slide,
            f"{number}",
            SLIDE_WIDTH_IN - 1.1,
            SLIDE_HEIGHT_IN - 0.5,
            0.7,
            0.35,
            11,
            9,
            colour=_MUTED,
            align=PP_ALIGN.RIGHT,
        )
        if self.a.synthetic:
            tag = self._box(
                slide,
                "SYNTHETIC DATA",
                SLIDE_WIDTH_IN - 2.6,
                0.2,
                2.1,
                0.35,
                11,
                9,
                bold=True,
                colour=_WHITE,
                align=PP_ALIGN.CENTER,
            )
            _solid(tag, _RED)

    def _footer(self, slide, text: str):
        """The footnote: source, period, method, notes."""
        if text:
            self._box(
                slide,
                text,
                _MARGIN,
                SLIDE_HEIGHT_IN - 0.75,
                _CONTENT_WIDTH - 1.0,
                0.62,
                10,
                7,
                colour=_MUTED,
            )

    def _value_panel(self, slide, fig: Figure, x: float, y: float, w: float):
        value = format_unit(format_value(fig), fig.unit)
        self._box(slide, value, x, y, w, 0.8, 32, 16, bold=True, colour=_DARK)
        interval = format_interval(fig)
        if fig.suppressed:
            sub = "Suppressed: too few events to publish"
        elif interval == "-":
            sub = fig.value_note or "No confidence interval"
        else:
            sub = f"{format_level(fig.confidence)} CI {interval}"
        self._box(slide, f"{sub}\n{fig.period}", x, y + 0.8, w, 0.7, 14, 9, colour=_MUTED)
        bench = england_benchmark(fig)
        key = bench.comparison if bench else "not_compared"
        level = bench.confidence if bench else 0.95
        badge = comparison_phrase(fig, bench) if bench else comparison_text("not_compared")
        fill = comparison_colour(key, level)
        box = self._box(
            slide,
            badge,
            x,
            y + 1.55,
            w,
            0.6,
            15,
            9,
            bold=True,
            colour=_rgb(text_colour_on(fill)),
            anchor=MSO_ANCHOR.MIDDLE,
        )
        _solid(box, _rgb(fill), line=_DARK)
        others = [b for b in fig.benchmarks if b is not bench]
        extra = [comparison_sentence(fig, others)] if others else []
        extra.append(f"Recent trend: {fig.trend}")
        if fig.rank is not None:
            extra.append(
                f"Rank {fig.rank} of {fig.rank_of} among {self.a.area.name} and comparators (1 = lowest)"
            )
        self._box(slide, "\n".join(extra), x, y + 2.25, w, 1.05, 13, 9, colour=_MUTED)

    def _compare_table(self, slide, fig: Figure, x: float, y: float, w: float):
        row = key_figure_row(fig)
        rows = [[self.a.area.name, row.value, row.interval, "\u2014"]]
        colours = [None]
        for b in fig.benchmarks:
            rows.append(
                [
                    b.benchmark_name,
                    format_unit(format_benchmark_value(fig, b), fig.unit),
                    "",
                    comparison_text(b.comparison)
                    + (
                        ""
                        if b.comparison == "not_compared" or abs(b.confidence - 0.95) < 1e-9
                        else f" ({format_level(b.confidence)})"
                    ),
                ]
            )
            colours.append(comparison_colour(b.comparison, b.confidence))
        headers = [
            "Area",
            "Value",
            f"{format_level(fig.confidence)} CI",
            "Comparison",
        ]
        widths = (2.3, 2.1, 1.5, w - 5.9)
        table, size = self._table(slide, headers, rows, x, y, w, font_pt=16, widths=widths)
        for r, fill in enumerate(colours, 1):
            if fill:
                cell = table.cell(r, 3)
                cell.fill.solid()
                cell.fill.fore_color.rgb = _rgb(fill)
                for para in cell.text_frame.paragraphs:
                    for run in para.runs:
                        run.font.color.rgb = _rgb(text_colour_on(fill))
        below = y + self._table_height(headers, rows, widths, size) + 0.15
        note = "No chart for this indicator: the table compares the value with each benchmark."
        self._box(slide, note, x, below, w, 0.4, 11, 9, colour=_MUTED)

    def _picture(self, slide, chart: Chart, x: float, y: float, w: float, h: float):
        """The chart as large as fits the box, re-drawn narrower when it is tall, so its
        text is not shrunk too far; alt text goes in ``cNvPr/@descr``."""
        fw, fh = figure_size(chart, w)
        draw_w = w if fh <= h else max(_MIN_DRAW_WIDTH.get(chart.kind, 4.5), h * fw / fh)
        png = static_png(chart, width_in=draw_w, dpi=_CHART_DPI, titled=False)
        pw, ph = _png_size(png)
        width = min(w, h * pw / ph)
        height = width * ph / pw
        pic = slide.shapes.add_picture(
            io.BytesIO(png), Inches(x + (w - width) / 2), Inches(y), Inches(width), Inches(height)
        )
        c_nv_pr = pic._element.nvPicPr.cNvPr
        c_nv_pr.set("descr", xml_safe(chart.alt_text))
        c_nv_pr.set("title", xml_safe(chart.title))
        return pic

    def _table(self, slide, headers, rows, x, y, w, *, font_pt: float, widths=None):
        """A table whose font shrinks until the estimated height fits above the footer."""
        widths = widths or [w / len(headers)] * len(headers)
        max_h = SLIDE_HEIGHT_IN - 0.85 - y
        size = font_pt
        while size > 8:
            if self._table_height(headers, rows, widths, size) <= max_h:
                break
            size -= 0.5
        shape = slide.shapes.add_table(
            len(rows) + 1,
            len(headers),
            Inches(x),
            Inches(y),
            Inches(w),
            Inches(0.4 * (len(rows) + 1)),
        )
        table = shape.table
        for c, width in enumerate(widths):
            table.columns[c].width = Inches(width)
        for c, text in enumerate(headers):
            _cell(table.cell(0, c), text, size, bold=True, colour=_WHITE)
        for r, row in enumerate(rows, 1):
            for c, text in enumerate(row):
                _cell(table.cell(r, c), text, size)
        return table, size

    def _table_height(self, headers, rows, widths, size) -> float:
        total = 0.0
        for row in [headers, *rows]:
            total += (
                max(_FIT.height(xml_safe(t), size, wd) for t, wd in zip(row, widths, strict=True))
                + 0.05
            )
        return total

    def _labelled_box(self, slide, items, x, y, w, h):
        """Bold labels with their text beneath, sized together to fit ``h``."""
        text = "\n".join(f"{label}\n{value}" for label, value in items)
        size, _ = _FIT.fit(xml_safe(text), w, h, 18, 10, space_after_pt=4)
        box = slide.shapes.add_textbox(Inches(x), Inches(y), Inches(w), Inches(h))
        tf = box.text_frame
        tf.word_wrap = True
        first = True
        for label, value in items:
            for text_, bold, colour in (
                (label, True, _ACCENT),
                (value, False, _DARK),
            ):
                para = tf.paragraphs[0] if first else tf.add_paragraph()
                first = False
                run = para.add_run()
                run.text = xml_safe(text_)
                _font(run.font, size, bold=bold, colour=colour)
                para.space_after = Pt(4 if bold else 8)
        return box

    def _badge(self, slide, text, x, y, w, h, on: bool):
        fill = _ACCENT if on else _PALE
        colour = _WHITE if on else _MUTED
        box = self._box(
            slide,
            text + (" \u2713" if on else ""),
            x,
            y,
            w,
            h,
            12,
            8,
            bold=on,
            colour=colour,
            align=PP_ALIGN.CENTER,
            anchor=MSO_ANCHOR.MIDDLE,
        )
        _solid(box, fill)
        return box

    def _box(
        self,
        slide,
        text,
        x,
        y,
        w,
        h,
        max_pt,
        min_pt,
        *,
        bold=False,
        colour=_DARK,
        align=PP_ALIGN.LEFT,
        anchor=MSO_ANCHOR.TOP,
        space_after=0,
    ):
        box = slide.shapes.add_textbox(Inches(x), Inches(y), Inches(w), Inches(h))
        self._fill(
            box,
            text,
            w,
            h,
            max_pt,
            min_pt,
            bold=bold,
            colour=colour,
            align=align,
            space_after=space_after,
        )
        box.text_frame.vertical_anchor = anchor
        return box

    def _fill(
        self,
        shape,
        text,
        w,
        h,
        max_pt,
        min_pt,
        *,
        bold=False,
        colour=_DARK,
        align=PP_ALIGN.LEFT,
        space_after=0,
    ):
        """Put ``text`` (newlines = paragraphs) into ``shape`` at the size that fits."""
        size, text = _FIT.fit(xml_safe(text), w, h, max_pt, min_pt, bold, space_after)
        tf = shape.text_frame
        tf.clear()
        tf.word_wrap = True
        for side in ("margin_left", "margin_right"):
            setattr(tf, side, Inches(_TextFitter.PAD_X))
        for side in ("margin_top", "margin_bottom"):
            setattr(tf, side, Inches(_TextFitter.PAD_Y))
        for i, line in enumerate(text.split("\n")):
            para = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
            para.alignment = align
            para.space_after = Pt(space_after)
            para.line_spacing = 1.0
            run = para.add_run()
            run.text = line
            _font(run.font, size, bold=bold, colour=colour)

    def _notes(self, slide, texts):
        texts = [xml_safe(t) for t in texts if t]
        if texts:
            slide.notes_slide.notes_text_frame.text = "\n".join(texts)

    def _breadcrumb(self, section_id: str) -> str:
        path = _section_path(self.a, section_id)
        return " \u203a ".join(s.title for s in path)


def _section_path(assessment: Assessment, section_id: str):
    def walk(sections, trail):
        for s in sections:
            if s.id == section_id:
                return [*trail, s]
            found = walk(s.subsections, [*trail, s])
            if found:
                return found
        return None

    return walk(assessment.sections, []) or []


def _place(shape, x, y, w, h):
    shape.left, shape.top, shape.width, shape.height = Inches(x), Inches(y), Inches(w), Inches(h)


def _font(font, size, *, bold=False, colour=_DARK):
    font.name = _FONT
    font.size = Pt(size)
    font.bold = bold
    font.color.rgb = colour


def _solid(shape, colour: RGBColor, line: RGBColor | None = None):
    shape.fill.solid()
    shape.fill.fore_color.rgb = colour
    if line is None:
        shape.line.fill.background()
    else:
        shape.line.color.rgb = line
        shape.line.width = Pt(0.75)


def _cell(cell, text: str, size: float, *, bold: bool = False, colour: RGBColor = _DARK):
    tf = cell.text_frame
    tf.clear()
    tf.word_wrap = True
    cell.margin_left = cell.margin_right = Inches(_TextFitter.PAD_X)
    cell.margin_top = cell.margin_bottom = Inches(_TextFitter.PAD_Y)
    run = tf.paragraphs[0].add_run()
    run.text = xml_safe(text)
    _font(run.font, size, bold=bold, colour=colour)


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def _png_size(png: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as img:
        return img.size

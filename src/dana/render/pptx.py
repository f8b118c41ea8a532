"""Render an assessment as a slide pack (python-pptx), like Cambridgeshire & Peterborough's.

The pack follows :func:`dana.render.slides.slide_plan`, so the Word and PDF reports can
cite "slide N" for each finding: a title slide, an "about" slide, for each section a
divider, its section-wide charts, then ONE SLIDE PER KEY INDICATOR (its first chart, or a
compare table; the value with its confidence interval; the comparison in words, symbol
and colour; its findings; a source and period footnote) and a slide for each of its
further charts, display tables, recommendation cards in
Coventry's layout, data gaps, sources and the licence.

Text stays on the slide: the plan measured it and flowed what does not fit on to
"(continued)" slides. Charts are the build's shared pictures, with their figure numbers
in the footnote. Nothing here computes a statistic.
"""

from __future__ import annotations

import os
from pathlib import Path

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Inches

from dana.assess.model import OUTCOME_AREA_NAMES, TIMESCALE_NAMES, Assessment, Chart, Figure
from dana.formatting import MISSING, format_level, format_unit
from dana.render.chart_data import caption
from dana.render.chart_pictures import ChartCache, pictures_for
from dana.render.content import (
    SYNTHETIC_NOTICE,
    key_figure_row,
    section_trail,
    table_footnote,
    xml_safe,
)
from dana.render.figure_text import (
    comparison_badge,
    comparison_badges,
    comparison_words,
    england_benchmark,
    format_benchmark_value,
    format_interval,
    value_with_unit,
)
from dana.render.outline import numbering
from dana.render.pptx_shapes import (
    ACCENT,
    DARK,
    MUTED,
    RED,
    WHITE,
    badge,
    box,
    fill_frame,
    fitted,
    picture,
    place,
    rgb,
    solid,
    table,
    table_height,
)
from dana.render.slides import (
    CARD_BOX,
    CONTENT_WIDTH,
    CONTINUED_BOX,
    DIVIDER_BOX,
    FIGURE_FINDINGS_BOX,
    MARGIN,
    SLIDE_HEIGHT_IN,
    SLIDE_WIDTH_IN,
    Slide,
    evidence_slides,
    recommendation_evidence,
    slide_plan,
)
from dana.render.style import comparison_colour, comparison_text, text_colour_on
from dana.render.writing import atomic_write, output_path
from dana.vocabulary import NOT_COMPARED

__all__ = ["render_pptx"]

_LAYOUT_TITLE, _LAYOUT_TITLE_ONLY = 0, 5
_CHART_X, _CHART_W, _RIGHT_X = MARGIN, 7.8, MARGIN + 8.1
_RIGHT_W = SLIDE_WIDTH_IN - MARGIN - _RIGHT_X


def render_pptx(
    assessment: Assessment, path: str | os.PathLike, *, charts: ChartCache | None = None
) -> Path:
    """Write ``assessment`` to ``path`` as a .pptx slide pack and return the path.

    ``charts`` is the build's picture cache, shared with the other formats. Written to
    a temporary file in the same folder and renamed into place, so a failure never
    leaves a half-written pack.
    """
    output_path(path)
    pictures = pictures_for(assessment, charts, "png")
    prs = _PptxBuilder(assessment, pictures).build()
    return atomic_write(path, lambda tmp: prs.save(str(tmp)))


class _PptxBuilder:
    def __init__(self, assessment: Assessment, pictures: ChartCache):
        self.a = assessment
        self.pictures = pictures
        self.prs = Presentation()
        self.prs.slide_width = Inches(SLIDE_WIDTH_IN)
        self.prs.slide_height = Inches(SLIDE_HEIGHT_IN)
        self.plan = slide_plan(assessment)
        self.evidence = evidence_slides(assessment, self.plan)
        self.numbers = numbering(assessment)

    def build(self):
        props = self.prs.core_properties
        props.title = xml_safe(self.a.title)
        props.subject = (
            f"Drug and alcohol needs assessment slide pack: {xml_safe(self.a.area.name)}"
        )
        props.author = (
            xml_safe(self.a.author) or "DANA (Drugs and Alcohol Needs Assessment toolkit)"
        )
        props.language = "en-GB"
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
        place(title, MARGIN, 1.6, CONTENT_WIDTH, 1.8)
        fill_frame(
            title,
            self.a.title,
            fitted(self.a.title, CONTENT_WIDTH, 1.8, 40, 24, bold=True),
            bold=True,
        )
        place(subtitle, MARGIN, 3.5, CONTENT_WIDTH, 1.4)
        by = f" by {self.a.author}" if self.a.author else ""
        lines = f"{self.a.area.name}\nPeriod: {self.a.period}\nProduced {self.a.generated}{by} with DANA"
        fill_frame(subtitle, lines, fitted(lines, CONTENT_WIDTH, 1.4, 20, 12), colour=MUTED)
        if self.a.synthetic:
            notice = box(
                slide,
                SYNTHETIC_NOTICE,
                MARGIN,
                5.3,
                CONTENT_WIDTH,
                0.9,
                16,
                10,
                bold=True,
                colour=RED,
            )
            solid(notice, RGBColor(0xFD, 0xEC, 0xEA))

    def _slide_about(self, spec: Slide, number: int):
        slide = self._content_slide(spec.title, number)
        self._page_box(slide, spec, MARGIN, 1.5, CONTINUED_BOX, space_after=8)

    def _slide_text(self, spec: Slide, number: int):
        kicker = section_trail(self.a, spec.section.id) if spec.section else ""
        slide = self._content_slide(spec.numbered_title(), number, kicker=kicker)
        if spec.items:  # a recommendation card continued
            self._page_box(slide, spec, MARGIN, 1.5, CARD_BOX, space_after=6, labels=True)
        else:
            self._page_box(slide, spec, MARGIN, 1.5, CONTINUED_BOX, space_after=6)

    def _slide_licence(self, spec: Slide, number: int):
        slide = self._content_slide(spec.title, number)
        self._page_box(slide, spec, MARGIN, 1.5, CONTINUED_BOX, space_after=8)

    def _slide_divider(self, spec: Slide, number: int):
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[_LAYOUT_TITLE_ONLY])
        band = slide.shapes.add_shape(
            MSO_SHAPE.RECTANGLE, 0, 0, Inches(0.25), self.prs.slide_height
        )
        solid(band, ACCENT)
        title = slide.shapes.title
        width = CONTENT_WIDTH - 0.2
        place(title, MARGIN + 0.2, 1.6, width, 1.6)
        size = fitted(spec.title, width, 1.6, 36 if spec.depth == 0 else 30, 20, bold=True)
        fill_frame(title, spec.title, size, bold=True, colour=ACCENT)
        if spec.page and spec.page.paragraphs:
            self._page_box(slide, spec, MARGIN + 0.2, 3.3, DIVIDER_BOX, space_after=6, colour=MUTED)
        self._furniture(slide, number)

    def _slide_figure(self, spec: Slide, number: int):
        fig = spec.figure
        slide = self._content_slide(fig.name, number, kicker=section_trail(self.a, spec.section.id))
        if spec.chart is not None:
            box(
                slide,
                f"Figure {self.numbers.figure(spec.chart)}: {spec.chart.title}",
                _CHART_X,
                1.45,
                _CHART_W,
                0.5,
                13,
                9,
                bold=True,
            )
            self._picture(slide, spec.chart, _CHART_X, 1.95, _CHART_W, 4.7)
        else:
            self._compare_table(slide, fig, _CHART_X, 1.6, _CHART_W)
        self._value_panel(slide, fig, _RIGHT_X, 1.45, _RIGHT_W)
        if spec.page and spec.page.paragraphs:
            self._page_box(slide, spec, _RIGHT_X, 4.25, FIGURE_FINDINGS_BOX, space_after=6)
        self._notes(
            slide,
            [
                *(spec.page.paragraphs if spec.page else ()),
                *([spec.chart.alt_text] if spec.chart else []),
            ],
        )
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
        title = f"Figure {self.numbers.figure(chart)}: {chart.title}"
        slide = self._content_slide(title, number, kicker=section_trail(self.a, spec.section.id))
        self._picture(slide, chart, MARGIN, 1.5, CONTENT_WIDTH, 5.15)
        self._notes(slide, [chart.alt_text])
        self._footer(slide, caption(chart))

    def _slide_table(self, spec: Slide, number: int):
        title = f"Table {self.numbers.table(spec.table)}: {spec.numbered_title()}"
        slide = self._content_slide(title, number, kicker=section_trail(self.a, spec.section.id))
        table(slide, spec.headers, spec.rows, MARGIN, 1.6, spec.widths, spec.font_pt)
        self._footer(slide, table_footnote(spec.table))

    def _slide_rec_list(self, spec: Slide, number: int):
        slide = self._content_slide(spec.numbered_title(), number)
        table(slide, spec.headers, spec.rows, MARGIN, 1.6, spec.widths, spec.font_pt)
        self._footer(slide, "Each recommendation has its own slide that follows.")

    def _slide_gaps(self, spec: Slide, number: int):
        slide = self._content_slide(spec.numbered_title(), number)
        table(slide, spec.headers, spec.rows, MARGIN, 1.6, spec.widths, spec.font_pt)

    def _slide_sources(self, spec: Slide, number: int):
        slide = self._content_slide(spec.numbered_title(), number)
        table(slide, spec.headers, spec.rows, MARGIN, 1.6, spec.widths, spec.font_pt)
        note = f"Every figure: {spec.note}. " if spec.note else ""
        self._footer(slide, note + "Licences and attributions are on the last slide.")

    def _slide_rec(self, spec: Slide, number: int):
        rec = spec.items[0]
        slide = self._content_slide(spec.title, number)
        # Left column: Coventry's "icons" as labelled badges, the chosen ones filled.
        x, y, w = MARGIN, 1.6, 3.4
        box(slide, "AREA", x, y, w, 0.35, 11, 9, bold=True, colour=MUTED)
        for i, (key, label) in enumerate((("cyp", "C&YP"), ("adult", "ADULT"))):
            badge(slide, label, x + i * 1.75, y + 0.4, 1.6, 0.45, rec.population in (key, "both"))
        y += 1.05
        box(slide, "OUTCOME FRAMEWORK AREA", x, y, w, 0.35, 11, 9, bold=True, colour=MUTED)
        for i, area in enumerate(OUTCOME_AREA_NAMES):
            badge(
                slide,
                area,
                x + (i % 2) * 1.75,
                y + 0.4 + (i // 2) * 0.55,
                1.6,
                0.45,
                area in rec.outcome_areas,
            )
        y += 0.4 + 3 * 0.55 + 0.15
        box(slide, "TIMESCALE", x, y, w, 0.35, 11, 9, bold=True, colour=MUTED)
        box(slide, TIMESCALE_NAMES.get(rec.timescale, rec.timescale), x, y + 0.35, w, 0.5, 13, 9)
        self._page_box(slide, spec, MARGIN + 3.7, 1.5, CARD_BOX, space_after=6, labels=True)
        footer = [f"Theme: {rec.theme}"] if rec.theme else []
        if rec.outcome_areas:
            footer.append(
                "Outcome areas: "
                + "; ".join(OUTCOME_AREA_NAMES.get(a, a) for a in rec.outcome_areas)
            )
        evidence = recommendation_evidence(rec, self.evidence)
        if evidence:
            footer.append(f"Evidence: {evidence}")
        self._footer(slide, ". ".join(footer))

    # --- slide parts --------------------------------------------------------------------------

    def _page_box(
        self, slide, spec: Slide, x, y, geometry, *, space_after=0.0, colour=DARK, labels=False
    ):
        """The slide's share of a flowed text, at the size the plan found it fits."""
        width, height, _, _ = geometry
        page = spec.page
        return box(
            slide,
            page.text,
            x,
            y,
            width,
            height,
            page.size,
            page.size,
            colour=colour,
            space_after=space_after,
            size=page.size,
            labels=labels,
        )

    def _content_slide(self, title: str, number: int, *, kicker: str = ""):
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[_LAYOUT_TITLE_ONLY])
        if kicker:
            box(slide, kicker, MARGIN, 0.25, CONTENT_WIDTH - 2.3, 0.35, 12, 8, colour=MUTED)
        place(slide.shapes.title, MARGIN, 0.6, CONTENT_WIDTH, 0.85)
        fill_frame(
            slide.shapes.title,
            title,
            fitted(title, CONTENT_WIDTH, 0.85, 28, 14, bold=True),
            bold=True,
        )
        slide.shapes.title.text_frame.vertical_anchor = MSO_ANCHOR.TOP
        self._furniture(slide, number)
        return slide

    def _furniture(self, slide, number: int):
        """The slide number, and the SYNTHETIC DATA tag when the figures are synthetic."""
        box(
            slide,
            f"{number}",
            SLIDE_WIDTH_IN - 1.1,
            SLIDE_HEIGHT_IN - 0.5,
            0.7,
            0.35,
            11,
            9,
            colour=MUTED,
            align=PP_ALIGN.RIGHT,
        )
        if self.a.synthetic:
            tag = box(
                slide,
                "SYNTHETIC DATA",
                SLIDE_WIDTH_IN - 2.6,
                0.2,
                2.1,
                0.35,
                11,
                9,
                bold=True,
                colour=WHITE,
                align=PP_ALIGN.CENTER,
            )
            solid(tag, RED)

    def _footer(self, slide, text: str):
        """The footnote: source, period, method, notes."""
        if text:
            box(
                slide,
                text,
                MARGIN,
                SLIDE_HEIGHT_IN - 0.78,
                CONTENT_WIDTH - 1.0,
                0.68,
                10,
                7,
                colour=MUTED,
            )

    def _value_panel(self, slide, fig: Figure, x: float, y: float, w: float):
        box(slide, value_with_unit(fig), x, y, w, 0.7, 30, 16, bold=True)
        interval = format_interval(fig)
        if fig.suppressed:
            sub = "Suppressed: too few events to publish"
        elif interval == MISSING:
            sub = fig.value_note or "No confidence interval"
        else:
            sub = f"{format_level(fig.confidence)} CI {interval}"
        box(slide, f"{sub}. {fig.period}", x, y + 0.7, w, 0.5, 13, 9, colour=MUTED)
        bench = england_benchmark(fig)
        key = bench.comparison if bench else NOT_COMPARED
        level = bench.confidence if bench else 0.95
        text = comparison_badge(fig, bench) if bench else comparison_text(NOT_COMPARED)
        fill = comparison_colour(key, level)
        shape = box(
            slide,
            text,
            x,
            y + 1.25,
            w,
            0.55,
            14,
            9,
            bold=True,
            colour=rgb(text_colour_on(fill)),
            anchor=MSO_ANCHOR.MIDDLE,
        )
        solid(shape, rgb(fill), line=DARK)
        others = [b for b in fig.benchmarks if b is not bench]
        extra = comparison_badges(fig, others)
        extra.append(f"Recent trend: {fig.trend}")
        if fig.rank is not None:
            extra.append(
                f"Rank {fig.rank} of {fig.rank_of} among {self.a.area.name} and comparators (1 = lowest)"
            )
        box(slide, "\n".join(extra), x, y + 1.85, w, 0.95, 12, 8, colour=MUTED)

    def _compare_table(self, slide, fig: Figure, x: float, y: float, w: float):
        row = key_figure_row(fig)
        rows = [[self.a.area.name, row.value, row.interval, "\u2014"]]
        fills = {}
        for r, b in enumerate(fig.benchmarks, 2):
            rows.append(
                [
                    b.benchmark_name,
                    _with_unit(format_benchmark_value(fig, b), fig),
                    "",
                    comparison_words(b),
                ]
            )
            fills[(r, 3)] = comparison_colour(b.comparison, b.confidence)
        headers = ["Area", "Value", f"{format_level(fig.confidence)} CI", "Comparison"]
        widths = (2.3, 2.1, 1.5, w - 5.9)
        size = 16
        while size > 10 and y + table_height(headers, rows, widths, size) > 6.1:
            size -= 0.5
        table(slide, headers, rows, x, y, widths, size, fills=fills)
        below = y + table_height(headers, rows, widths, size) + 0.15
        note = "No chart for this indicator: the table compares the value with each benchmark."
        box(slide, note, x, below, w, 0.4, 11, 9, colour=MUTED)

    def _picture(self, slide, chart: Chart, x, y, w, h):
        shown = self.pictures.png(chart)
        return picture(
            slide,
            shown.png,
            (shown.width_in, shown.height_in),
            x,
            y,
            w,
            h,
            alt=chart.alt_text,
            title=chart.title,
        )

    def _notes(self, slide, texts):
        texts = [xml_safe(t) for t in texts if t]
        if texts:
            slide.notes_slide.notes_text_frame.text = "\n".join(texts)


def _with_unit(text: str, fig: Figure) -> str:
    return format_unit(text, fig.unit)

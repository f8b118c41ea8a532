"""Render an assessment as a slide pack (python-pptx), like Cambridgeshire & Peterborough's.

The pack follows :func:`dana.render.slides.slide_plan`, so the Word and PDF reports can
cite "slide N" for each finding: a title slide, an "about" slide, then each section as
slides of two panels (its key figures, with the comparison in words, symbol and colour,
beside the small-multiples chart of their trends; its other charts and tables two to a
slide; its summary in a strip above and its findings in the speaker notes),
recommendation cards in Coventry's layout, data gaps, and the sources and licence.

Text stays on the slide: the plan measured it and flowed what does not fit on to
"(continued)" panels and slides. Charts are the build's shared pictures, with their
figure numbers in their captions. Nothing here computes a statistic.
"""

from __future__ import annotations

import os
from pathlib import Path

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Inches

from dana.assess.model import OUTCOME_AREA_NAMES, TIMESCALE_NAMES, Assessment, Chart
from dana.render.chart_pictures import ChartCache, pictures_for
from dana.render.content import SYNTHETIC_NOTICE, section_trail, xml_safe
from dana.render.outline import numbering
from dana.render.pptx_shapes import (
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
    solid,
    table,
)
from dana.render.slide_panels import (
    BODY_BOTTOM,
    BODY_TOP,
    CONTENT_WIDTH,
    GAP,
    HALF_WIDTH,
    MARGIN,
    SLIDE_HEIGHT_IN,
    SLIDE_WIDTH_IN,
    STRIP,
    caption_height,
)
from dana.render.slide_text import fit_size, text_height
from dana.render.slides import (
    CARD_BOX,
    CONTINUED_BOX,
    Slide,
    evidence_slides,
    recommendation_evidence,
    slide_charts,
    slide_plan,
)
from dana.render.writing import atomic_write, output_path

__all__ = ["render_pptx"]

_LAYOUT_TITLE, _LAYOUT_TITLE_ONLY = 0, 5


def render_pptx(
    assessment: Assessment, path: str | os.PathLike, *, charts: ChartCache | None = None
) -> Path:
    """Write ``assessment`` to ``path`` as a .pptx slide pack and return the path.

    ``charts`` is the build's picture cache, shared with the other formats. Written to
    a temporary file in the same folder and renamed into place, so a failure never
    leaves a half-written pack.
    """
    output_path(path)
    pictures = pictures_for(assessment, charts, "png", slide_charts(assessment))
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

    def _slide_section(self, spec: Slide, number: int):
        section = spec.section
        trail = section_trail(self.a, section.id)
        kicker = trail.rsplit(" \u203a ", 1)[0] if " \u203a " in trail else ""
        slide = self._content_slide(spec.numbered_title(), number, kicker=kicker)
        top = BODY_TOP
        if spec.strip is not None:
            height = text_height(spec.strip.text, spec.strip.size, STRIP[0])
            box(slide, spec.strip.text, MARGIN, top, STRIP[0], height, spec.strip.size, spec.strip.size, colour=MUTED)  # fmt: skip
            top += height + 0.1
        if len(spec.panels) == 1:
            places = [(MARGIN, CONTENT_WIDTH)]
        else:
            places = [(MARGIN, HALF_WIDTH), (MARGIN + HALF_WIDTH + GAP, HALF_WIDTH)]
        notes, footer = [], []
        sources = {f.source.strip() for f in spec.figures if f.source}
        for panel, (x, width) in zip(spec.panels, places, strict=True):
            getattr(self, f"_panel_{panel.kind}")(slide, panel, x, top, width, BODY_BOTTOM - top)
            shown = panel.chart or panel.table
            if shown is None:
                continue
            if shown.source:
                sources.add(shown.source.strip())
            if panel.chart is not None:
                label = f"Figure {self.numbers.figure(shown)}"
                notes.append(f"{label}: {shown.alt_text}")
                about = " ".join(
                    x
                    for x in (f"Unit: {shown.unit}." if shown.unit else "", shown.notes.strip())
                    if x
                )
            else:
                label, about = f"Table {self.numbers.table(shown)}", shown.notes.strip()
            if about:
                footer.append(f"{label}: {about}")
        for finding in section.findings:
            if any(f.indicator_id in finding.indicator_ids for f in spec.figures):
                notes.append(finding.text)
        if sources:
            footer.insert(0, "Source: " + "; ".join(sorted(sources)) + ".")
        self._notes(slide, notes)
        self._footer(slide, " ".join(t for t in footer if t.strip()), notes_too=True)

    def _panel_figures(self, slide, panel, x, y, width, height):
        widths = panel.widths(width)
        fills = dict(panel.fills)
        table(slide, panel.headers, panel.rows, x, y, widths, panel.font_pt, fills=fills)

    def _panel_table(self, slide, panel, x, y, width, height):
        title = f"Table {self.numbers.table(panel.table)}: {panel.table.title}"
        if panel.parts > 1:
            title += f" ({panel.part} of {panel.parts})"
        size, used = caption_height(title, width)
        box(slide, title, x, y, width, used, size, size, bold=True)
        table(slide, panel.headers, panel.rows, x, y + used, panel.widths(width), panel.font_pt)

    def _panel_text(self, slide, panel, x, y, width, height):
        page = panel.page
        box(slide, page.text, x, y, width, height, page.size, page.size, space_after=6, size=page.size)  # fmt: skip

    def _panel_chart(self, slide, panel, x, y, width, height):
        chart = panel.chart
        title = f"Figure {self.numbers.figure(chart)}: {chart.title}"
        size, used = caption_height(title, width)
        box(slide, title, x, y, width, used, size, size, bold=True)
        self._picture(slide, chart, x, y + used + 0.05, width, height - used - 0.05)

    def _slide_rec_list(self, spec: Slide, number: int):
        slide = self._content_slide(spec.numbered_title(), number)
        table(slide, spec.headers, spec.rows, MARGIN, 1.6, spec.widths, spec.font_pt)
        self._footer(slide, "Each recommendation has its own slide that follows.")

    def _slide_gaps(self, spec: Slide, number: int):
        slide = self._content_slide(spec.numbered_title(), number)
        table(slide, spec.headers, spec.rows, MARGIN, 1.6, spec.widths, spec.font_pt)

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

    def _footer(self, slide, text: str, *, notes_too: bool = False):
        """The footnote: sources, units and notes of what the slide shows. Text too long
        for the footer at its smallest size goes to the speaker notes instead (with
        ``notes_too``), so nothing is cut off."""
        if not text:
            return
        if notes_too and fit_size(text, CONTENT_WIDTH - 1.0, 0.68, 10, 7) is None:
            notes = slide.notes_slide.notes_text_frame
            notes.text = (notes.text + "\n" if notes.text else "") + xml_safe(text)
            text = "Sources, units and notes for this slide are in its speaker notes."
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

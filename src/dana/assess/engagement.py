"""The engagement evidence section: who took part, the service-user journey, themes.

Mirrors the Cambridgeshire & Peterborough qualitative findings (TONIC report):
participants by group and method; satisfaction at each stage of the journey
(referral -> assessment -> treatment -> step-down) by area; themes with quotes; and
the caveat on who is missing. Satisfaction percentages carry Wilson 95% limits from
``dana.stats.proportion``; stages with fewer responses than ``min_responses`` are shown
as "*" (a percentage of a handful of people is neither reliable nor safe to publish).
Every quote and summary passes through :func:`dana.assess.redact.redact` first.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dana import stats
from dana.assess.model import Chart, Finding, Section, Table
from dana.assess.redact import redact
from dana.sources.engagement import JOURNEY_STAGES, EngagementInputs

_STAGE_NAMES = {
    "referral": "Referral",
    "assessment": "Assessment",
    "treatment": "Treatment",
    "step-down": "Step-down support",
}


def _pct(value: float) -> str:
    return f"{value:.0f}%"


def _journey_results(journey: pd.DataFrame, min_responses: int) -> pd.DataFrame:
    result = stats.proportion("satisfied", "responses", data=journey, multiplier=100)
    result["stage_order"] = result["stage"].map({s: i for i, s in enumerate(JOURNEY_STAGES)})
    result["suppressed"] = result["denominator"] < min_responses
    for col in ("value", "lower_95", "upper_95"):
        result.loc[result["suppressed"], col] = np.nan
    return result.sort_values(["area", "stage_order"]).reset_index(drop=True)


def _journey_findings(results: pd.DataFrame) -> list[Finding]:
    findings = []
    for area, rows in results.groupby("area", sort=False):
        shown = rows[~rows["suppressed"]]
        if shown.empty:
            continue
        parts = [
            f"{_STAGE_NAMES[r.stage].lower()} {_pct(r.value)} "
            f"(95% CI {_pct(r.lower_95)} to {_pct(r.upper_95)}, {int(r.denominator)} responses)"
            for r in shown.itertuples()
        ]
        text = (
            f"Service users in {area} who answered reported satisfaction with "
            + "; ".join(parts)
            + "."
        )
        lowest = shown.loc[shown["value"].idxmin()]
        others = shown.drop(index=lowest.name)
        if not others.empty:
            clearly_lower = (lowest["upper_95"] < others["lower_95"]).all()
            stage = _STAGE_NAMES[lowest["stage"]].lower()
            if clearly_lower:
                text += f" Satisfaction was lowest at {stage}, and its interval lies wholly below every other stage's."
            else:
                text += (
                    f" The lowest figure was at {stage}, but the intervals overlap, so the "
                    "difference between stages may be chance."
                )
        slug = "".join(ch if ch.isalnum() else "_" for ch in area.lower()).strip("_")
        findings.append(Finding(id=f"engagement.journey.{slug}", text=text, kind="engagement"))
    suppressed = results[results["suppressed"]]
    if not suppressed.empty:
        findings.append(
            Finding(
                id="engagement.journey.suppressed",
                text=(
                    f"{len(suppressed)} stage/area result(s) had too few responses to report "
                    "and are shown as *."
                ),
                kind="engagement",
            )
        )
    return findings


def build_engagement_section(
    inputs: EngagementInputs, *, min_responses: int = 5, section_id: str = "engagement"
) -> Section:
    """Build the engagement section from the team's inputs (see dana.sources.engagement)."""
    findings: list[Finding] = []
    tables: list[Table] = []
    charts: list[Chart] = []
    source = inputs.source + (" (synthetic example)" if inputs.synthetic else "")

    if inputs.participants is not None and not inputs.participants.empty:
        participants = inputs.participants
        total = int(participants["participants"].sum())
        by_group = participants.groupby("group", sort=False)["participants"].sum()
        described = ", ".join(f"{g.lower()} {int(n):,}" for g, n in by_group.items())
        findings.append(
            Finding(
                id="engagement.participants",
                text=(
                    f"There were {total:,} contributions to the engagement work ({described}); "
                    "some people may have taken part in more than one way."
                ),
                kind="engagement",
            )
        )
        tables.append(
            Table(
                id="engagement.participants",
                title="Who took part",
                data=participants.rename(
                    columns={"group": "Group", "method": "Method", "participants": "Participants"}
                ),
                source=source,
            )
        )

    if inputs.journey is not None and not inputs.journey.empty:
        results = _journey_results(inputs.journey, min_responses)
        findings.extend(_journey_findings(results))
        display = pd.DataFrame(
            {
                "Area": results["area"],
                "Stage": results["stage"].map(_STAGE_NAMES),
                "Responses": results["denominator"].astype(int),
                "Satisfied (%)": [
                    "*" if s else f"{v:.0f}"
                    for s, v in zip(results["suppressed"], results["value"], strict=True)
                ],
                "95% CI": [
                    "*" if s else f"{lo:.0f} to {hi:.0f}"
                    for s, lo, hi in zip(
                        results["suppressed"], results["lower_95"], results["upper_95"], strict=True
                    )
                ],
            }
        )
        tables.append(
            Table(
                id="engagement.journey",
                title="Satisfaction at each stage of the service-user journey",
                data=display,
                notes=(
                    f"Wilson score 95% confidence intervals. Results from fewer than {min_responses} "
                    "responses are shown as *."
                ),
                source=source,
            )
        )
        shown = results[~results["suppressed"]]
        for area, rows in shown.groupby("area", sort=False):
            chart_data = pd.DataFrame(
                {
                    "area_name": rows["stage"].map(_STAGE_NAMES).to_numpy(),
                    "value": rows["value"].to_numpy(),
                    "lower": rows["lower_95"].to_numpy(),
                    "upper": rows["upper_95"].to_numpy(),
                    "comparison": "not_compared",
                    "is_subject": False,
                }
            )
            described = "; ".join(
                f"{a}: {v:.0f}%"
                for a, v in zip(chart_data["area_name"], chart_data["value"], strict=True)
            )
            slug = "".join(ch if ch.isalnum() else "_" for ch in area.lower()).strip("_")
            charts.append(
                Chart(
                    id=f"engagement.journey.{slug}",
                    kind="compare_bar",
                    title=f"Service users satisfied at each stage of the journey, {area}",
                    alt_text=f"Bar chart of the percentage of service users satisfied in {area} by stage: {described}.",
                    data=chart_data,
                    unit="%",
                    notes="Bars show the percentage satisfied; lines show Wilson 95% confidence intervals.",
                    source=source,
                )
            )

    for position, theme in enumerate(inputs.themes, start=1):
        quotes = [redact(q, known_names=inputs.known_names) for q in theme.quotes]
        text = redact(theme.summary, known_names=inputs.known_names)
        if theme.mentions is not None:
            text += f" (raised by {theme.mentions:,} participants)"
        if quotes:
            text += " " + " ".join(f"\u201c{q}\u201d" for q in quotes)
        findings.append(
            Finding(
                id=f"engagement.theme.{position}", text=f"{theme.theme}: {text}", kind="engagement"
            )
        )

    summary_parts = [
        "What professionals, people with lived experience and family members told the "
        "assessment team. Quotes have had names and contact details removed."
    ]
    if inputs.caveats:
        summary_parts.append(redact(inputs.caveats, known_names=inputs.known_names))
    if inputs.is_empty:
        summary_parts = ["No engagement evidence was supplied for this assessment."]
    return Section(
        id=section_id,
        title="Engagement: what people told us",
        summary=" ".join(summary_parts),
        findings=tuple(findings),
        charts=tuple(charts),
        tables=tuple(tables),
    )

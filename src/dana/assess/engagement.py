"""The engagement evidence section: who took part, the service-user journey, themes.

Mirrors the Cambridgeshire & Peterborough qualitative findings (TONIC report):
participants by group and method; satisfaction at each stage of the journey
(referral -> assessment -> treatment -> step-down) by area; themes with quotes; and
the caveat on who is missing. Satisfaction percentages carry Wilson 95% limits from
``dana.stats.proportion``.

Disclosure control (the report's rule, :func:`dana.stats.suppress`) applies to every
count of people here, as to the indicators:

* **Participants.** Each group x method count, each group's total and the overall
  total (all printed) are additive groups: a small count is withheld, and secondary
  suppression hides a further one wherever it could be worked out from a total.
* **Journey.** A stage's responses are the satisfied plus the not satisfied: a stage
  is withheld (its percentage and interval) when either is a count the rule hides, or
  when it has fewer than ``min_responses`` responses ("17% of 6" would reveal 1); a
  number of responses the rule hides is withheld too.
* **Mentions.** "Raised by 3 participants" is a count: a theme's number of mentions
  the rule hides is not printed.

Every free-text field passes through one redaction pass first
(:func:`dana.assess.redact_evidence.redact_engagement`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dana import stats
from dana.assess.config import SuppressionConfig
from dana.assess.model import Chart, Finding, Section, Table
from dana.assess.redact_evidence import redact_engagement
from dana.formatting import SUPPRESSED
from dana.sources.engagement import JOURNEY_STAGES, EngagementInputs

_STAGE_NAMES = {
    "referral": "Referral",
    "assessment": "Assessment",
    "treatment": "Treatment",
    "step-down": "Step-down support",
}
_ALL = "All"
#: The rule when none is given: NDTMS, as in every report by default.
DEFAULT_RULE = SuppressionConfig()


def _pct(value: float) -> str:
    return f"{value:.0f}%"


def _hidden_by(arguments, counts) -> np.ndarray:
    """Counts the rule hides (primary suppression only), as a boolean array."""
    counts = np.asarray(counts, dtype=float)
    if arguments is None:
        return np.zeros(len(counts), dtype=bool)
    frame = pd.DataFrame({"count": counts, "_own": np.arange(len(counts))})
    return stats.suppress(frame, "count", by="_own", **arguments)["suppressed"].to_numpy(bool)


def _journey_results(journey: pd.DataFrame, min_responses: int, arguments) -> pd.DataFrame:
    result = stats.proportion("satisfied", "responses", data=journey, multiplier=100)
    result["stage_order"] = result["stage"].map({s: i for i, s in enumerate(JOURNEY_STAGES)})
    satisfied = journey["satisfied"].to_numpy(dtype=float)
    responses = journey["responses"].to_numpy(dtype=float)
    parts = np.concatenate([satisfied, responses - satisfied])
    small_part = _hidden_by(arguments, parts)
    either = small_part[: len(journey)] | small_part[len(journey) :]
    result["responses_hidden"] = _hidden_by(arguments, responses)
    result["suppressed"] = (responses < min_responses) | either | result["responses_hidden"]
    for col in ("value", "lower_95", "upper_95"):
        result.loc[result["suppressed"], col] = np.nan
    return result.sort_values(["area", "stage_order"]).reset_index(drop=True)


def _participants(participants: pd.DataFrame, arguments) -> pd.DataFrame:
    """Cells, group totals and the overall total, with the rule applied across them."""
    cells = participants.loc[:, ["group", "method", "participants"]]
    groups = cells.groupby("group", sort=False)["participants"].sum().reset_index()
    groups["method"] = _ALL
    overall = pd.DataFrame(
        {"group": [_ALL], "method": [_ALL], "participants": [groups["participants"].sum()]}
    )
    frame = pd.concat([cells, groups, overall], ignore_index=True)
    frame["participants"] = frame["participants"].astype(float)
    # a group's cells add up to its total; the group totals add up to the overall total
    frame["_in_group"] = np.where(frame["group"] != _ALL, "g|" + frame["group"], "own")
    frame["_totals"] = np.where(frame["method"] == _ALL, "totals", "c" + frame.index.astype(str))
    if arguments is None:
        frame["suppressed"] = False
        return frame
    return stats.suppress(frame, "participants", by=[["_in_group"], ["_totals"]], **arguments)


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
                    "One result (a stage in one area) had too few responses to report and is "
                    "shown as *."
                    if len(suppressed) == 1
                    else f"{len(suppressed)} results (a stage in one area each) had too few "
                    "responses to report and are shown as *."
                ),
                kind="engagement",
            )
        )
    return findings


def _everyone(participants: pd.DataFrame | None) -> int:
    """How many took part in all (0 when unknown): the base a theme's mentions are of."""
    if participants is None or participants.empty:
        return 0
    return int(pd.to_numeric(participants["participants"], errors="coerce").fillna(0).sum())


def build_engagement_section(
    inputs: EngagementInputs,
    *,
    min_responses: int = 5,
    section_id: str = "engagement",
    suppression: SuppressionConfig | None = DEFAULT_RULE,
    areas: tuple[str, ...] = (),
) -> Section:
    """Build the engagement section from the team's inputs (see dana.sources.engagement).

    ``suppression`` is the report's disclosure rule (default NDTMS; ``None`` for none):
    see the module docstring for what it withholds. ``areas`` names the areas the report
    covers (the assessed area and its comparators): journey rows of other areas (a
    partnership's shared survey) are left out, so one area's satisfaction is never shown as
    another's; with no ``areas``, or when none matches, every row is kept.
    """
    inputs, _dropped = redact_engagement(inputs)
    arguments = None if suppression is None else suppression.suppress_arguments()
    findings: list[Finding] = []
    tables: list[Table] = []
    charts: list[Chart] = []
    source = inputs.source + (" (synthetic example)" if inputs.synthetic else "")

    if inputs.participants is not None and not inputs.participants.empty:
        published = _participants(inputs.participants, arguments)
        findings.append(_participants_finding(published))
        cells = published[published["method"] != _ALL]
        total = published[(published["group"] == _ALL)]
        data = pd.DataFrame(
            {
                "Group": [*cells["group"], "Total"],
                "Method": [*cells["method"], _ALL],
                "Participants": [
                    SUPPRESSED if h else int(v)
                    for h, v in zip(
                        [*cells["suppressed"], *total["suppressed"]],
                        [*cells["participants"].fillna(0), *total["participants"].fillna(0)],
                        strict=True,
                    )
                ],
            }
        )
        tables.append(
            Table(
                id="engagement.participants",
                title="Who took part",
                data=data,
                source=source,
                notes=f"Counts the disclosure rule hides are shown as {SUPPRESSED}.",
                counts=("Participants",),
                total_row="Total",
            )
        )

    journey = inputs.journey
    if journey is not None and areas and journey["area"].isin(areas).any():
        journey = journey[journey["area"].isin(areas)]
    if journey is not None and not journey.empty:
        results = _journey_results(journey, min_responses, arguments)
        findings.extend(_journey_findings(results))
        tables.append(_journey_table(results, min_responses, source))
        charts.extend(_journey_charts(results, source))

    everyone = _everyone(inputs.participants)
    for position, theme in enumerate(inputs.themes, start=1):
        text = theme.summary
        if theme.mentions is not None and not _hidden_by(arguments, [theme.mentions])[0]:
            # a count without its base reads as a size it may not have
            base = f" of the {everyone:,} who took part" if everyone else ""
            text += f" (raised by {theme.mentions:,} participants{base})"
        if theme.quotes:
            text += " " + " ".join(f"\u201c{q}\u201d" for q in theme.quotes)
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
        summary_parts.append(inputs.caveats)
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


def _participants_finding(published: pd.DataFrame) -> Finding:
    overall = published[published["group"] == _ALL].iloc[0]
    groups = published[(published["method"] == _ALL) & (published["group"] != _ALL)]
    described = ", ".join(
        f"{g.lower()} {SUPPRESSED if h else f'{int(n):,}'}"
        for g, n, h in zip(
            groups["group"], groups["participants"], groups["suppressed"], strict=True
        )
    )
    if overall["suppressed"]:
        text = (
            "The number of contributions to the engagement work is too small to publish "
            "(disclosure control)."
        )
    else:
        text = (
            f"There were {int(overall['participants']):,} contributions to the engagement "
            f"work ({described}); some people may have taken part in more than one way."
        )
    if published["suppressed"].any():
        text += f" Numbers shown as {SUPPRESSED} are suppressed to protect small numbers."
    return Finding(id="engagement.participants", text=text, kind="engagement")


def _journey_table(results: pd.DataFrame, min_responses: int, source: str) -> Table:
    hidden = results["suppressed"].to_numpy(dtype=bool)
    responses_hidden = results["responses_hidden"].to_numpy(dtype=bool)

    def withheld(values, mask):
        return [SUPPRESSED if m else float(round(v)) for v, m in zip(values, mask, strict=True)]

    display = pd.DataFrame(
        {
            "Area": results["area"],
            "Stage": results["stage"].map(_STAGE_NAMES),
            "Responses": [
                SUPPRESSED if m else int(v)
                for v, m in zip(results["denominator"], responses_hidden, strict=True)
            ],
            "Satisfied (%)": withheld(results["value"], hidden),
            "Lower 95% CI": withheld(results["lower_95"], hidden),
            "Upper 95% CI": withheld(results["upper_95"], hidden),
        }
    )
    return Table(
        id="engagement.journey",
        title="Satisfaction at each stage of the service-user journey",
        data=display,
        notes=(
            f"Wilson score 95% confidence intervals. Results from fewer than {min_responses} "
            "responses, or where the number satisfied or not satisfied is small enough to "
            f"identify people, are shown as {SUPPRESSED}."
        ),
        source=source,
        counts=("Responses",),
        derived=tuple(
            (column, "Responses") for column in ("Satisfied (%)", "Lower 95% CI", "Upper 95% CI")
        ),
    )


def _journey_charts(results: pd.DataFrame, source: str) -> list[Chart]:
    charts = []
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
                "suppressed": False,
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
                notes="Bars show the percentage satisfied; lines show Wilson 95% confidence "
                "intervals. Stages with too few responses to publish are left out.",
                source=source,
            )
        )
    return charts

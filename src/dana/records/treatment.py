"""NDTMS adult treatment: numbers in treatment, new presentations, completions, exits.

Episodes are joined into **treatment journeys** per client: an episode starting no more
than 21 days after the client's previous episodes ended continues the journey (NDTMS /
NI 40 rule, DEFINITIONS.md s.3.2). With the reporting period P (a financial year):

========================= =================================================================
indicator                 people (adults 18+) counted
========================= =================================================================
in_treatment[_group]      with an episode open at any time in P; the substance group is the
                          NDTMS hierarchy over those episodes: any opiate -> opiate; else
                          non-opiate and alcohol together -> non-opiate and alcohol; else
                          non-opiate only; else alcohol only (DEFINITIONS.md s.3.1)
new_presentations         with a journey starting in P
successful_completion_*   whose latest journey exit in P was a successful completion (and,
                          for opiate clients, not on substitute medication at exit where the
                          extract records it) with no episode starting in the 6 calendar
                          months after it; over those in treatment in the group (PHOF C19)
early_unplanned_exits     new presentations whose journey ended in an unplanned exit
                          within 12 weeks (84 days) of its start; over new presentations
in_treatment_over_6_years whose current journey began more than 6 years before P ended
penetration_*             opiate clients aged 18-64; alcohol clients (alcohol only plus
                          non-opiate and alcohol) aged 18+ - numerators for unmet need
========================= =================================================================

A client's age, sex, ethnicity and residence are those of their latest episode open in P.
Episodes outside P are kept to link journeys and find re-presentations; the run summary
lists them as not in the period.
"""

from __future__ import annotations

import re

import ibis
import ibis.expr.types as ir

from dana.records import reference
from dana.records.common import (
    EXCLUDED,
    REJECTED,
    Staged,
    attach,
    date_field,
    duplicated_keys,
    esp_band,
    ethnic_field,
    first_reason,
    integer_field,
    key,
    residence_field,
)
from dana.records.engines import Engine
from dana.records.extracts import Extract
from dana.records.fields import Field, parse_fields
from dana.records.indicators import indicator_index
from dana.records.parse import text
from dana.records.period import Period

JOURNEY_GAP_DAYS = 21
EARLY_EXIT_DAYS = 84
GROUPS = ("opiate", "non_opiate", "non_opiate_alcohol", "alcohol")
#: Accepted substance-group values (lower case, spaces and hyphens removed) -> group.
_SUBSTANCE = {
    "opiate": "opiate", "opiates": "opiate", "1": "opiate",
    "nonopiateonly": "non_opiate", "nonopiate": "non_opiate", "2": "non_opiate",
    "nonopiateandalcohol": "non_opiate_alcohol", "3": "non_opiate_alcohol",
    "alcoholonly": "alcohol", "alcohol": "alcohol", "4": "alcohol",
}  # fmt: skip
_SEX = {"M": 1, "MALE": 1, "1": 1, "F": 2, "FEMALE": 2, "2": 2}
_FAR = ibis.date(9999, 12, 31)
_NOT_IN_PERIOD = EXCLUDED + "episode not open in the period (used only to link journeys)"


def _days(value: ir.DateValue) -> ir.IntegerValue:
    return value.delta(ibis.date(1900, 1, 1), unit="day").cast("int64")


def _episode_key(t: ir.Table) -> ir.StringValue:
    """``client|episode`` (NULL without an episode id: no duplicate check possible)."""
    client, episode = key(t.client), key(t.episode)
    joined = client.cast("string").concat("|", episode.cast("string"))
    return ibis.ifelse(episode.isnull(), ibis.null("string"), joined)


def _exit_rule():
    exits = reference.discharge_reasons()
    by_code = {c: cat for c, cat in zip(exits["code"], exits["category"], strict=True) if c}
    by_name = {cat.lower(): cat for cat in exits["category"]}

    def rule(value):
        raw = text(value)
        if raw is None:
            return {"exit_category": None}
        return {"exit_category": by_code.get(raw) or by_name.get(raw.lower(), "Not known")}

    return Field("exit_reason", rule, {"exit_category": "string"})


def _substance_rule(value) -> dict[str, object]:
    raw = text(value)
    squeezed = re.sub(r"[\s\-_]", "", raw.lower()) if raw else ""
    return {"group": _SUBSTANCE.get(squeezed), "_group_given": raw is not None}


def stage(engine: Engine, extract: Extract, period: Period, lsoa=None) -> Staged:
    """One row per episode: typed fields, exit reason, residence and ``reason``."""
    t = extract.table
    t = t.mutate(client=key(t.client), episode=key(t.episode), _ep=_episode_key(t))
    raw = extract.fresh()  # the keys alone, read afresh (see Extract.fresh)
    dups = duplicated_keys(raw.select(_ep=_episode_key(raw)), "_ep", engine.name)
    yes = {"Y", "YES", "1", "TRUE"}
    t = parse_fields(
        engine,
        t,
        [
            date_field("start", "_start"),
            date_field("end", "_end"),
            integer_field("age", "_age"),
            Field("substance", _substance_rule, {"group": "string", "_group_given": "bool"}),
            Field(
                "sex", lambda v: {"_sex": _SEX.get((text(v) or "").upper(), 0)}, {"_sex": "int8"}
            ),
            ethnic_field("ethnicity"),
            _exit_rule(),
            Field(
                "osm_at_exit", lambda v: {"osm": (text(v) or "").upper() in yes}, {"osm": "bool"}
            ),
            residence_field("la"),
        ],
    ).table
    t = t.left_join(dups, "_ep").mutate(duplicated=ibis._.duplicated.fill_null(False))
    reason, reasons = first_reason(
        (t.client.isnull(), REJECTED + "client id missing"),
        (t.duplicated, REJECTED + "episode id appears more than once for a client"),
        (t._start_bad, REJECTED + "episode start not a valid date"),
        (t._start.isnull(), REJECTED + "episode start missing"),
        (t._end_bad, REJECTED + "episode end not a valid date"),
        (t._end < t._start, REJECTED + "episode ends before it starts"),
        (t._age_bad | ~t._age.between(0, 150), REJECTED + "age missing or outside 0-150"),
        (~t._group_given, REJECTED + "substance group missing"),
        (t.group.isnull(), REJECTED + "substance group not recognised"),
        (t._age < 18, EXCLUDED + "aged under 18 (young people's treatment)"),
        (~t.la_england, EXCLUDED + "residence outside England or not known"),
        ((t._start > period.end) | (t._end < period.start), _NOT_IN_PERIOD),
    )
    order = [t.client, t._start, t.episode, t._end, t.group, t.exit_category, t.la, t._age]
    seq = ibis.row_number().over(ibis.window(order_by=order)).cast("int64")
    table = t.select(
        "client", "ethnic", "group", "exit_category", "osm", "la_id", "la_status",
        start=t._start, end=t._end, sex=t._sex, age=t._age.cast("int16"),
        lsoa_id=ibis.null("int32"), _seq=seq, reason=reason,
    )  # fmt: skip
    return Staged(table, None, reasons)


def _journeys(history: ir.Table) -> tuple[ir.Table, ir.Table]:
    """Episodes with their journey number, and one row per journey."""
    order = ["start", "_seq"]
    t = history.mutate(end_f=history.end.fill_null(_FAR))
    t = t.mutate(
        ran_to=t.end_f.max().over(ibis.cumulative_window(group_by="client", order_by=order))
    )
    t = t.mutate(before=t.ran_to.lag().over(ibis.window(group_by="client", order_by=order)))
    new = t.before.isnull() | (t.start.delta(t.before, unit="day") > JOURNEY_GAP_DAYS)
    t = t.mutate(_new=new.cast("int64"))
    t = t.mutate(
        journey=t._new.sum().over(ibis.cumulative_window(group_by="client", order_by=order))
    )
    exit_key = _days(t.end_f) * 1_000_000_000 + t._seq
    reasons = reference.discharge_reasons().drop_duplicates("category")
    successful = [c for c, ok in zip(reasons["category"], reasons["successful"], strict=True) if ok]
    unplanned = [c for c, ok in zip(reasons["category"], reasons["unplanned"], strict=True) if ok]
    journeys = t.group_by(["client", "journey"]).aggregate(
        j_start=t.start.min(),
        j_end=t.end_f.max(),
        exit_category=t.exit_category.argmax(exit_key),
        exit_osm=t.osm.argmax(exit_key),
    )
    journeys = journeys.mutate(
        closed=journeys.j_end != _FAR,
        successful=journeys.exit_category.isin(successful),
        unplanned=journeys.exit_category.isin(unplanned),
    )
    return t, journeys


def count(
    engine: Engine, extract: Extract, staged: ir.Table, staging: Staged, period: Period
) -> ir.Table:
    """Events of every treatment indicator (one row per client and indicator)."""
    period_start, period_end = period.start, period.end
    not_in_period = staging.reasons.index(_NOT_IN_PERIOD)
    history = staged.filter(staged.reason.isnull() | (staged.reason == not_in_period))
    episodes, journeys = _journeys(history)
    episodes = engine.materialise(episodes, "journey_episodes")
    journeys = engine.materialise(journeys, "journeys")
    open_in = episodes.filter(episodes.reason.isnull())
    latest = _days(open_in.start) * 1_000_000_000 + open_in._seq
    people = open_in.group_by("client").aggregate(
        **{c: open_in[c].argmax(latest) for c in ("age", "sex", "ethnic", "la_id", "lsoa_id", "journey")},
        opiate=(open_in.group == "opiate").max(),
        non_opiate=open_in.group.isin(["non_opiate", "non_opiate_alcohol"]).max(),
        alcohol=open_in.group.isin(["alcohol", "non_opiate_alcohol"]).max(),
    )  # fmt: skip
    people = people.mutate(
        group=ibis.cases(
            (people.opiate, "opiate"),
            (people.non_opiate & people.alcohol, "non_opiate_alcohol"),
            (people.non_opiate, "non_opiate"),
            else_="alcohol",
        )
    )
    current = journeys.select("client", "journey", current_start="j_start")
    people = attach(people, current, ["client", "journey"])
    in_p = journeys.j_start.between(period_start, period_end)
    new = journeys.filter(in_p).group_by("client").aggregate(
        new_presentation=ibis.literal(True),
        early_exit=(journeys.closed & journeys.unplanned & (journeys.j_end.delta(journeys.j_start, unit="day") <= EARLY_EXIT_DAYS)).max(),
    )  # fmt: skip
    exits = journeys.filter(journeys.closed & journeys.j_end.between(period_start, period_end))
    exit_key = _days(exits.j_end) * 1_000_000_000 + exits.journey
    last_exit = exits.group_by("client").aggregate(
        exit_date=exits.j_end.argmax(exit_key),
        exit_successful=exits.successful.argmax(exit_key),
        exit_osm=exits.exit_osm.argmax(exit_key),
    )
    later = episodes.select("client", "start").inner_join(
        last_exit.select("client", "exit_date"), "client"
    )
    later = later.filter(
        (later.start > later.exit_date) & (later.start <= later.exit_date + ibis.interval(months=6))
    )
    represented = later.group_by("client").aggregate(represented=ibis.literal(True))
    p = attach(attach(attach(people, new, "client"), last_exit, "client"), represented, "client")
    # one table per person: the twelve selections below then read it, not its plan
    p = engine.materialise(p, "people")
    six_years_before = ibis.literal(period_end) - ibis.interval(years=6)
    success = (
        p.exit_successful.fill_null(False)
        & ~p.represented.fill_null(False)
        & ~((p.group == "opiate") & p.exit_osm.fill_null(False))
    )
    dims = {
        "sex": p.sex.cast("int8"),
        "band": esp_band(p.age),
        "age": p.age.cast("int16"),
        "la_id": p.la_id,
        "lsoa_id": p.lsoa_id.cast("int32"),
        "ethnic": p.ethnic.cast("int8"),
    }
    is_new = p.new_presentation.fill_null(False)
    parts = [
        (ibis.literal(True), "in_treatment"),
        (p.group == "opiate", "in_treatment_opiate"),
        (p.group.isin(["non_opiate", "non_opiate_alcohol"]), "in_treatment_non_opiate"),
        (p.group == "alcohol", "in_treatment_alcohol"),
        (is_new, "new_presentations"),
        (success & (p.group == "opiate"), "successful_completion_opiate"),
        (success & p.group.isin(["non_opiate", "non_opiate_alcohol"]), "successful_completion_non_opiate"),
        (success & (p.group == "alcohol"), "successful_completion_alcohol"),
        (is_new & p.early_exit.fill_null(False), "early_unplanned_exits"),
        (p.current_start < six_years_before, "in_treatment_over_6_years"),
        ((p.group == "opiate") & (p.age <= 64), "penetration_opiate_18_64"),
        (p.group.isin(["alcohol", "non_opiate_alcohol"]), "penetration_alcohol_18_plus"),
    ]  # fmt: skip
    selections = [
        p.filter(keep.fill_null(False)).select(
            indicator=ibis.literal(indicator_index(name), "int8"),
            weight_c=ibis.literal(100, "int64"),
            condition=ibis.null("int16"),
            **dims,
        )  # fmt: skip
        for keep, name in parts
    ]
    return ibis.union(*selections, distinct=False)

"""Death registrations: ONS drug-related, alcohol-specific and alcohol-related deaths.

Deaths count by **year of registration** (ONS convention) and usual residence; a death is
used when it has a readable underlying cause, age (0-150), sex (1 or 2), registration date
in the period and residence in England (an English LA code; Welsh, Scottish and Northern
Irish codes are excluded, as is a death with no LA code).

The long cause table has the underlying cause at position 0 and the contributory causes
(``FIC10MEN1..15`` / ``S_COD_CODE_1..15``) at 1-15, codes normalised as for HES; every
definition reads it joined to :func:`dana.records.reference.death_code_table`:

======================== ===============================================================
indicator                a death counts when
======================== ===============================================================
drug_poisoning_deaths    the underlying cause is F11-F16, F18-F19, X40-X44, X60-X64, X85
                         or Y10-Y14 (ONS; DEFINITIONS.md s.1.1)
drug_misuse_deaths       the underlying cause is F11-F16 or F18-F19, or it is a drug
                         poisoning and a controlled drug was mentioned: the ONS drugs
                         database flag where the extract has one, otherwise a T-code proxy
                         (T40.0-T40.9, T42.4, T43.6 among the causes; not ONS-comparable,
                         and the output says so)
alcohol_specific_deaths  the underlying cause is on the ONS 2017 alcohol-specific list
alcohol_related_deaths   AAF-weighted (Fingertips 93763): 1 for an alcohol-specific
                         underlying cause or T51.0/T51.1/T51.9 in any cause field, else the
                         PHE 2020 *mortality* fraction of the underlying cause by age band
                         and sex (no partial fractions under 16; fractions <= 0 dropped)
======================== ===============================================================
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import pandas as pd

from dana.records import reference
from dana.records.codes import CodeListError, normalise_icd10
from dana.records.common import (
    ETHNIC_LABELS,
    ETHNIC_NOT_KNOWN,
    EXCLUDED,
    REJECTED,
    Staged,
    date_field,
    duplicated_keys,
    esp_band,
    first_reason,
    integer_field,
    key,
    lsoa_field,
    residence_field,
)
from dana.records.engines import Engine
from dana.records.extracts import Extract
from dana.records.fields import Field, as_string, parse_fields
from dana.records.hospital import _aaf_band
from dana.records.indicators import indicator_index
from dana.records.longtable import long_table
from dana.records.parse import text
from dana.records.period import Period

INDICATORS = (
    "drug_poisoning_deaths",
    "drug_misuse_deaths",
    "alcohol_specific_deaths",
    "alcohol_related_deaths",
)
_YES = ["Y", "YES", "1", "TRUE", "T"]


def _cause_rule(value) -> dict[str, object]:
    raw = text(value)
    if raw is None:
        return {"ucod": None, "_ucod_malformed": False}
    try:
        return {"ucod": normalise_icd10(raw), "_ucod_malformed": False}
    except CodeListError:
        return {"ucod": None, "_ucod_malformed": True}


def stage(engine: Engine, extract: Extract, period: Period, lsoa: pd.DataFrame | None) -> Staged:
    """One row per registration: typed fields, residence, raw causes, the ``reason``; the
    code map of the cause columns (parsed in the same pass)."""
    mentions = list(extract.columns.repeated_names("mention"))
    t = extract.table
    t = t.mutate(record_id=key(t.record_id), _ucod_raw=as_string(t.ucod))
    t = t.mutate(**{name: as_string(t[name]) for name in mentions})
    raw = extract.fresh()  # the keys alone, read afresh (see Extract.fresh)
    dups = duplicated_keys(raw.select(record_id=key(raw.record_id)), "record_id", engine.name)
    parsed = parse_fields(
        engine,
        t,
        [
            Field("_ucod_raw", _cause_rule, {"ucod": "string", "_ucod_malformed": "bool"}),
            integer_field("age", "_age"),
            integer_field("sex", "_sex", missing=-1),
            date_field("dor", "_dor"),
            Field(
                "controlled_drug",
                lambda v: {"controlled": (text(v) or "").upper() in _YES},
                {"controlled": "bool"},
            ),  # fmt: skip
            residence_field("la"),
            lsoa_field("lsoa", lsoa),
        ],
        codes=["_ucod_raw", *mentions],
    )
    t = parsed.table
    t = t.left_join(dups, "record_id").mutate(duplicated=ibis._.duplicated.fill_null(False))
    reason, reasons = first_reason(
        (t.duplicated, REJECTED + "record id appears more than once (every copy set aside)"),
        (t._ucod_malformed, REJECTED + "underlying cause is not a valid ICD-10 code"),
        (t.ucod.isnull(), REJECTED + "underlying cause missing"),
        (t._age_bad, REJECTED + "age not a whole number"),
        (~t._age.between(0, 150), REJECTED + "age missing or outside 0-150"),
        (t._dor_bad, REJECTED + "date of registration not a valid date"),
        (t._dor.isnull(), REJECTED + "date of registration missing"),
        (~t._sex.isin([1, 2]), EXCLUDED + "sex not 1 or 2"),
        (~t.la_england, EXCLUDED + "residence outside England or not known"),
        (
            ~t._dor.between(period.start, period.end),
            EXCLUDED + f"registered outside {period.label}",
        ),
    )
    # a row number identifies a death (extracts often have no key); it is fixed when the
    # staged table is materialised, so the cause table built from it links back exactly
    order = [t._dor, t._ucod_raw, t.la, t._age, t._sex, t.lsoa, *[t[m] for m in mentions]]
    row = ibis.row_number().over(ibis.window(order_by=order)).cast("int64")
    table = t.select(
        "_ucod_raw", *mentions, "controlled", "la_id", "la_status", "lsoa_id",
        sex=t._sex.cast("int8"), age=t._age.cast("int16"), _row=row, reason=reason,
    )  # fmt: skip
    notes = []
    if parsed.malformed:
        notes.append(
            f"deaths: {parsed.malformed:,} cause field(s) held a malformed ICD-10 code and "
            "were not used (a malformed underlying cause sets the death aside)"
        )
    return Staged(table, parsed.codes, reasons, tuple(notes))


def causes(engine: Engine, extract: Extract, staged: ir.Table, relevant: ir.Table) -> ir.Table:
    """The long cause table of used deaths ``_row, pos, code_id`` (0 = underlying), of
    the codes a death definition uses (see :func:`dana.records.hospital.diagnoses`)."""
    used = staged.filter(staged.reason.isnull())
    mentions = extract.columns.repeated_names("mention")
    positions = {0: "_ucod_raw", **{int(name[-2:]): name for name in mentions}}
    return engine.materialise(long_table(used, "_row", positions, relevant), "causes")


def count(
    engine: Engine, extract: Extract, staged: ir.Table, staging: Staged, period: Period
) -> ir.Table:
    """Events of every death indicator."""
    codes = staging.codes
    lookup = engine.lookup("death_codes", reference.death_code_table())
    relevant = codes.filter(codes.code.notnull()).inner_join(lookup, "code")
    relevant = relevant.drop("code", "condition")
    long = causes(engine, extract, staged, relevant)
    aaf = engine.lookup("aaf_mortality", reference.aaf_table("mortality"))
    relevant = relevant.drop("raw")
    used = staged.filter(staged.reason.isnull())
    deaths = used.select("_row", "sex", "age", aaf_band=_aaf_band(used.age))
    m = long.inner_join(relevant, "code_id").inner_join(deaths, "_row")
    m = m.left_join(aaf, ["condition_id", "sex", "aaf_band"])
    underlying = m.pos == 0
    aaf_c = ibis.cases(
        (underlying & m.wholly, 100),
        (m.alcohol_any_position, 100),
        (underlying, m.aaf_c.fill_null(0)),
        else_=0,
    )
    label = ibis.cases((m.wholly | m.alcohol_any_position, 0), else_=m.condition_id)
    flags = m.group_by("_row").aggregate(
        poisoning=(underlying & m.drug_poisoning).max(),
        misuse_cause=(underlying & m.drug_misuse_cause).max(),
        proxy=m.controlled_drug_proxy.max(),
        specific=(underlying & m.wholly).max(),
        related_c=aaf_c.max(),
        related_condition=label.cast("int16").argmax(aaf_c * 1000 + (999 - m.pos)),
    )
    e = used.inner_join(flags, "_row")
    controlled = e.controlled if "controlled_drug" in extract.columns.fields else e.proxy
    no_condition = ibis.null("int16")
    parts = [
        (e.poisoning, "drug_poisoning_deaths", ibis.literal(100), no_condition),
        (e.misuse_cause | (e.poisoning & controlled), "drug_misuse_deaths", ibis.literal(100), no_condition),
        (e.specific, "alcohol_specific_deaths", ibis.literal(100), no_condition),
        (e.related_c > 0, "alcohol_related_deaths", e.related_c, e.related_condition),
    ]  # fmt: skip
    not_recorded = ETHNIC_LABELS.index(ETHNIC_NOT_KNOWN)
    selections = [
        e.filter(keep.fill_null(False)).select(
            indicator=ibis.literal(indicator_index(name), "int8"),
            weight_c=weight.cast("int64"),
            condition=condition.cast("int16"),
            sex=e.sex,
            band=esp_band(e.age),
            age=e.age,
            la_id=e.la_id,
            lsoa_id=e.lsoa_id,
            ethnic=ibis.literal(not_recorded, "int8"),
        )  # fmt: skip
        for keep, name, weight, condition in parts
    ]
    return ibis.union(*selections, distinct=False)

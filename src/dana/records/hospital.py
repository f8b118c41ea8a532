"""Hospital admissions (HES APC): the OHID admission-episode rules and every HES indicator.

**Admission episodes** (Fingertips 92904/92906 metadata, V-primary; DEFINITIONS.md s.2.1):
a finished episode (``EPISTAT`` = 3), an ordinary admission, day case or maternity
(``CLASSPAT`` 1, 2, 5), the first episode of the spell (``EPIORDER`` = 01), sex 1 or 2, a
valid age (``STARTAGE`` 0-150, or 7001-7007 for infants, who are aged 0), residence in an
English region, no fixed abode or unknown (``RESGOR`` <= K, U or Y; E12 codes for
``RESGOR_ONS``; from the LA code when there is no region field), and ``EPIEND`` in the
period. England counts include residents with no fixed abode or an unrecognised LA; LA
counts do not.

**The canonical long diagnosis table** ``(epikey, pos, code)`` is built once per extract
(:func:`diagnoses`), codes normalised (:mod:`dana.records.codes`), and every definition
below reads it, joined to the embedded code lookup (:func:`dana.records.reference.hes_code_table`):

=============================== ============================================================
indicator                       numerator (per admission episode)
=============================== ============================================================
alcohol_specific_admissions     a wholly attributable code in any position (92906)
alcohol_specific_admissions_u18 the same, aged 0-17 (92904)
alcohol_related_narrow          the largest AAF among the primary diagnosis and external
                                causes in any position (93764)
alcohol_related_broad           the largest AAF among all positions (Broad measure)
drug_poisoning_admissions       primary diagnosis T40.0-T40.9 or T43.6
substance_misuse_15_24          aged 15-24, primary diagnosis F11-F19, T40, T43.6, T52, T59,
                                or Y12/Y16/Y19 in any position (90808)
=============================== ============================================================

AAFs: PHE 2020 morbidity fractions by condition x sex x age band (16-24 ... 85+), wholly
attributable codes 1, fractions <= 0 and under-16s' partial fractions not used; where
several positions qualify the largest fraction is taken, ties going to the lowest position
(which decides the ``condition`` an episode is attributed to). Fractions are carried in
hundredths (integers) so sums are exact on every engine.
"""

from __future__ import annotations

import re

import ibis
import ibis.expr.types as ir
import pandas as pd

from dana.records import reference
from dana.records.common import (
    EXCLUDED,
    REJECTED,
    Staged,
    date_field,
    duplicated_keys,
    esp_band,
    ethnic_field,
    first_reason,
    integer_field,
    key,
    lsoa_field,
    residence_field,
)
from dana.records.engines import Engine
from dana.records.extracts import Extract
from dana.records.fields import Field, parse_fields
from dana.records.indicators import indicator_index
from dana.records.longtable import long_table
from dana.records.parse import integer, text
from dana.records.period import Period

INDICATORS = (
    "alcohol_specific_admissions",
    "alcohol_specific_admissions_u18",
    "alcohol_related_narrow",
    "alcohol_related_broad",
    "drug_poisoning_admissions",
    "substance_misuse_15_24",
)
_REGION_LETTERS = list("ABCDEFGHJK") + ["U", "Y"]


def _aaf_band(age: ir.IntegerValue) -> ir.IntegerValue:
    """Index of the PHE AAF age band (NULL under 16: no fractions for children)."""
    bands = reference.AAF_BANDS
    return ibis.cases(
        (age < bands[0][1], ibis.null("int8")),
        *[(age <= high, i) for i, (_, _, high) in enumerate(bands) if high is not None],
        else_=len(bands) - 1,
    ).cast("int8")


def _age_rule(value) -> dict[str, object]:
    startage, bad = integer(value)
    if startage is not None and 7001 <= startage <= 7007:
        age = 0  # infants: under one year
    elif startage is not None and 0 <= startage <= 150:
        age = startage
    else:
        age = None
    return {"_startage": startage, "_age_bad": bad, "_age": age}


def _england_rule(value) -> dict[str, object]:
    """RESGOR(_ONS): an English region, U (England, not otherwise specified) or Y (no
    fixed abode); None when there is no region field (the LA code decides)."""
    region = (text(value) or "").upper()
    if not region:
        return {"_resgor_england": None}
    return {
        "_resgor_england": region in _REGION_LETTERS or bool(re.fullmatch(r"E1200000[1-9]", region))
    }


def stage(engine: Engine, extract: Extract, period: Period, lsoa: pd.DataFrame | None) -> Staged:
    """One row per record: typed fields, residence, and the record's ``reason``; the code
    map of the diagnosis columns (parsed in the same pass over the extract)."""
    t = extract.table
    diag = list(extract.columns.repeated_names("diag"))
    fields = [
        "epistat",
        "classpat",
        "epiorder",
        "sex",
        "startage",
        "epiend",
        "resgor",
        "la",
        "lsoa",
        "ethnos",
    ]
    t = t.select(*fields, *diag, epikey=key(t.epikey))
    # from the keys alone, read afresh (see Extract.fresh)
    raw = extract.fresh()
    dups = duplicated_keys(raw.select(epikey=key(raw.epikey)), "epikey", engine.name)
    parsed = parse_fields(
        engine,
        t,
        [
            # a missing or unreadable code fails its rule ("not 3" includes unreadable)
            integer_field("epistat", "_epistat", missing=-1),
            integer_field("classpat", "_classpat", missing=-1),
            integer_field("epiorder", "_epiorder", missing=-1),
            integer_field("sex", "_sex", missing=-1),
            Field(
                "startage", _age_rule, {"_startage": "int64", "_age_bad": "bool", "_age": "int64"}
            ),
            date_field("epiend", "_epiend"),
            Field("resgor", _england_rule, {"_resgor_england": "bool"}),
            ethnic_field("ethnos"),
            residence_field("la"),
            lsoa_field("lsoa", lsoa),
        ],
        codes=diag,
    )
    t = parsed.table
    t = t.left_join(dups, "epikey").mutate(duplicated=ibis._.duplicated.fill_null(False))
    england = t._resgor_england.fill_null(t.la_england)
    reason, reasons = first_reason(
        (t.epikey.isnull(), REJECTED + "EPIKEY missing"),
        (t.duplicated, REJECTED + "EPIKEY appears more than once (every copy set aside)"),
        (t._startage.isnull() & ~t._age_bad, REJECTED + "STARTAGE missing"),
        (t._age_bad, REJECTED + "STARTAGE not a whole number"),
        (t._age.isnull(), REJECTED + "STARTAGE outside 0-150 and not an infant code 7001-7007"),
        (t._epiend_bad, REJECTED + "EPIEND not a valid date"),
        (t._epiend.isnull(), REJECTED + "EPIEND missing"),
        (t._epistat != 3, EXCLUDED + "EPISTAT not 3 (episode not finished)"),
        (~t._classpat.isin([1, 2, 5]), EXCLUDED + "CLASSPAT not 1, 2 or 5"),
        (t._epiorder != 1, EXCLUDED + "EPIORDER not 01 (not the first episode of the spell)"),
        (~t._sex.isin([1, 2]), EXCLUDED + "SEX not 1 or 2 (not known or not specified)"),
        (~england, EXCLUDED + "residence outside England or not known"),
        (~t._epiend.between(period.start, period.end), EXCLUDED + f"EPIEND outside {period.label}"),
    )
    table = t.select(
        "epikey",
        sex=t._sex.cast("int8"),
        age=t._age.cast("int16"),
        la_id=t.la_id,
        la_status=t.la_status,
        lsoa_id=t.lsoa_id,
        ethnic=t.ethnic,
        reason=reason,
    )
    notes = []
    if parsed.malformed:
        notes.append(
            f"hes: {parsed.malformed:,} diagnosis field(s) held a malformed ICD-10 code and "
            "were not used (the rest of each episode was)"
        )
    return Staged(table, parsed.codes, reasons, tuple(notes))


def relevant_codes(engine: Engine, codes: ir.Table) -> ir.Table:
    """The code map's rows whose code a hospital definition uses, with the code's flags."""
    lookup = engine.lookup("hes_codes", reference.hes_code_table())
    relevant = codes.filter(codes.code.notnull()).inner_join(lookup, "code")
    return relevant.drop("code", "condition")


def diagnoses(engine: Engine, extract: Extract, relevant: ir.Table) -> ir.Table:
    """The canonical long diagnosis table ``epikey, pos, code_id``, materialised once.

    It holds the diagnoses any hospital definition uses (the join to ``relevant``): at
    national scale about 8 of the 83 million diagnosis fields, so the table every
    definition reads is a tenth of the size (malformed codes are counted from the code
    map, :class:`dana.records.fields.Parsed`).
    """
    t = extract.table
    t = t.mutate(epikey=key(t.epikey))
    columns = extract.columns.repeated_names("diag")
    positions = {int(name[-2:]): name for name in columns}
    long = long_table(t.filter(t.epikey.notnull()), "epikey", positions, relevant)
    return engine.materialise(long, "hes_diagnoses")


def episode_flags(engine: Engine, staged: ir.Table, relevant: ir.Table, long: ir.Table) -> ir.Table:
    """Per admission episode with any relevant code: numerator flags, weights, and the
    episode's breakdown fields (carried through so no second join is needed)."""
    aaf = engine.lookup("aaf_morbidity", reference.aaf_table("morbidity"))
    admissions = staged.filter(staged.reason.isnull()).select(
        "epikey", "sex", "age", "la_id", "lsoa_id", "ethnic", aaf_band=_aaf_band(staged.age)
    )
    mentions = long.inner_join(relevant.drop("raw"), "code_id")
    m = mentions.inner_join(admissions, "epikey")
    m = m.left_join(aaf, ["condition_id", "sex", "aaf_band"])
    m = m.mutate(
        aaf_c=ibis.cases((m.wholly, 100), else_=m.aaf_c.fill_null(0)),
        label=ibis.cases((m.wholly, 0), else_=m.condition_id).cast("int16"),
    )
    narrow_c = ibis.ifelse((m.pos == 1) | m.external, m.aaf_c, 0)
    # largest fraction, ties to the lowest position (positions are unique in an episode)
    broad_key = m.aaf_c * 1000 + (999 - m.pos)
    narrow_key = narrow_c * 1000 + (999 - m.pos)
    # the breakdown fields are the same on every row of an episode: grouping by them too
    # carries them into the flags
    return m.group_by(["epikey", "sex", "age", "la_id", "lsoa_id", "ethnic"]).aggregate(
        specific=m.wholly.max(),
        narrow_c=narrow_c.max(),
        broad_c=m.aaf_c.max(),
        narrow_condition=m.label.argmax(narrow_key),
        broad_condition=m.label.argmax(broad_key),
        drug_poisoning=(m.drug_poisoning & (m.pos == 1)).max(),
        substance=((m.substance_primary & (m.pos == 1)) | m.substance_any).max(),
    )


def events(flags: ir.Table) -> ir.Table:
    """One row per (indicator, episode counted): weight in hundredths and breakdown fields."""
    e = flags
    no_condition = ibis.null("int16")
    parts = [
        (e.specific, "alcohol_specific_admissions", ibis.literal(100), no_condition),
        (e.specific & (e.age < 18), "alcohol_specific_admissions_u18", ibis.literal(100), no_condition),
        (e.narrow_c > 0, "alcohol_related_narrow", e.narrow_c, e.narrow_condition),
        (e.broad_c > 0, "alcohol_related_broad", e.broad_c, e.broad_condition),
        (e.drug_poisoning, "drug_poisoning_admissions", ibis.literal(100), no_condition),
        (e.substance & e.age.between(15, 24), "substance_misuse_15_24", ibis.literal(100), no_condition),
    ]  # fmt: skip
    return ibis.union(
        *[
            e.filter(keep.fill_null(False)).select(
                indicator=ibis.literal(indicator_index(name), "int8"),
                weight_c=weight.cast("int64"),
                condition=condition.cast("int16"),
                sex=e.sex,
                band=esp_band(e.age),
                age=e.age,
                la_id=e.la_id,
                lsoa_id=e.lsoa_id,
                ethnic=e.ethnic,
            )  # fmt: skip
            for keep, name, weight, condition in parts
        ],
        distinct=False,
    )


def count(
    engine: Engine, extract: Extract, staged: ir.Table, staging: Staged, period: Period
) -> ir.Table:
    """Events of every HES indicator."""
    relevant = relevant_codes(engine, staging.codes)
    long = diagnoses(engine, extract, relevant)
    flags = engine.materialise(episode_flags(engine, staged, relevant, long), "episode_flags")
    return events(flags)

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

import ibis
import ibis.expr.types as ir

from dana.records import reference
from dana.records.codes import normalised_code
from dana.records.common import (
    EXCLUDED,
    REJECTED,
    duplicated_keys,
    esp_band,
    ethnic_group,
    first_reason,
    key,
    outside_england,
    with_residence,
)
from dana.records.engines import Engine
from dana.records.extracts import Extract
from dana.records.parse import as_string, date, integer, text
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


def _aaf_band(age: ir.IntegerValue) -> ir.StringValue:
    bands = reference.AAF_BANDS
    return ibis.cases(
        (age < bands[0][1], ibis.null("string")),
        *[(age <= high, label) for label, _, high in bands if high is not None],
        else_=bands[-1][0],
    )


def stage(engine: Engine, extract: Extract, period: Period) -> ir.Table:
    """One row per record: typed fields, residence, and the record's ``reason``."""
    t = extract.table
    t = t.mutate(epikey=key(t.epikey))
    epistat, _ = integer(t.epistat)
    classpat, _ = integer(t.classpat)
    epiorder, _ = integer(t.epiorder)
    sex, _ = integer(t.sex)
    startage, age_unreadable = integer(t.startage)
    epiend, end_unreadable = date(t.epiend)
    infant = startage.between(7001, 7007)
    age = ibis.cases((startage.between(0, 150), startage), (infant, 0), else_=ibis.null("int64"))
    t = t.mutate(
        # a missing or unreadable code fails its rule ("not 3" includes unreadable)
        _epistat=epistat.fill_null(-1),
        _classpat=classpat.fill_null(-1),
        _epiorder=epiorder.fill_null(-1),
        sex=sex.fill_null(-1),
        _startage=startage,
        _age_unreadable=age_unreadable,
        age=age,
        epiend=epiend,
        _end_unreadable=end_unreadable,
        _resgor=text(t.resgor).upper(),
        lsoa=text(t.lsoa).upper(),
        ethnic=ethnic_group(t.ethnos),
    )
    dups = duplicated_keys(t, "epikey")
    t = t.left_join(dups, "epikey").mutate(duplicated=ibis._.duplicated.fill_null(False))
    t = with_residence(engine, t, t.la)
    resgor = t._resgor
    england = ibis.cases(
        (resgor.notnull(), resgor.isin(_REGION_LETTERS) | resgor.re_search(r"^E1200000[1-9]$")),
        (t._la.notnull(), ~outside_england(t._la)),
        else_=False,
    )
    reason = first_reason(
        (t.epikey.isnull(), REJECTED + "EPIKEY missing"),
        (t.duplicated, REJECTED + "EPIKEY appears more than once (every copy set aside)"),
        (t._startage.isnull() & ~t._age_unreadable, REJECTED + "STARTAGE missing"),
        (t._age_unreadable, REJECTED + "STARTAGE not a whole number"),
        (t.age.isnull(), REJECTED + "STARTAGE outside 0-150 and not an infant code 7001-7007"),
        (t._end_unreadable, REJECTED + "EPIEND not a valid date"),
        (t.epiend.isnull(), REJECTED + "EPIEND missing"),
        (t._epistat != 3, EXCLUDED + "EPISTAT not 3 (episode not finished)"),
        (~t._classpat.isin([1, 2, 5]), EXCLUDED + "CLASSPAT not 1, 2 or 5"),
        (t._epiorder != 1, EXCLUDED + "EPIORDER not 01 (not the first episode of the spell)"),
        (~t.sex.isin([1, 2]), EXCLUDED + "SEX not 1 or 2 (not known or not specified)"),
        (~england, EXCLUDED + "residence outside England or not known"),
        (~t.epiend.between(period.start, period.end), EXCLUDED + f"EPIEND outside {period.label}"),
    )
    return t.select(
        "epikey",
        "sex",
        "age",
        "epiend",
        "district",
        "utla",
        "region",
        "la_status",
        "lsoa",
        "ethnic",
        reason=reason,
    )


def diagnoses(extract: Extract) -> ir.Table:
    """The canonical long diagnosis table: ``epikey, pos, code, malformed`` (one row per
    non-empty diagnosis field; ``code`` NULL where the field is malformed)."""
    t = extract.table
    names = list(extract.columns.repeated_names("diag"))
    fields = ibis.array(
        [
            ibis.struct({"pos": ibis.literal(int(name[-2:]), "int16"), "raw": as_string(t[name])})
            for name in names
        ]
    )
    long = t.select(epikey=key(t.epikey), d=fields.unnest())
    long = long.select("epikey", pos=long.d.pos, raw=long.d.raw).filter(
        ibis._.raw.notnull() & ibis._.epikey.notnull()
    )
    code, malformed = normalised_code(long.raw)
    return long.select("epikey", "pos", code=code, malformed=malformed)


def episode_flags(engine: Engine, staged: ir.Table, long: ir.Table) -> ir.Table:
    """Per admission episode with any relevant code: the numerator flags and weights."""
    codes = engine.lookup("hes_codes", reference.hes_code_table())
    aaf = engine.lookup("aaf_morbidity", reference.aaf_table("morbidity"))
    admissions = staged.filter(staged.reason.isnull()).select(
        "epikey", "sex", "age", aaf_band=_aaf_band(staged.age)
    )
    mentions = long.filter(long.code.notnull()).inner_join(codes, "code")
    m = mentions.inner_join(admissions, "epikey")
    m = m.left_join(aaf, ["condition", "sex", "aaf_band"])
    m = m.mutate(
        aaf_c=ibis.cases((m.wholly, 100), else_=m.aaf_c.fill_null(0)),
        label=ibis.cases((m.wholly, "Wholly attributable conditions"), else_=m.condition),
    )
    narrow_ok = (m.pos == 1) | m.external
    narrow_c = ibis.ifelse(narrow_ok, m.aaf_c, 0)
    # largest fraction, ties to the lowest position (positions are unique in an episode)
    broad_key = m.aaf_c * 1000 + (999 - m.pos)
    narrow_key = narrow_c * 1000 + (999 - m.pos)
    return m.group_by("epikey").aggregate(
        specific=m.wholly.max(),
        narrow_c=narrow_c.max(),
        broad_c=m.aaf_c.max(),
        narrow_condition=m.label.argmax(narrow_key),
        broad_condition=m.label.argmax(broad_key),
        drug_poisoning=(m.drug_poisoning & (m.pos == 1)).max(),
        substance=((m.substance_primary & (m.pos == 1)) | m.substance_any).max(),
    )


def events(staged: ir.Table, flags: ir.Table) -> ir.Table:
    """One row per (indicator, episode counted): weight in hundredths and breakdown fields."""
    admissions = staged.filter(staged.reason.isnull())
    e = admissions.inner_join(flags, "epikey")
    dims = {
        "sex": e.sex,
        "band": esp_band(e.age),
        "age": e.age.cast("int16"),
        "district": e.district,
        "utla": e.utla,
        "region": e.region,
        "lsoa": e.lsoa,
        "ethnic": e.ethnic,
    }
    null_text = ibis.null("string")
    parts = [
        (e.specific, "alcohol_specific_admissions", ibis.literal(100), null_text),
        (e.specific & (e.age < 18), "alcohol_specific_admissions_u18", ibis.literal(100), null_text),
        (e.narrow_c > 0, "alcohol_related_narrow", e.narrow_c, e.narrow_condition),
        (e.broad_c > 0, "alcohol_related_broad", e.broad_c, e.broad_condition),
        (e.drug_poisoning, "drug_poisoning_admissions", ibis.literal(100), null_text),
        (e.substance & e.age.between(15, 24), "substance_misuse_15_24", ibis.literal(100), null_text),
    ]
    selections = [
        e.filter(keep.fill_null(False)).select(
            indicator=ibis.literal(name),
            weight_c=weight.cast("int64"),
            condition=condition,
            **dims,
        )
        for keep, name, weight, condition in parts
    ]
    return ibis.union(*selections, distinct=False)


def count(
    engine: Engine, extract: Extract, staged: ir.Table, period: Period
) -> tuple[ir.Table, list[str]]:
    """Events of every HES indicator, and notes for the run summary (malformed codes)."""
    long = engine.materialise(diagnoses(extract), "diagnoses")
    used = staged.filter(staged.reason.isnull()).select("epikey")
    bad = long.filter(long.malformed).inner_join(used, "epikey")
    malformed = engine.collect(bad.aggregate(n=bad.count()))["n"].iloc[0]
    notes = []
    if malformed:
        notes.append(
            f"{int(malformed):,} diagnosis field(s) of used episodes held a malformed ICD-10 "
            "code and were not used (the rest of each episode was)"
        )
    flags = engine.materialise(episode_flags(engine, staged, long), "episode_flags")
    return events(staged, flags), notes

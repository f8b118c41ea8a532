"""NDTMS ViewIt (adult) exports as indicator-table rows.

Two layouts are read by :func:`read_viewit_export`:

* the LA "all indicators for all local authorities" export (244 columns:
  ``ReportingPeriod, Area, sex, age_group, drug_group`` then one column per measure,
  e.g. ``intreatment_allintx``, ``eth_white_newtx``, ``exits_died_allintx``);
* the England export (``ReportingPeriod_Data, Area_Data, DrugGroup_Data, Gender_Data,
  AgeGroup_Data, Num_InTreatment_AllInTx, Eth_White_AllInTx, ...``).

Each measure column is melted to rows, then completed to the breakdown convention
(:mod:`dana.sources.ndtms_breakdowns`: headlines ViewIt leaves out, Sex and Age band
rows, denominators, and parts checked against totals within ViewIt's rounding). The basis suffix says who is counted:
``_allintx`` = all adults in treatment in the financial year, ``_newtx`` = new
presentations. Indicator ids are ``ndtms:<measure>`` for all substances and
``ndtms:<measure>:<drug group>`` for a substance group (NDTMS hierarchy,
DEFINITIONS.md §3.1: opiate, non_opiate_only, non_opiate_and_alcohol, alcohol_only);
breakdowns (ethnic group, referral source, exit reason ...) go in category_type /
category. Measures: in_treatment, new_presentations, exits (by exit reason and length
of time in treatment), interventions (ViewIt intervention fields, carried by field
name), children_of_people_in_treatment / children_of_new_presentations (numbers of
children, not adults), and the PHOF C19 fields (successful_completion_window_in_treatment
= denominator, successful_completions, successful_completions_representing,
successful_completions_not_representing = numerator; DEFINITIONS.md §3.3).

ViewIt LA figures are **rounded to the nearest 5** (ndtms.net; every cell of the real
export is a multiple of 5): rows from the LA layout carry that in ``value_note``. The
England export is not rounded. "NULL" cells (measure not collected in that year) and
suppression markers ("*", ".." ...: :data:`dana.sources._read.SUPPRESSION_MARKERS`) become
NaN with a value note. ViewIt names areas by DAT name or code; a lookup table (such as
``geography_match.csv``: ``dat, dat_nm, area_code, gss_name``) maps them to GSS codes.

Contains public sector information licensed under the Open Government Licence v3.0.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from dana.sources import _read
from dana.sources.errors import SourceFileError
from dana.sources.ndtms_breakdowns import complete_breakdowns

SOURCE = "OHID, NDTMS ViewIt adult treatment data export (ndtms.net/ViewIt/Adult)"
ROUNDED_NOTE = "Count rounded to the nearest 5 by NDTMS ViewIt"
NULL_NOTE = "Not available: NULL in the ViewIt export (not collected in this period)"
NULL_MARKER = "NULL"
ENGLAND = ("E92000001", "England")

#: Dimension columns of each layout (lower-cased header -> role).
_DIMENSIONS = {
    "reportingperiod": "period",
    "area": "area",
    "sex": "sex",
    "age_group": "age",
    "drug_group": "drug_group",
    "reportingperiod_data": "period",
    "area_data": "area",
    "druggroup_data": "drug_group",
    "gender_data": "sex",
    "agegroup_data": "age",
}
_SEX = {"f": "Female", "m": "Male", "total": "Persons", "female": "Female", "male": "Male"}
#: ViewIt is adults only: its "Total" age group is everyone aged 18 and over.
_AGE = {"18-29": "18-29 yrs", "30-49": "30-49 yrs", "50+": "50+ yrs", "total": "18+ yrs"}
#: Drug group label (either layout) -> (id suffix, display name). "" = all substances.
_DRUG_GROUPS = {
    "total": ("", "All substances"),
    "opiate": ("opiate", "Opiate"),
    "opiates": ("opiate", "Opiate"),
    "non-opiate only": ("non_opiate_only", "Non-opiate only"),
    "non-opiates only": ("non_opiate_only", "Non-opiate only"),
    "non-opiate & alcohol": ("non_opiate_and_alcohol", "Non-opiate and alcohol"),
    "alcohol & non-opiates": ("non_opiate_and_alcohol", "Non-opiate and alcohol"),
    "alcohol only": ("alcohol_only", "Alcohol only"),
}

_MEASURE_NAMES = {
    "in_treatment": "Adults in treatment",
    "new_presentations": "Adults newly presenting to treatment",
    "exits": "Adults exiting treatment",
    "first_interventions": "Adults starting a first treatment intervention",
    "subsequent_interventions": "Adults starting a subsequent treatment intervention",
    "interventions": "Adults receiving structured interventions",
    "children_of_people_in_treatment": "Children of adults in treatment",
    "children_of_new_presentations": "Children of adults newly presenting to treatment",
    "successful_completion_window_in_treatment": "Adults in treatment in the successful-completion (PHOF C19) window",
    "successful_completions": "Successful completions in the PHOF C19 window",
    "successful_completions_representing": "Successful completions re-presenting within 6 months",
    "successful_completions_not_representing": "Successful completions not re-presenting within 6 months",
}

#: Whole columns with their own meaning: field -> (measure, category_type, category).
_FIELDS = {
    "intreatment_allintx": ("in_treatment", "", ""),
    "num_intreatment_allintx": ("in_treatment", "", ""),
    "newpresentation_newtx": ("new_presentations", "", ""),
    "safeguarding_num_of_children_allintx": ("children_of_people_in_treatment", "", ""),
    "safeguarding_num_of_children_newtx": ("children_of_new_presentations", "", ""),
    "scnr_intreatment_allintx": ("successful_completion_window_in_treatment", "", ""),
    "scnr_completion_allintx": ("successful_completions", "", ""),
    "scnr_representation_allintx": ("successful_completions_representing", "", ""),
    "scnr_scrn_allintx": ("successful_completions_not_representing", "", ""),
}

#: Field families: prefix -> category type (:data:`dana.breakdowns.BREAKDOWNS`).
#: Labels in _LABELS (ViewIt wording, ../data/definitions/ndtms_viewit_categories.csv) or
#: else the field token humanised.
_FAMILIES = {
    "eth": "Ethnic group",
    "referralsource": "Referral source",
    "housingsituation": "Housing need",
    "waitsfirst": "Wait for first intervention",
    "waitssub": "Wait for subsequent intervention",
    "exits": "Exit reason",
    "safeguarding": "Parental status",
    "employmentstatus": "Employment status",
    "lengthintreatment": "Time in treatment",
    "alc_units": "Alcohol units (28 days before treatment)",
    "substanceanycitation": "Substance cited",
    "injecting": "Injecting status",
    "disability": "Disability type",
    "sexuality": "Sexual orientation",
    "religion": "Religion",
    "interventions": "Intervention (ViewIt field)",
}
#: Families counted over their own total (people starting an intervention, exits), not
#: over adults in treatment or new presentations: family -> measure.
_OWN_MEASURE = {
    "waitsfirst": "first_interventions",
    "waitssub": "subsequent_interventions",
    "exits": "exits",
}
#: Disability fields that describe the person overall (the rest are disability types).
_DISABILITY_OVERALL = {"any", "nodisability", "notstated", "allmissing"}
_LABELS = {
    "white": "White",
    "mixed": "Mixed",
    "asian": "Asian",
    "black": "Black",
    "other": "Other",
    "criminal_justice": "Criminal justice",
    "health_services_social_care": "Health services and social care",
    "self_family_friends": "Self, family and friends",
    "substance_misuse_service": "Substance misuse service",
    "missing": "Missing",
    "urgentproblem": "Urgent housing problem",
    "housingproblem": "Housing problem",
    "noproblem": "No housing problem",
    "notstatedormissing": "Not stated or missing",
    "3weeksandunder": "3 weeks and under",
    "3to6weeks": "over 3 to 6 weeks",
    "over6weeks": "over 6 weeks",
    "successfulcompletion": "Successful completion",
    "died": "Died",
    "droppedout": "Dropped out",
    "movedaway": "Moved away",
    "noappropriatetreatment": "No appropriate treatment",
    "notknown": "Not known",
    "prison": "Prison",
    "transferrednotincustody": "Transferred - not in custody",
    "transferredincustody": "Transferred - in custody",
    "referredon": "Referred on",
    "treatmentdeclined": "Treatment declined",
    "treatmentwithdrawn": "Treatment withdrawn",
    "inconsistent": "Inconsistent",
    "parentlivingwithchildren": "Parent living with children",
    "othercontactlivingwithchildren": "Other contact living with children",
    "parentsnotwithchildren": "Parent not living with children",
    "notparentnocontactwithchildren": "Not a parent, no contact with children",
    "livingwithincompletedata": "Incomplete data",
    "regularemployment": "Regular employment",
    "unemployedinactive": "Unemployed or economically inactive",
    "longtermsickdisabled": "Long-term sick or disabled",
    "ineducation": "In education",
    "unpaidvoluntary": "Unpaid voluntary work",
    "notstatedmissing": "Not stated or missing",
    "under1year": "under 1 year",
    "1to2years": "1 to 2 years",
    "2to4years": "2 to 4 years",
    "4to6years": "4 to 6 years",
    "over6years": "over 6 years",
    "0": "0 units",
    "1to199": "1-199 units",
    "200to399": "200-399 units",
    "400to599": "400-599 units",
    "600to799": "600-799 units",
    "800to999": "800-999 units",
    "1000andover": "1000 units and over",
    "currently_injecting": "Currently injecting",
    "previously_injecting": "Previously injected",
    "never": "Never injected",
    "declinedtoanswer": "Declined to answer",
    "any": "Any disability",
    "nodisability": "No disability",
    "notstated": "Not stated",
    "allmissing": "Missing",
}


def _humanise(token: str) -> str:
    text = token.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _classify(column: str) -> tuple[str, str, str] | None:
    """(measure, category_type, category) for a ViewIt measure column, or None if unknown."""
    field = column.strip().casefold()
    if field in _FIELDS:
        return _FIELDS[field]
    family = next((f for f in _FAMILIES if field.startswith(f + "_")), None)
    if family is None:
        return None
    rest = field[len(family) + 1 :]
    if family == "interventions":
        return ("interventions", _FAMILIES[family], _humanise(rest))
    match = re.match(r"^(.*?)(_exits)?_(allintx|newtx)$", rest)
    if not match or not match.group(1):
        return None
    token, exits, basis = match.groups()
    category_type = _FAMILIES[family]
    if family in _OWN_MEASURE:
        measure = _OWN_MEASURE[family]
    elif exits:
        measure, category_type = "exits", "Time in treatment at exit"
    else:
        measure = "in_treatment" if basis == "allintx" else "new_presentations"
    if family == "disability" and token in _DISABILITY_OVERALL:
        category_type = "Disability"
    return (measure, category_type, _LABELS.get(token, _humanise(token)))


def _area_lookup(lookup) -> dict[str, tuple[str, str]]:
    """DAT code / DAT name / GSS name (case-folded) -> (GSS code, GSS name)."""
    if lookup is None:
        return {}
    if isinstance(lookup, Mapping):
        return {str(k).strip().casefold(): (str(v), str(k)) for k, v in lookup.items()}
    frame = _read.read_table(lookup) if isinstance(lookup, str | Path) else lookup.astype(str)
    where = str(lookup) if isinstance(lookup, str | Path) else "area lookup"
    if "area_code" not in frame.columns:
        raise SourceFileError(where, "lookup has no 'area_code' column", row=1)
    name_col = "gss_name" if "gss_name" in frame.columns else None
    keys = [c for c in ("dat", "dat_nm", "gss_name", "area_name") if c in frame.columns]
    if not keys:
        raise SourceFileError(where, "lookup needs a 'dat' or 'dat_nm' column", row=1)
    out: dict[str, tuple[str, str]] = {}
    for _, rec in frame.iterrows():
        code = rec["area_code"].strip()
        name = rec[name_col].strip() if name_col else ""
        for key_col in keys:
            key = rec[key_col].strip().casefold()
            if key and key in out and out[key][0] != code:
                raise SourceFileError(
                    where, f"{rec[key_col]!r} maps to both {out[key][0]} and {code}", column=key_col
                )
            if key:
                out[key] = (code, name or rec[key_col].strip())
    return out


def read_viewit_export(
    path: str | Path,
    lookup=None,
    *,
    source: str = SOURCE,
    retrieved: str | None = None,
) -> pd.DataFrame:
    """Read a ViewIt adult export (LA or England layout) into indicator-table rows.

    ``lookup`` maps ViewIt area names/DAT codes to GSS codes: a path to (or DataFrame of)
    a table with ``area_code`` and ``dat`` and/or ``dat_nm`` (e.g.
    ``ndtms-dat-lookup/geography_match.csv``), or a plain mapping ``{"Barnet":
    "E09000003"}``. "England" needs no lookup. An area that cannot be mapped is an error
    naming it and its first row. Unknown measure columns are errors (a new ViewIt field
    must be classified here, not guessed). Values are counts: value_type "count",
    ``count`` = ``value``, sex Persons/Male/Female, age "18+ yrs" for all adults.
    """
    path = Path(path)
    raw = _read.read_csv(path)
    summary = _read.ImportSummary(str(path), rows_read=len(raw))
    raw = _read.drop_blank_rows(raw, summary)
    roles = {c: _DIMENSIONS[c.casefold()] for c in raw.columns if c.casefold() in _DIMENSIONS}
    missing = sorted(set(_DIMENSIONS.values()) - set(roles.values()))
    if missing:
        raise SourceFileError(
            path,
            f"not a ViewIt export: no column for {missing} (header: {list(raw.columns)[:8]} ...)",
            row=1,
        )
    col = {role: c for c, role in roles.items()}
    # The LA export (rounded to 5) names its period column "ReportingPeriod"; England "..._Data".
    la_layout = col["period"].casefold() == "reportingperiod"

    measures = [c for c in raw.columns if c not in roles]
    meta = {}
    for column in measures:
        kind = _classify(column)
        if kind is None:
            raise SourceFileError(path, "unrecognised ViewIt measure column", row=1, column=column)
        meta[column] = kind

    sex = _read.label_map(raw, col["sex"], _SEX, path, what="sex")
    age = _read.label_map(raw, col["age"], _AGE, path, what="age group")
    group_key = _read.label_map(
        raw, col["drug_group"], {k: k for k in _DRUG_GROUPS}, path, what="drug group"
    )
    period = raw[col["period"]].str.strip()
    period_sort = _read.period_sort_keys(raw.assign(**{col["period"]: period}), col["period"], path)

    areas = _area_lookup(lookup)
    areas.setdefault("england", ENGLAND)
    area_text = raw[col["area"]].str.strip()
    for name in area_text.unique():
        if name.casefold() not in areas:
            row = int(area_text.index[area_text.eq(name)][0])
            hint = "" if lookup is not None else " (pass lookup=, e.g. a DAT-to-GSS table)"
            raise SourceFileError(
                path,
                f"area {name!r} cannot be mapped to a GSS code{hint}",
                row=row,
                column=col["area"],
            )
    area_code = area_text.map(lambda a: areas[a.casefold()][0])
    area_name = area_text.map(lambda a: areas[a.casefold()][1])
    bad_code = ~area_code.str.match(_read.GSS_PATTERN)
    if bad_code.any():
        row = int(bad_code.idxmax())
        raise SourceFileError(
            path, f"lookup maps {area_text[row]!r} to {area_code[row]!r}, not a GSS code", row=row
        )

    dims = pd.DataFrame(
        {
            "area_code": area_code,
            "area_name": area_name,
            "period": period,
            "period_sort": period_sort,
            "sex": sex,
            "age": age,
            "group": group_key.map(lambda g: _DRUG_GROUPS[g.casefold()][0]),
            "group_name": group_key.map(lambda g: _DRUG_GROUPS[g.casefold()][1]),
        },
        index=raw.index,
    )
    _read.check_unique(
        dims,
        ["area_code", "period", "sex", "age", "group"],
        path,
        what="area, period, sex, age and drug group",
    )

    markers = {NULL_MARKER: NULL_NOTE, **_read.SUPPRESSION_MARKERS}
    values = pd.DataFrame(
        {c: _read.parse_numbers(raw, c, path, blank_ok=False, markers=markers) for c in measures},
        index=raw.index,
    )
    notes = pd.DataFrame({c: _read.marker_notes(raw, c, markers) for c in measures})
    for c in measures:
        if (values[c] < 0).any():
            raise SourceFileError(
                path, "negative count", row=int((values[c] < 0).idxmax()), column=c
            )
    nulls = int(notes.eq(NULL_NOTE).to_numpy().sum())
    if nulls:
        summary.note(
            f"{nulls} NULL cell(s) (not collected in that period) kept as rows with NaN value"
        )
    suppressed = int(notes.ne("").to_numpy().sum()) - nulls
    if suppressed:
        summary.note(
            f"{suppressed} suppressed or not-available cell(s) ({', '.join(_read.SUPPRESSION_MARKERS)})"
            " kept as rows with NaN value and a value note"
        )

    dims["_row"] = raw.index
    long = pd.concat([dims, values], axis=1).melt(
        id_vars=list(dims.columns), var_name="field", value_name="count"
    )
    kinds = pd.DataFrame.from_dict(
        meta, orient="index", columns=["measure", "category_type", "category"]
    )
    long = long.join(kinds, on="field")
    cell_note = notes.melt(value_name="note")["note"].to_numpy()  # same order as ``long``
    suffix = np.where(long["group"].eq(""), "", ":" + long["group"])
    group_label = np.where(long["group"].eq(""), "", " (" + long["group_name"] + ")")
    rounded_note = ROUNDED_NOTE if la_layout else ""
    rows = pd.DataFrame(
        {
            "indicator_id": "ndtms:" + long["measure"] + suffix,
            "indicator_name": long["measure"].map(_MEASURE_NAMES) + group_label,
            "area_code": long["area_code"],
            "area_name": long["area_name"],
            "area_type": long["area_code"].map(_read.area_type),
            "parent_code": long["area_code"].map(_read.parent_code),
            "period": long["period"],
            "period_sort": long["period_sort"],
            "sex": long["sex"],
            "age": long["age"],
            "category_type": long["category_type"],
            "category": long["category"],
            "count": long["count"],
            "value": long["count"],
            "value_note": np.where(cell_note != "", cell_note, rounded_note),
            "polarity": "no_judgement",
            "value_type": "count",
            "multiplier": 1.0,
            "unit": "count",
            "source": source,
            "retrieved": _read.retrieved_date(path, None, retrieved),
            "_row": long["_row"],
            "_field": long["field"],
        }
    )
    rows = complete_breakdowns(rows, path, rounded_to=5.0 if la_layout else 0.0)
    return _read.finish_table(rows.drop(columns=["_row", "_field"]), path, summary)

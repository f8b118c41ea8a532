"""English Indices of Deprivation: local-authority summaries as indicator-table rows.

* :func:`read_imd_utla` reads MHCLG IoD2019 **File 11** (upper-tier LA summaries, XLSX):
  one sheet per domain (IMD, Income, Employment, Education, Health, Crime, Barriers,
  Living, IDACI, IDAOPI), columns "<Domain> - Average rank", "- Rank of average rank",
  "- Average score", "- Rank of average score", "- Proportion of LSOAs in most deprived
  10% nationally" (+ rank), and on some sheets extent, local concentration and scale.
* :func:`read_imd_lad` reads **File 10** (lower-tier LAD summaries) reshaped long, one row
  per LAD x domain (IoD2019 ``lad19cd, lad19nm, index_domain, ...`` or IoD2025
  ``area_code, area_name, ..., deprivation_data_year, index_domain, ...``).

Every figure becomes a row with value_type "score", multiplier 1 and indicator id
``imd<year>:<domain>:<measure>`` (e.g. "imd2019:imd:average_score",
"imd2019:imd:rank_average_score", "imd2019:imd:extent"). Ranks are 1 = most deprived.
Polarity is "no_judgement": deprivation is context, not performance.

Contains public sector information licensed under the Open Government Licence v3.0.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from dana.sources import _read
from dana.sources.errors import SourceFileError

#: Release dates of the English Indices of Deprivation.
PUBLISHED = {2019: "2019-09-26"}
SOURCE = "MHCLG, English Indices of Deprivation {year}, {file}"

#: Domain key and display name, by File 11 sheet name or File 10 ``index_domain`` label.
DOMAINS = {
    "imd": ("imd", "Index of Multiple Deprivation"),
    "index of multiple deprivation": ("imd", "Index of Multiple Deprivation"),
    "income": ("income", "Income"),
    "income deprivation": ("income", "Income"),
    "employment": ("employment", "Employment"),
    "employment deprivation": ("employment", "Employment"),
    "education": ("education", "Education, Skills and Training"),
    "education, skills and training": ("education", "Education, Skills and Training"),
    "education, skills and training deprivation": ("education", "Education, Skills and Training"),
    "health": ("health", "Health Deprivation and Disability"),
    "health and disability": ("health", "Health Deprivation and Disability"),
    "health deprivation and disability": ("health", "Health Deprivation and Disability"),
    "crime": ("crime", "Crime"),
    "barriers": ("barriers", "Barriers to Housing and Services"),
    "barriers to housing and services": ("barriers", "Barriers to Housing and Services"),
    "living": ("living_environment", "Living Environment"),
    "living environment": ("living_environment", "Living Environment"),
    "living environment deprivation": ("living_environment", "Living Environment"),
    "idaci": ("idaci", "Income Deprivation Affecting Children Index"),
    "income deprivation affecting children": (
        "idaci",
        "Income Deprivation Affecting Children Index",
    ),
    "idaopi": ("idaopi", "Income Deprivation Affecting Older People Index"),
    "income deprivation affecting older people": (
        "idaopi",
        "Income Deprivation Affecting Older People Index",
    ),
}

#: Measure key and display name, by normalised File 11 header text (after "<Domain> - ").
MEASURES = {
    "average rank": ("average_rank", "average rank"),
    "rank of average rank": ("rank_average_rank", "rank of average rank"),
    "average score": ("average_score", "average score"),
    "rank of average score": ("rank_average_score", "rank of average score"),
    "proportion of lsoas in most deprived 10% nationally": (
        "proportion_most_deprived_10pc",
        "proportion of LSOAs in the most deprived 10% nationally",
    ),
    "rank of proportion of lsoas in most deprived 10% nationally": (
        "rank_proportion_most_deprived_10pc",
        "rank of proportion of LSOAs in the most deprived 10% nationally",
    ),
    "extent": ("extent", "extent"),
    "rank of extent": ("rank_extent", "rank of extent"),
    "local concentration": ("local_concentration", "local concentration"),
    "rank of local concentration": ("rank_local_concentration", "rank of local concentration"),
    "scale": ("scale", "scale"),
    "rank of scale": ("rank_scale", "rank of scale"),
}
#: File 10 long-format column -> File 11 measure text.
_LAD_MEASURES = {
    "average_rank": "average rank",
    "rank_average_rank": "rank of average rank",
    "average_score": "average score",
    "rank_average_score": "rank of average score",
    "proportion_bottom_decile": "proportion of lsoas in most deprived 10% nationally",
    "rank_proportion_bottom_decile": "rank of proportion of lsoas in most deprived 10% nationally",
}


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", str(text)).strip().casefold()


def _domain(label: str, path, *, row=None, column=None) -> tuple[str, str]:
    try:
        return DOMAINS[_norm(label)]
    except KeyError:
        raise SourceFileError(
            path, f"unknown deprivation domain {label!r}", row=row, column=column
        ) from None


def _measure_of_header(header: str, domain_name: str, path, sheet: str) -> tuple[str, str]:
    text = _norm(header)
    if " - " in text:
        text = text.split(" - ", 1)[1]
    else:  # "Income scale", "Rank of Income Scale": the domain word sits inside the name
        text = re.sub(r"\b(income|employment)\b\s*", "", text).strip()
    if text not in MEASURES:
        raise SourceFileError(
            path, f"worksheet {sheet!r}: unrecognised column {header!r}", row=1, column=header
        )
    return MEASURES[text]


def _rows(long: pd.DataFrame, year: int, source: str, retrieved: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator_id": f"imd{year}:" + long["domain"] + ":" + long["measure"],
            "indicator_name": f"IoD{year} " + long["domain_name"] + ": " + long["measure_name"],
            "area_code": long["area_code"],
            "area_name": long["area_name"],
            "area_type": long["area_type"],
            "parent_code": "",
            "period": str(year),
            "period_sort": year * 10000,
            "value": long["value"],
            "polarity": "no_judgement",
            "value_type": "score",
            "multiplier": 1.0,
            "unit": "score",
            "source": source,
            "retrieved": retrieved,
        }
    )


def read_imd_utla(
    path: str | Path, *, year: int = 2019, retrieved: str | None = None
) -> pd.DataFrame:
    """Read IoD File 11 (upper-tier LA summaries, XLSX) into score rows, every domain sheet.

    Sheets that are not domains (the "Notes" sheet) are skipped and listed in the import
    summary. Every cell must be a number; each header must be a known measure.
    """
    import openpyxl  # deferred: only XLSX files need it, and it is slow to import

    path = Path(path)
    try:
        sheets = openpyxl.load_workbook(path, read_only=True).sheetnames
    except FileNotFoundError:
        raise SourceFileError(path, "file not found") from None
    except Exception as exc:
        raise SourceFileError(path, f"not a readable XLSX workbook ({exc})") from None
    summary = _read.ImportSummary(str(path))
    parts = []
    for sheet in sheets:
        if _norm(sheet) not in DOMAINS:
            summary.note(f"worksheet {sheet!r} is not a domain table; not read")
            continue
        domain, domain_name = DOMAINS[_norm(sheet)]
        raw = _read.read_xlsx(path, sheet=sheet)
        summary.rows_read += len(raw)
        raw = _read.drop_blank_rows(raw, summary)
        code_col, name_col, *measure_cols = list(raw.columns)
        if "code" not in code_col.casefold() or "name" not in name_col.casefold():
            raise SourceFileError(
                path, f"worksheet {sheet!r}: first two columns should be area code and name", row=1
            )
        where = f"{path} [{sheet}]"
        _read.check_area_codes(raw, code_col, where)
        _read.check_unique(raw, [code_col], where, what="area code")
        for column in measure_cols:
            measure, measure_name = _measure_of_header(column, domain_name, path, sheet)
            parts.append(
                pd.DataFrame(
                    {
                        "area_code": raw[code_col].str.strip(),
                        "area_name": raw[name_col].str.strip(),
                        "area_type": "utla",
                        "domain": domain,
                        "domain_name": domain_name,
                        "measure": measure,
                        "measure_name": measure_name,
                        "value": _read.parse_numbers(raw, column, where, blank_ok=False),
                    }
                )
            )
    if not parts:
        raise SourceFileError(path, f"no domain worksheets found (sheets: {sheets})")
    source = SOURCE.format(year=year, file="File 11: upper-tier local authority summaries")
    rows = _rows(
        pd.concat(parts, ignore_index=True),
        year,
        source,
        _read.retrieved_date(path, PUBLISHED.get(year), retrieved),
    )
    return _read.finish_table(rows, path, summary)


def read_imd_lad(path: str | Path, *, retrieved: str | None = None) -> pd.DataFrame:
    """Read IoD File 10 (LAD summaries) in long CSV form into score rows.

    Accepts the IoD2019 layout (``lad19cd, lad19nm, index_domain, average_rank, ...,
    year``) and the IoD2025 layout (``area_code, area_name, ..., deprivation_data_year,
    index_domain, ...``). Area type is "ltla" for every LAD.
    """
    path = Path(path)
    raw = _read.read_csv(path)
    summary = _read.ImportSummary(str(path), rows_read=len(raw))
    raw = _read.drop_blank_rows(raw, summary)
    code_col = next((c for c in ("lad19cd", "area_code") if c in raw.columns), "area_code")
    name_col = next((c for c in ("lad19nm", "area_name") if c in raw.columns), "area_name")
    year_col = next((c for c in ("year", "deprivation_data_year") if c in raw.columns), "year")
    _read.require_columns(raw, [code_col, name_col, year_col, "index_domain", *_LAD_MEASURES], path)
    raw[code_col] = raw[code_col].str.strip()
    _read.check_area_codes(raw, code_col, path)
    years = _read.parse_numbers(raw, year_col, path, blank_ok=False).astype(int)
    domains = {  # an unknown domain names its first row
        label: _domain(
            label, path, row=int(raw.index[raw["index_domain"].eq(label)][0]), column="index_domain"
        )
        for label in raw["index_domain"].unique()
    }
    keyed = raw.assign(_year=years, _domain=raw["index_domain"].map(lambda d: domains[d][0]))
    _read.check_unique(keyed, [code_col, "_year", "_domain"], path, what="area, year and domain")

    parts = []
    for column, measure_text in _LAD_MEASURES.items():
        measure, measure_name = MEASURES[measure_text]
        parts.append(
            pd.DataFrame(
                {
                    "area_code": raw[code_col],
                    "area_name": raw[name_col].str.strip(),
                    "area_type": "ltla",
                    "domain": keyed["_domain"],
                    "domain_name": raw["index_domain"].map(lambda d: domains[d][1]),
                    "measure": measure,
                    "measure_name": measure_name,
                    "value": _read.parse_numbers(raw, column, path, blank_ok=False),
                    "year": years,
                }
            )
        )
    long = pd.concat(parts, ignore_index=True)
    frames = []
    for year, part in long.groupby("year"):
        source = SOURCE.format(year=year, file="File 10: local authority district summaries")
        frames.append(
            _rows(
                part,
                int(year),
                source,
                _read.retrieved_date(path, PUBLISHED.get(int(year)), retrieved),
            )
        )
    return _read.finish_table(pd.concat(frames, ignore_index=True), path, summary)

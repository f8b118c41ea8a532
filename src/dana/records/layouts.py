"""The extract layouts DANA reads, and the mapping from a file's headers to canonical fields.

Three kinds of extract, each with canonical field names and the source names analysts meet
(matched case-insensitively, so DARS upper-case and warehouse lower-case headers both work):

* ``hes`` - HES / SUS admitted patient care, one row per finished consultant episode
  (RECORDS.md A1): EPIKEY, EPISTAT, EPIORDER, CLASSPAT, ADMIMETH, SEX, STARTAGE, EPIEND,
  RESGOR_ONS or RESGOR, RESLADST_ONS (or legacy RESLADST), LSOA11 (or LSOA21 / LSOA01),
  ETHNOS and the diagnoses DIAG_01 .. DIAG_nn (any number of positions; the derived
  DIAG_4_nn are used when DIAG_nn are absent; SUS ``PRIMDIAG`` / ``DIAGnn`` also accepted).
* ``deaths`` - ONS mortality / NHS England civil registration (PCMD) extracts (RECORDS.md
  A2): underlying cause (``FIC10UND`` or ``S_UNDERLYING_COD_ICD10``), contributory causes
  (``FIC10MEN1..15`` or ``S_COD_CODE_1..15``), registration date, age, sex, LA and LSOA of
  residence, and optionally the ONS drugs-database flag for a controlled drug.
* ``treatment`` - NDTMS-style adult treatment episodes (RECORDS.md A3): client, episode,
  episode start and end, substance group, exit reason, referral source, age, sex,
  ethnicity, LA.

:func:`map_columns` gives the canonical -> source column mapping for a file's header, or
raises :class:`LayoutError` naming the file, the missing fields (with the names accepted)
and the columns it did not recognise. Columns no field uses are ignored and listed in the
run summary, so a full 193-column DARS extract reads as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dana.records.errors import RecordsError


class LayoutError(RecordsError, ValueError):
    """A file does not have the layout of its extract kind; says which columns and why."""


@dataclass(frozen=True)
class Field:
    name: str
    aliases: tuple[str, ...]
    required: bool = True
    meaning: str = ""


@dataclass(frozen=True)
class Layout:
    kind: str
    description: str
    fields: tuple[Field, ...]
    #: Repeated code columns: (canonical prefix, regexes whose group 1 is the position),
    #: tried in order; the first that matches any column wins.
    repeated: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())
    #: A repeated group that must be present (at least position 1).
    repeated_required: bool = False

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


HES = Layout(
    kind="hes",
    description="HES admitted patient care episodes",
    fields=(
        Field("epikey", ("epikey",), meaning="episode key"),
        Field("epistat", ("epistat",), meaning="episode status (3 = finished)"),
        Field("epiorder", ("epiorder",), meaning="episode order in spell (01 = first)"),
        Field("classpat", ("classpat",), meaning="patient classification"),
        Field("admimeth", ("admimeth",), required=False, meaning="admission method"),
        Field("sex", ("sex",), meaning="1 male, 2 female"),
        Field("startage", ("startage",), meaning="age at episode start (7001-7007 infants)"),
        Field("epiend", ("epiend",), meaning="episode end date"),
        Field("resgor", ("resgor_ons", "resgor"), required=False, meaning="region of residence"),
        Field("la", ("resladst_ons", "resladst"), meaning="LA district of residence"),
        Field("lsoa", ("lsoa11", "lsoa21", "lsoa01"), required=False, meaning="LSOA"),
        Field("ethnos", ("ethnos",), required=False, meaning="ethnic category"),
    ),
    repeated=(
        ("diag", (r"^diag_(\d{2})$", r"^diag(\d{2})$|^(prim)diag$")),
        ("diag", (r"^diag_4_(\d{2})$",)),
    ),
    repeated_required=True,
)

DEATHS = Layout(
    kind="deaths",
    description="death registrations (ONS / PCMD)",
    fields=(
        Field("record_id", ("record_id", "death_id", "id"), required=False, meaning="record key"),
        Field(
            "ucod",
            ("fic10und", "s_underlying_cod_icd10", "icd10uf", "icd10u", "underlying_cause"),
            meaning="underlying cause of death (ICD-10)",
        ),
        Field("age", ("ageinyrs", "dec_agec", "age"), meaning="age in years"),
        Field("sex", ("sex", "dec_sex"), meaning="1 male, 2 female"),
        Field("dor", ("dor", "reg_date", "date_of_registration"), meaning="date of registration"),
        Field("dod", ("dod", "reg_date_of_death", "date_of_death"), required=False),
        Field(
            "la",
            ("laua", "lad_of_residence_code", "ula_of_residence_code", "la_code"),
            meaning="LA of residence",
        ),
        Field("lsoa", ("lsoa11cd", "lsoa_of_residence_code", "lsoa21cd", "lsoa"), required=False),
        Field(
            "controlled_drug",
            ("controlled_drug", "ons_drug_misuse", "mda_controlled"),
            required=False,
            meaning="ONS drugs database: a controlled drug was mentioned (Y/N or 1/0)",
        ),
    ),
    repeated=(("mention", (r"^fic10men(\d{1,2})$", r"^s_cod_code_(\d{1,2})$")),),
)

TREATMENT = Layout(
    kind="treatment",
    description="NDTMS adult treatment episodes",
    fields=(
        Field("client", ("client_id", "clientid", "client_random_id"), meaning="client key"),
        Field("episode", ("episode_id", "episodid"), required=False, meaning="episode key"),
        Field("start", ("episode_start", "triaged", "start_date"), meaning="episode start"),
        Field("end", ("episode_end", "disd", "discharge_date"), meaning="discharge date"),
        Field("substance", ("substance_group", "drug_group"), meaning="NDTMS substance group"),
        Field("exit_reason", ("exit_reason", "disrsn", "discharge_reason"), meaning="exit"),
        Field("referral", ("referral_source", "rfls"), required=False),
        Field("age", ("age", "age_at_start"), meaning="age at episode start"),
        Field("sex", ("sex",), meaning="M/F or 1/2"),
        Field("ethnicity", ("ethnicity", "ethnic"), required=False),
        Field("la", ("la_code", "la"), meaning="LA of residence (GSS code)"),
        Field(
            "osm_at_exit",
            ("substitute_medication_at_exit", "osm_at_exit"),
            required=False,
            meaning="on opioid substitution medication at exit (Y/N)",
        ),
    ),
)

LAYOUTS = {layout.kind: layout for layout in (HES, DEATHS, TREATMENT)}


@dataclass(frozen=True)
class ColumnMap:
    """How one file's columns map to canonical fields."""

    fields: dict[str, str]  # canonical -> source column
    repeated: dict[int, str]  # position -> source column (diagnoses / mentions)
    ignored: tuple[str, ...]

    def repeated_names(self, prefix: str) -> dict[str, str]:
        """Canonical names such as ``diag_01`` -> source column, in position order."""
        return {f"{prefix}_{pos:02d}": col for pos, col in sorted(self.repeated.items())}


def _repeated(layout: Layout, columns: list[str]) -> dict[int, str]:
    for _, patterns in layout.repeated:
        found: dict[int, str] = {}
        for column in columns:
            for pattern in patterns:
                match = re.match(pattern, column.strip().lower())
                if match:
                    groups = [g for g in match.groups() if g]
                    found[1 if groups[0] == "prim" else int(groups[0])] = column
        if found:
            return found
    return {}


def map_columns(kind: str, columns: list[str], *, where: str) -> ColumnMap:
    """Map a header to canonical fields; :class:`LayoutError` names what is missing."""
    layout = LAYOUTS[kind]
    lower = {c.strip().lower(): c for c in columns}
    duplicated = sorted({c for c in columns if list(map(str.lower, columns)).count(c.lower()) > 1})
    if duplicated:
        raise LayoutError(f"{where}: column(s) {duplicated} appear more than once")
    fields: dict[str, str] = {}
    missing: list[str] = []
    for spec in layout.fields:
        source = next((lower[a] for a in spec.aliases if a in lower), None)
        if source is not None:
            fields[spec.name] = source
        elif spec.required:
            names = " or ".join(a.upper() for a in spec.aliases)
            missing.append(f"{names} ({spec.meaning})" if spec.meaning else names)
    repeated = _repeated(layout, columns)
    if layout.repeated_required and 1 not in repeated:
        prefix = layout.repeated[0][0]
        missing.append(f"{prefix.upper()}_01 .. {prefix.upper()}_nn (at least the primary, 01)")
    used = set(fields.values()) | set(repeated.values())
    ignored = tuple(c for c in columns if c not in used)
    if missing:
        shown = ", ".join(ignored[:15]) + (" ..." if len(ignored) > 15 else "")
        raise LayoutError(
            f"{where}: not a {layout.description} extract: missing column(s) "
            + "; ".join(missing)
            + (f". Columns not recognised: {shown}" if ignored else "")
        )
    return ColumnMap(fields=fields, repeated=repeated, ignored=ignored)

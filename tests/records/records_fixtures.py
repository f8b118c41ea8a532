"""Hand-built extracts whose correct counts are worked out by hand (tests/records/test_*).

Every record's expected treatment is written beside it. The reporting period is the
financial year 2023/24 (1 April 2023 - 31 March 2024); deaths use calendar 2023.

Areas: Fenland E07000010 (a district of Cambridgeshire E10000003, East of England
E12000006), Peterborough E06000031 (a unitary authority, East of England), Coventry
E08000026 (West Midlands E12000005), Craven E07000163 (retired in 2023: now North Yorkshire
E06000065, Yorkshire and The Humber E12000003).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dana.records import DEFINITIONS, compute_indicators, read_lsoa_lookup

ENGLAND = "E92000001"
HEADLINE_AGE = {d.name: d.age_label for d in DEFINITIONS}

FEN, PET, COV, CRAVEN, NYORKS = "E07000010", "E06000031", "E08000026", "E07000163", "E06000065"
EOE, WM, YH = "E12000006", "E12000005", "E12000003"

HES_HEADER = (
    "EPIKEY|EPISTAT|EPIORDER|CLASSPAT|ADMIMETH|SEX|STARTAGE|EPIEND|RESGOR_ONS|RESLADST_ONS|"
    "LSOA11|ETHNOS|DIAG_01|DIAG_02|DIAG_03"
)
# key|stat|order|class|meth|sex|age|end|region|LA|LSOA|eth|diag1|diag2|diag3   -> expected
HES_ROWS = """
1|3|01|1|21|1|45|2023-06-01|E12000006|E07000010|E01000001|A|K70.3|I10X|
2|3|01|1|21|2|30|2023-07-01|E12000006|E07000010|E01000002|A|W19X|F10.2D|
3|3|02|1|21|1|50|2023-07-01|E12000006|E07000010||A|K703||
4|1|01|1|21|1|50|2023-07-01|E12000006|E07000010||A|K703||
5|3|01|3|21|1|50|2023-07-01|E12000006|E07000010||A|K703||
6|3|01|1|21|0|40|2023-07-01|E12000006|E07000010||A|K703||
7|3|01|1|21|1|40|2023-08-01|W99999999|W06000015||A|K703||
8|3|01|1|21|1|40|2024-04-01|E12000006|E06000031||A|K703||
9|3|01|1|21|2|16|2023-09-01|E12000006|E06000031|E01000003|A|T40.1||
10|3|01|2|11|2|70|2023-10-01|E12000006|E06000031|E01000003|B|I48X|I10|
11|3|01|1|21|1|30|2023-11-01|E12000005|E08000026||A|S069|Y049|W19X
12|3|01|1|21|1|30|2023-11-01|E12000005|E08000026||A|S069|W19X|Y049
13|3|01|1|21|1|50|2023-11-02|E12000005|E08000026||A|J189|I48X|K746
14|3|01|1|21|1|60|2023-12-01|E12000005|E08000026||A|k70.3 |i10|
15|3|01|1|21|2|45|2023-12-02|E12000005|E08000026||M|F10|Y90|
16|3|01|1|21|1|20|2024-01-15|E12000005|E08000026||A|S000|Y91.9|
17|3|01|1|21|2|55|2024-02-01|E12000005|E08000026||Z|R074|F102|
18|3|01|1|21|1|15|2023-05-05|E12000006|E06000031||A|T510||
19|3|01|1|21|2|7002|2023-05-06|E12000006|E06000031||A|Q860||
20|3|01|1|21|1|7009|2023-05-07|E12000006|E06000031||A|K703||
21|3|01|1|21|1|151|2023-05-08|E12000006|E06000031||A|K703||
22|3|01|1|21|1|40|2023-02-30|E12000006|E06000031||A|K703||
23|3|01|1|21|1|40|2023-05-09|E12000006|E06000031||A|K703||
23|3|01|1|21|1|41|2023-05-10|E12000006|E06000031||A|J440||
24|3|01|1|21|1|10|2023-06-06|E12000006|E06000031||A|G409||
25|3|01|1|21|1|50|2023-06-07|E12000006|E06000031||A|I251||
26|3|01|1|21|2|80|2023-06-08|E12000006|E06000031||A|I10X||
27|3|01|1|21|1|45|2023-06-10|E12000003|E07000163||A|K703||
28|3|01|1|21|1|45|2023-06-11|U|E99999999||A|K703||
29|3|01|1|21|1|45|2023-06-12|E12000006|E06000031||A|??9|K703|
30|3|01|1|21|2|35|15/09/2023|E12000006|E07000010||A|X45X||
31|3|01|1|21|1|45|2023-06-13|E12000006|E07000010||A|J440||
"""
# 32 records: 5 rejected (20 age 7009, 21 age 151, 22 date 30 Feb, both copies of key 23),
# 6 excluded by the OHID rules (3 EPIORDER 02, 4 EPISTAT 1, 5 CLASSPAT 3, 6 SEX 0,
# 7 Welsh resident, 8 EPIEND after the year), 21 admission episodes used.
HES_SUMMARY = {
    ("rejected", "STARTAGE outside 0-150 and not an infant code 7001-7007"): 2,
    ("rejected", "EPIEND not a valid date"): 1,
    ("rejected", "EPIKEY appears more than once (every copy set aside)"): 2,
    ("excluded", "EPIORDER not 01 (not the first episode of the spell)"): 1,
    ("excluded", "EPISTAT not 3 (episode not finished)"): 1,
    ("excluded", "CLASSPAT not 1, 2 or 5"): 1,
    ("excluded", "SEX not 1 or 2 (not known or not specified)"): 1,
    ("excluded", "residence outside England or not known"): 1,
    ("excluded", "EPIEND outside 2023/24"): 1,
    ("used", ""): 21,
}

DEATHS_CSV = """fic10und,fic10men1,fic10men2,ageinyrs,sex,dor,laua,lsoa11cd
X42,T40.1,,35,1,20230505,E06000031,E01000003
X42,T39.1,,35,2,20230606,E06000031,
F11.2,,,40,1,20230707,E06000031,
K70.3,,,60,1,20230808,E08000026,
C15X,,,70,1,20230909,E08000026,
I10,T51.0,,50,2,20231010,E08000026,
K70.3,,,60,1,20220808,E08000026,
X42,T40.1,,35,1,20230505,W06000015,
X65X,,,45,2,20231111,E07000010,
K74.6,,,50,1,20231212,E07000010,
K70.3,,,60,1,20231301,E07000010,
K70.3,,,200,1,20230101,E07000010,
I25.1,,,75,1,20230202,E07000010,
F10.2,,,16,1,20230303,E07000010,
"""
# 14 registrations: 2 rejected (date 13th month, age 200), 2 excluded (registered in 2022,
# Welsh resident), 10 used.

TREATMENT_CSV = """client_id,episode_id,episode_start,episode_end,substance_group,exit_reason,referral_source,age,sex,ethnicity,la_code
1,1,2022-06-01,2023-06-30,Opiate,80,Self,40,M,A,E06000031
1,2,2023-11-30,,Opiate,,Self,40,M,A,E06000031
2,1,2022-06-01,2023-06-30,Opiate,80,GP,42,F,A,E06000031
2,2,2024-01-31,,Opiate,,GP,42,F,A,E06000031
3,1,2023-05-01,2023-07-01,Alcohol only,Successful completion,GP,50,F,A,E07000010
4,1,2023-05-01,2023-06-01,Non-opiate only,85,GP,25,M,M,E07000010
5,1,2016-01-01,,Opiate,,GP,45,M,A,E07000010
6,1,2023-04-10,2023-05-10,Alcohol only,83,GP,55,M,A,E08000026
6,2,2023-05-25,2023-08-01,Alcohol only,81,GP,55,M,A,E08000026
7,1,2023-06-01,,Non-opiate only,,Self,30,M,A,E08000026
7,2,2023-09-01,,Alcohol only,,Self,30,M,A,E08000026
8,1,2023-06-01,,Opiate,,Self,16,M,A,E08000026
9,1,2023-06-01,2023-05-01,Opiate,85,Self,30,M,A,E08000026
10,1,2021-01-01,2022-01-01,Opiate,80,Self,30,M,A,E08000026
11,1,2023-07-01,,Opiate,,Self,66,M,A,E08000026
12,1,2023-07-01,,Opiate,,Self,30,M,A,W06000015
"""
# 16 episodes: 1 rejected (client 9 ends before it starts), 3 excluded (8 aged 16,
# 12 Welsh resident, 10 not open in 2023/24), 12 used.

#: A small LSOA lookup for the fixtures (E01000001-2 in Fenland, E01000003 in Peterborough).
LSOA_CSV = """LSOA21CD,LAD24CD,MSOA21CD,imd_decile,population
E01000001,E07000010,E02000001,1,1500
E01000002,E07000010,E02000001,10,1500
E01000003,E06000031,E02000002,5,1600
"""


def write_all(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {
        "hes": folder / "hes.txt",
        "deaths": folder / "deaths.csv",
        "treatment": folder / "treatment.csv",
        "lsoa": folder / "lsoa.csv",
    }
    paths["hes"].write_text(HES_HEADER + "\n" + HES_ROWS.strip() + "\n", encoding="utf-8")
    paths["deaths"].write_text(DEATHS_CSV, encoding="utf-8")
    paths["treatment"].write_text(TREATMENT_CSV, encoding="utf-8")
    paths["lsoa"].write_text(LSOA_CSV, encoding="utf-8")
    return paths


AREAS = ("E92000001", EOE, WM, YH, "E10000003", FEN, PET, COV, NYORKS)


def uniform_population(per_age_and_sex: float = 1000.0) -> pd.DataFrame:
    """1,000 residents of each sex at each single year of age 0-90 in every area (2023),
    so rates can be worked out by hand: 10,000 persons per 5-year band, 2,000 aged 90+."""
    rows = [
        (area, 2023, sex, age, per_age_and_sex)
        for area in AREAS
        for sex in ("Male", "Female")
        for age in range(91)
    ]
    return pd.DataFrame(rows, columns=["area_code", "year", "sex", "age", "population"])


def value(table, indicator, area=ENGLAND, *, sex="Persons", age=None, ctype="", cat=""):
    """The one row of an indicator for an area and breakdown (headline age by default)."""
    rows = table[
        (table["indicator_id"] == f"records:{indicator}")
        & (table["area_code"] == area)
        & (table["sex"] == sex)
        & (table["age"] == (age or HEADLINE_AGE[indicator]))
        & (table["category_type"] == ctype)
        & (table["category"] == cat)
    ]
    assert len(rows) == 1, f"{indicator} {area} {sex} {age} {ctype} {cat}: {len(rows)} rows"
    return rows.iloc[0]


# here, not in conftest.py: a test module importing "conftest" would get another
# folder's conftest when the whole suite is collected
def run_fixtures(files, engine, *, disclosure: bool):
    return compute_indicators(
        hes=files["hes"],
        deaths=files["deaths"],
        treatment=files["treatment"],
        year=2023,
        engine=engine,
        population=uniform_population(),
        population_source="uniform test population",
        lsoa=read_lsoa_lookup(files["lsoa"]),
        lsoa_source="test LSOA lookup",
        disclosure=disclosure,
    )

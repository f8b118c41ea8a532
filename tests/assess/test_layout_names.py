"""Where a figure the catalogue lacks goes, by the words of its name (a council's printed
figures: the seeds' own names)."""

from __future__ import annotations

import pytest

from dana.assess.layout import section_for_name


@pytest.mark.parametrize(
    ("name", "section"),
    [
        # the printed treatment profile and capacity name no substance: the treatment system
        ("People in treatment who are female (%)", "drug_treatment"),
        ("People in treatment from a Black or minority ethnic group (%)", "drug_treatment"),
        ("Referrals to the specialist provider that are self-referrals (%)", "drug_treatment"),
        ("Caseload per treatment worker (at its highest)", "drug_treatment"),
        ("Individuals who successfully completed residential rehabilitation (number)", "drug_treatment"),
        ("Penetration rate by ethnic group (% of the treatment population / % of residents x 100)", "drug_treatment"),
        # alcohol's own treatment measures stay with alcohol
        ("People in alcohol treatment in concurrent contact with mental health services (%)", "alcohol_treatment"),
        ("Expected alcohol-dependent adults in treatment (%)", "alcohol_treatment"),
        # hidden harm is with the children
        ("Parents in treatment as a % of the projected number of parents with a drug or alcohol need", "young_people"),
        # the population, not the wider determinants
        ("Projected population change (%)", "context"),
        ("Residents from a Black or minority ethnic group, 2011 Census (%)", "context"),
        # crime, housing and deprivation are wider determinants
        ("Police recorded offences with an alcohol marker (number in 12 months)", "wider_determinants"),
        ("Neighbourhoods in England's 10% most deprived (%)", "wider_determinants"),
        ("Households owed a homelessness prevention or relief duty with a drug need identified (number)", "wider_determinants"),
        # harms before treatment
        ("Deaths related to drug misuse, number registered in the year", "drug_harms"),
    ],
)  # fmt: skip
def test_printed_figures_go_where_a_reader_looks_for_them(name, section):
    assert section_for_name(name) == section

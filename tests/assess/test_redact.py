"""Free text from engagement never carries personal details into a report."""

import pytest

from dana.assess.redact import contains_personal_details, redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Email me at jo.bloggs+hna@example.org.uk please", "Email me at [email] please"),
        ("NHS number 943 476 5919 on the form", "NHS number [NHS number] on the form"),
        ("NHS number 9434765919 on the form", "NHS number [NHS number] on the form"),
        ("NHS number 943-476-5919", "NHS number [NHS number]"),
        ("ring 07700 900123 after six", "ring [phone] after six"),
        ("ring +44 7700 900123 after six", "ring [phone] after six"),
        ("the office is 01733 123456", "the office is [phone]"),
        ("the office is 020 7946 0958", "the office is [phone]"),
        ("I live at PE1 1AB now", "I live at [postcode] now"),
        ("Mr Smith was rude", "[name] was rude"),
        ("Dr. Patel helped me", "[name] helped me"),
        ("My keyworker Sarah was brilliant", "My keyworker [name] was brilliant"),
        ("my son, Liam, relapsed", "my son, [name], relapsed"),
        ("my name is tom and I drink", "my name is [name] and I drink"),
        ("Sarah Jones said it was fine", "[name] said it was fine"),
    ],
)
def test_personal_details_are_replaced(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I was called back after 3 weeks.",
        "The Peterborough hub is welcoming and the groups run on Fridays.",
        "It took 12 weeks and 2 days to get a place in residential rehab.",
        "Waiting times fell from 21 to 14 days.",
    ],
)
def test_ordinary_text_is_left_alone(text):
    assert redact(text) == text
    assert not contains_personal_details(text)


def test_known_names_are_removed_whatever_their_case():
    text = "Ask for Xanthe at reception; XANTHE knows me."
    assert redact(text, known_names=["Xanthe"]) == "Ask for [name] at reception; [name] knows me."

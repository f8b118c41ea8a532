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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NHS number 943.476.5919 on file", "NHS number [NHS number] on file"),
        ("JOHN SMITH rang", "[name] rang"),
        ("john smith rang", "[name] rang"),
        ("ask dr patel", "ask [name]"),
        ("MR JONES was there", "[name] was there"),
        ("Mohammed Al-Hassan helped", "[name] helped"),
        ("mohammed al-hassan helped", "[name] helped"),
        ("Sean O'Brien helped", "[name] helped"),
        ("i told sarah everything", "i told [name] everything"),
        ("email x.quill@example.org now", "email [email] now"),
    ],
)
def test_every_form_of_a_name_or_number_is_caught(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The Dame Carol Black review set the direction.",  # a published review's author
        "Beds on St Michael's ward were full.",  # a saint's name in a place
        "We will cook together and mark the date.",  # forenames that are words
        "I miss my kids; my sister said so.",  # honorific-like words in lower case
        "Mr and Mrs both attended.",
        "The grace period ended. Frank discussions helped.",
        "I WILL NOT GO BACK.",
    ],
)
def test_ordinary_words_and_public_names_are_kept(text):
    assert redact(text) == text


def test_a_register_marks_text_that_is_not_personal():
    text = "The Sarah Jones Centre takes referrals; ask Sarah Jones."
    assert redact(text, allowed=["Sarah Jones Centre"]) == (
        "The Sarah Jones Centre takes referrals; ask [name]."
    )


def test_a_known_name_is_removed_by_each_of_its_words():
    assert redact("Quill said Xanthe was late", known_names=["Xanthe Quill"]) == (
        "[name] said [name] was late"
    )

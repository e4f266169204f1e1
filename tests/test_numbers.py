"""Numbers, amounts, percentages and dates read alike from Italian and English (service/numbers.py)."""

from briefs.numbers import englishify, quantities


def values(text, lang):
    return [(q.kind, q.value) for q in quantities(text, lang)]


def test_italian_and_english_forms_give_the_same_values():
    it = "Il 4 febbraio 50 nazioni, 1,2 miliardi di euro, 15mila persone, 2.200.112 abitanti, il 3,5% e 10 miliardi di dollari."
    en = "On 4 February 50 nations, 1.2 billion euros, 15,000 people, 2,200,112 inhabitants, 3.5% and $10bn."
    assert values(it, "it") == values(en, "en") == [
        ("date", (2, 4)), ("number", 50.0), ("money", 1.2e9), ("number", 15000.0),
        ("number", 2200112.0), ("percent", 3.5), ("money", 1e10),
    ]


def test_dates_years_and_currencies():
    qs = quantities("Washington, 3 feb. (askanews) - nel 2026 costa 5 €", "it")
    assert [(q.kind, q.value, q.unit) for q in qs] == [("date", (2, 3), None), ("year", 2026.0, None), ("money", 5.0, "EUR")]
    assert values("February 3, 2026 and 2026-02-03", "en") == [("date", (2, 3)), ("year", 2026.0), ("date", (2, 3)), ("year", 2026.0)]


def test_a_changed_digit_or_scale_changes_the_value():
    assert values("2.200.112", "it") != values("2,200,12", "en")
    assert values("1,2 miliardi", "it") != values("1.2 million", "en")


def test_englishify_rewrites_italian_forms_and_leaves_english_alone():
    assert englishify("cost 15mila crowns, 1,2 miliardi euro, 2.200.112 people, 3,5 percent, 3 feb. (askanews)") == (
        "cost 15,000 crowns, 1.2 billion euro, 2,200,112 people, 3.5 percent, 3 February (askanews)"
    )
    assert englishify("a 63enne and two 20enni") == "a 63-year-old and two 20-year-olds"  # ages as one word
    english = "On 4 February 1,500 people paid $3.5 billion, 12.5% more than 1,234,567 in 2025."
    assert englishify(english) == english


def test_a_sentence_ending_on_a_scaled_number_keeps_its_period():
    """"Hanno speso 50 milioni." came out of the offline engine as "They have spent 50 million"."""
    assert englishify("They spent 50 milioni. Then 15mila.") == "They spent 50 million. Then 15,000."
    assert englishify("5 mln. di euro e 3 mld.") == "5 million di euro e 3 billion."  # an abbreviation's own period goes


def test_words_times_decades_and_other_forms_read_alike():
    assert [v for _, v in values("undici ostaggi, duecento miglia, tre milioni e mezzo", "it")] == [11.0, 200.0, 3.5e6]
    assert [v for _, v in values("eleven hostages, two hundred miles, three and a half million", "en")][:2] == [11.0, 200.0]
    assert values("il 9 per cento", "it") == values("nine percent", "en") == [("percent", 9.0)]
    assert [v for _, v in values("alle 22:00, verso le 15 e 30", "it")] == [v for _, v in values("at 10 p.m., at 3:30 pm", "en")]
    assert values("75 000 chilometri", "it") == values("75,000 kilometres", "en") == [("number", 75000.0)]
    assert [v for _, v in values("negli anni '60", "it")] == [1960.0]
    assert [v for _, v in values("29¾ inches", "en")] == [29.75]
    assert [v for _, v in values("milioni di dollari", "it")] == [v for _, v in values("millions of dollars", "en")] == [1e6]
    assert values("disegnata da Otto Ritter", "it") == []  # a name, not "eight"
    assert [v for _, v in values("sei miliardi di dollari", "it")] == [v for _, v in values("six billion dollars", "en")] == [6e9]
    assert [v for _, v in values("tre milioni e mezzo", "it")] == [v for _, v in values("three and a half million", "en")]
    assert values("tu sei qui", "it") == []

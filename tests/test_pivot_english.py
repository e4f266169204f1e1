"""English the offline pivot gets wrong in predictable ways: Italian articles taken out where
English has none and kept where English wants one, "among A and B" as "between" (real outputs of
the pivot on newssyscomb2009)."""

from __future__ import annotations

import pytest

from briefs.translate.pivot_english import drop_articles, mend


@pytest.mark.parametrize(
    "pivot, english",
    [
        ("I triumph of the right in Austria: in total have the 29%", "I triumph of the right in Austria: in total have 29%"),
        ("Another party has surpassed the threshold of the 4% and is not in Parliament.",
         "Another party has surpassed the threshold of 4% and is not in Parliament."),
        ("In the 2007 the surplus was bigger.", "In 2007 the surplus was bigger."),
        ("In the 1953 left permanently for Illinois.", "In 1953 left permanently for Illinois."),
        ("The loss of the 15 million, the rest of the 2,500.", "The loss of 15 million, the rest of 2,500."),
        ("The plane disappeared the 3 September.", "The plane disappeared 3 September."),
        ("As it has done to know the Monday to Berlin", "As it has done to know Monday to Berlin"),
        ("Spain, Turkey, the Greece and the Austria", "Spain, Turkey, Greece and Austria"),
        ("The his party and the his house", "His party and his house"),
        ("the laws on the which they agreed in 1982", "the laws on which they agreed in 1982"),
        ("a country of 13.9 million, where the 50% of the population lives", "a country of 13.9 million, where 50% of the population lives"),
    ],
)
def test_italian_articles_english_does_not_use_go(pivot, english):
    assert drop_articles(pivot) == english


@pytest.mark.parametrize(
    "english",
    [
        "In the 1990s the United States and the Netherlands grew.",
        "On the 5th day the Czech Republic and the Philippines voted.",
        "The 2008 elections in the United Kingdom.",
        "The ministers of the European Union met the President.",
        "He read the 2 reports.",
        "The liberation of the 11 hostages and in the 2008 season.",
        "During the Italy-Germany summit of 23 January.",
    ],
)
def test_articles_english_wants_stay(english):
    assert drop_articles(english) == english


def test_italian_a_that_english_does_not_say_to():
    assert mend("Tajani will take part to the works, to collaborate to transatlantic level.") == (
        "Tajani will take part in the works, to collaborate at transatlantic level.")
    assert mend("They participated to the vote; it rose to a level never seen; back to sea level") == (
        "They participated in the vote; it rose to a level never seen; back to sea level")


def test_among_two_is_between():
    assert mend("The agreement among Italy and Germany, among the parties.") == "The agreement between Italy and Germany, among the parties."
    assert mend("Among the government and the unions, talks.") == "Between the government and the unions, talks."
    assert mend("among France, Germany and Italy") == "among France, Germany and Italy"  # a list: not two


def test_a_relative_after_a_comma_is_who_or_which():
    """Italian ", che" came out ", that" (newssyscomb2009: "the assets of ABN Amro, that …")."""
    assert mend("The minister Mario Draghi, that said no, met the ministers, that agreed.") == (
        "The minister Mario Draghi, who said no, met the ministers, who agreed.")
    assert mend("The law, that was passed yesterday, is late, that is to say never.") == (
        "The law, which was passed yesterday, is late, that is to say never.")
    assert mend("Yesterday, that was a Monday.") == "Yesterday, which was a Monday."  # a capital opening the sentence is no name
    assert mend("He said that the law that passed is good.") == "He said that the law that passed is good."  # no comma: stays


@pytest.mark.parametrize(
    "pivot, english",
    [  # outputs of the pivot on newssyscomb2009
        ("The minister has averted to answer; averting collisions", "The minister has avoided to answer; avoiding collisions"),
        ("Besides, the company expects 2%. It prohibits besides the presence of troops.",
         "In addition, the company expects 2%. It prohibits also the presence of troops."),
        ("compared to the year precedent; The day precedent", "compared to the previous year; The previous day"),
        ("Berlin had not had informations", "Berlin had not had information"),
        ("Morgan Stanley would have to establish a ratio. Would have to it?", "Morgan Stanley should establish a ratio. Should it?"),
        ("In spite of the rain, in spite of it", "Despite the rain, despite it"),
        ("based on a lot of inquiries; a lot of feeling", "based on many inquiries; a lot of feeling"),
        ("exhibitors of 101 diverse countries, in diverse phases, up to diverse hundred kilometres",
         "exhibitors of 101 different countries, in several phases, up to several hundred kilometres"),
    ],
)
def test_words_only_the_pivot_writes_are_put_in_english(pivot, english):
    assert mend(pivot) == english


def test_words_english_uses_stay():
    english = "The precedent was set: a diverse group, a lot of money, the 2008 precedent."
    assert mend(english) == english


def test_a_compass_adjective_goes_before_its_country():
    """"la Libia orientale" -> "Libya oriental" (the country protected, so the pivot does not move the adjective)."""
    assert mend("Libya oriental is unstable, in Sudan meridional and the Italy central.") == (
        "Eastern Libya is unstable, in southern Sudan and central Italy.")
    assert mend("Italy is central to Europe.") == "Italy is central to Europe."

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

"""The rules that keep the fidelity report quiet on faithful human translations, each on real text
(FLORES-200 devtest and newssyscomb2009 sentences, shortened) with a close case that must still be
flagged (README: "How far a flag can be trusted")."""

from __future__ import annotations

import pytest

from briefs.fidelity import pair_checks
from briefs.translate.glossary import Glossary


def kinds(source: str, target: str) -> list[str]:
    return sorted(c.kind for c in pair_checks(source, target, 0, "it", Glossary.default()) if c.kind in ("number", "name"))


CASES = [
    # (rule, source, faithful translation: no check, changed translation: a check[, the changed case's source])
    ("an underscore in an acronym reads as its hyphen",
     "I ribelli del movimento per la Liberazione del Sudan (SLA_U) hanno smentito.",
     "The rebels of the Sudan Liberation Movement (SLA-U) denied it.",
     "The rebels of the Sudan Liberation Movement denied it."),
    ("a word of the name in the engine's dictionaries (estremo = extreme)",
     "Tommy Dreamer ha dichiarato: \"Luna è stata la prima Regina dell'Estremo.\"",
     "Tommy Dreamer said \"Luna was the first Queen of Extreme.\"",
     "Tommy Dreamer said \"Luna was the first Queen of Pop.\""),
    ("a cognate by its skeleton (Osservatorio ~ Observatory)",
     "\"Io non faccio il sociologo\", aggiunge il numero uno dell'Osservatorio.",
     "\"I am not a sociologist\", adds the number one of the Observatory.",
     "\"I am not a sociologist\", adds its number one."),
    ("a name kept by the word the English translates (Amazzoni ~ Amazon; Rio is an ordinary word)",
     "Il Rio delle Amazzoni è il secondo fiume più lungo del mondo.",
     "The Amazon is the second longest river on Earth.",
     "The Nile is the second longest river on Earth."),
    ("only translated words kept: a missing name that is no Italian word still counts",
     "I videogiochi venduti nello Stato della California avranno un'etichetta.",
     "Video games sold in the state of California will carry a label.",
     "Video games sold in the state will carry a label."),
    ("a long name the translation gives as the acronym the source puts after it",
     "Il Ministero dell'Economia, del Commercio e dell'Industria (METI) ha annunciato 34 incidenti.",
     "METI announced 34 incidents.",
     "The ministry announced 34 incidents."),
    ("the acronym in brackets after a name of the translation's own does not excuse the long name",
     "La Morgan Stanley ha firmato con la Mitsubishi UFJ Financial Group (MUFG), la prima banca in Giappone.",
     "Morgan Stanley signed with MUFG, the first bank of Japan.",
     "Morgan Stanley signed with (MUFG), the first bank of Japan."),
    ("an acronym spelt out (all but one of its initials)",
     "Secondo una stima dell'USACE, 6 pollici di pioggia potrebbero rompere gli argini.",
     "The U.S. Corps of Engineers estimated that 6 inches of rainfall could breach the levees.",
     "The engineers estimated that 6 inches of rainfall could breach the levees."),
    ("not when the source spells the acronym out too",
     "Il Parco nazionale Kruger (Kruger National Park, KNP) si trova a nord-est del Sudafrica.",
     "The Kruger National Park (KNP) lies in the north-east of South Africa.",
     "The Kruger National Park lies in the north-east of South Africa."),
    ("a name and its number as initial and digits (Formula 1 = F1)",
     "Tra gli sport più diffusi ci sono il calcio, il rugby e le gare di Formula 1.",
     "Popular sports include football, rugby and F1 motor racing.",
     "Popular sports include football, rugby and F2 motor racing."),
    ("a capitalised function word (the courtesy Lei = her) is no name",
     "Il giudice ha detto che Lei e Mario Rossi devono presentarsi.",
     "The judge said that she and Mario Rossi must appear.",
     "The judge said that she must appear."),
    ("a misspelt sentence-opening word is no name (Sfortunamente ~ sfortunatamente)",
     "Sfortunamente, lo studio della scrittura è difficile.",
     "Unfortunately, studying writing is difficult.",
     "Unfortunately, studying writing is difficult.",
     "Sandermann, lo studio della scrittura è difficile."),  # a sentence-opening name near no word
    ("a name's English adjective (Gange -> Gangetic)",
     "Le giungle un tempo ricoprivano la pianura del Gange.",
     "The jungles once covered the Gangetic plain.",
     "The jungles once covered the Indus plain."),
    ("a name in number words written in digits (Seventeen Seventy, the town)",
     "Le cubomeduse compaiono da ottobre ad aprile a nord di Seventeen Seventy.",
     "Box jellyfish occur from October to April north of 1770.",
     "Box jellyfish occur from October to April north of 1771."),
    ("an Italian ordinal day (1° gennaio = January 1)",
     "Il 1° gennaio 2020 è entrata in vigore la riforma.",
     "The reform came into force on January 1, 2020.",
     "The reform came into force on January 2, 2020."),
    ("'e mezzo' after a scale word (un milione e mezzo = 1.5 million)",
     "Un milione e mezzo di persone hanno lasciato la città.",
     "1.5 million people have left the city.",
     "2.5 million people have left the city."),
    ("a decade's end (tra il 1850 e il 1860 = the 1850s)",
     "Apia fu fondata tra il 1850 e il 1860 ed è la capitale delle Samoa dal 1959.",
     "Apia was founded in the 1850s and has been the capital of Samoa since 1959.",
     "Apia was founded in the 1840s and has been the capital of Samoa since 1959."),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_rule_keeps_a_faithful_translation_quiet_and_still_flags_a_change(case):
    rule, source, faithful, changed = case[:4]
    assert kinds(source, faithful) == [], rule
    assert kinds(case[4] if len(case) > 4 else source, changed) != [], rule


def test_a_language_without_a_word_list_is_checked_not_crashed():
    """wordfreq has no Estonian list (and needs MeCab or jieba for Japanese and Chinese): the report
    still runs instead of failing the whole result; a dropped name is still flagged, a
    sentence-opening word is not taken for one."""
    source = "Tallinn on Eesti pealinn. Linnas elab 450 000 inimest ja Kadrioru loss."
    found = pair_checks(source, "Tallinn is the capital of Estonia. The city has 450,000 inhabitants.", 0, "et")
    assert [c.text for c in found if c.kind in ("number", "name")] == ["Kadrioru"]
    for lang in ("ja", "zh-cn"):
        found = pair_checks("Il sindaco Rossi ha parlato con Tanaka.", "Mayor Rossi spoke.", 0, lang)
        assert [c.text for c in found if c.kind == "name"] == ["Tanaka"]

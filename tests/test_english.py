"""The English word list (service/english.py): leftover Italian/Spanish words in English text."""

from briefs.english import is_english, leftover_words


def test_leftover_italian_and_spanish_words_are_found_names_are_not():
    text = "The Tajani said the polizia saw the fatturato of semiconduttori a través la red in Washington."
    found = [(w.word, w.language) for w in leftover_words(text)]
    assert found == [("polizia", "it"), ("fatturato", "it"), ("semiconduttori", "it"), ("través", "es")]


def test_english_words_and_compounds_are_not_leftovers():
    assert leftover_words("A non-profit group per capita reconfigured its semiconductor plan, con artist said.") == []
    assert is_english("reconfiguration") and not is_english("riconfigurazione")


def test_unknown_word_copied_from_the_source_is_reported():
    (w,) = leftover_words("the xqzpiano was closed", source_text="lo xqzpiano era chiuso")
    assert (w.word, w.language) == ("xqzpiano", "?")
    assert leftover_words("the xqzpiano was closed") == []


def test_the_leftover_rate_has_a_bootstrap_interval_over_sentences():
    from briefs.evaluate import metrics

    clean = ["The police saw the turnover of the first half."] * 30
    leftover = ["The polizia saw the fatturato of the first half."] * 10
    found = metrics.leftover_rate(clean + leftover)
    assert found["words"] == 20 and found["of"] == 360 and found["per_1000"] == 55.56
    # 2 leftovers in a 9-word sentence: no resampling of the sentences goes above 2/9
    assert 0 < found["low"] < found["per_1000"] < found["high"] < 1000 * 2 / 9
    assert metrics.leftover_rate(clean)["low"] == metrics.leftover_rate(clean)["high"] == 0.0
    assert metrics.leftover_rate(clean + leftover) == found  # a fixed seed: the report reproduces

"""The compact GloVe vocabulary finds exactly the rows the package's own word list gives, lower-casing like GloVe."""
import pandas as pd
import pytest

from engine.encoders.glove import KEY_BYTES, glove_table, package_folder


@pytest.fixture(scope="module")
def package_words() -> list[str]:
    return pd.read_parquet(package_folder() / "glove_6B_index.parquet")["index"].tolist()


def test_every_package_word_finds_its_own_row(package_words):
    table = glove_table()
    assert len(table) == len(package_words)
    assert (table.ids(package_words) == range(len(package_words))).all()
    assert (table.ids([word.upper() for word in package_words[:20_000]]) == range(20_000)).all()


def test_unknown_long_and_odd_words(package_words):
    row = {word: i for i, word in enumerate(package_words)}
    longest = max(package_words, key=len)
    assert len(longest.encode()) > KEY_BYTES, "the longest word does not fit a fixed-width key"
    cut = longest.encode()[:KEY_BYTES].decode("utf-8", "ignore")
    words = ["Bank", "ÉCOLE", longest, cut + "zz", "qzxqzxv", "", "the\x00", "\ud800"]
    expected = [row["bank"], row["école"], row[longest]] + [row.get(cut + "zz", -1)] + [-1] * 4
    assert glove_table().ids(words).tolist() == expected

"""The lookups that keep the server's memory small give what reading everything gives: GloVe rows read from the file
instead of a memory map, and EWT gold trees read back from their byte offsets instead of kept in memory."""
import numpy as np

from engine.corpus.conllu import read_conllu
from engine.encoders.glove import FREQUENT_ROWS, glove_table
from engine.heads.behaviour import gold_tree
from engine.heads.probe_data import read_treebank
from engine.settings import EWT_DEV, EWT_TRAIN


def _rss_file_mb() -> float:
    """Resident file-backed memory of this process (the pages of memory-mapped files)."""
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("RssFile"))
    return int(line.split()[1]) / 1024


def test_glove_rows_equal_the_matrix_and_map_nothing():
    table = glove_table()
    rows = np.r_[0, 1, FREQUENT_ROWS - 1, FREQUENT_ROWS, np.random.default_rng(0).integers(FREQUENT_ROWS,
                                                                                            len(table), 500)]
    words = table.most_frequent(len(table))
    asked = [words[row] for row in rows] + ["qzxqzxv"]
    before = _rss_file_mb()
    vectors, known = table.vectors(asked)
    assert _rss_file_mb() - before < 4  # through the memory map, ten rare words mapped 27 MB of the file
    assert known.tolist() == [True] * len(rows) + [False]
    np.testing.assert_array_equal(vectors[:-1], np.asarray(table.matrix[table.ids(asked[:-1])]))
    assert not vectors[-1].any()


def test_a_sentence_read_from_its_offset_is_the_one_read_in_order():
    sentences = list(read_conllu(EWT_DEV))
    for sentence in sentences[:3] + sentences[1000:1002] + sentences[-2:]:
        assert next(read_conllu(EWT_DEV, sentence.offset)) == sentence


def test_gold_trees_from_the_offset_index_equal_the_trees_kept_in_memory():
    kept = {}  # what the index held before: every tree, the first of each sentence (train before dev)
    for path in (EWT_TRAIN, EWT_DEV):
        for tree in read_treebank(path):
            kept.setdefault(tree.words, tree)
    for words, tree in list(kept.items())[::100]:
        assert gold_tree(list(words)) == tree
    assert gold_tree(["not", "a", "treebank", "sentence", "at", "all"]) is None

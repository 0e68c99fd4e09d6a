"""The gold-data readers of ``engine.corpus``: one per format, checked against records read by hand from the files
in ``../shared/data``, and the only code in the project that opens those files."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from engine.corpus.conllu import read_conllu
from engine.corpus.gap import Mention, read_gap_snippets
from engine.corpus.semcor import read_semcor, token_words
from engine.settings import (
    EWT_DEV,
    EWT_TRAIN,
    GAP_DEVELOPMENT,
    GAP_VALIDATION,
    SEMCOR_BROWN1,
)

ROOT = Path(__file__).resolve().parent.parent

# --- CoNLL-U ----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ewt_dev():
    return list(read_conllu(EWT_DEV))


def test_ewt_dev_has_its_sentences_and_words(ewt_dev):
    assert len(ewt_dev) == 2_001
    assert sum(len(sentence.forms) for sentence in ewt_dev) == 25_147
    assert len({sentence.document for sentence in ewt_dev}) == 318  # the file's "# newdoc id" lines


def test_the_first_ewt_dev_sentence_is_read_column_by_column(ewt_dev):
    first = ewt_dev[0]
    assert first.sent_id == "weblog-blogspot.com_nominations_20041117172713_ENG_20041117_172713-0001"
    assert first.document == "weblog-blogspot.com_nominations_20041117172713_ENG_20041117_172713"
    assert first.text == "From the AP comes this story :"
    assert first.forms == tuple(first.text.split())
    assert first.lemmas == ("from", "the", "AP", "come", "this", "story", ":")
    assert first.upos == ("ADP", "DET", "PROPN", "VERB", "DET", "NOUN", "PUNCT")
    assert first.xpos == ("IN", "DT", "NNP", "VBZ", "DT", "NN", ":")
    assert first.feats[3] == "Mood=Ind|Number=Sing|Person=3|Tense=Pres|VerbForm=Fin"
    assert first.heads == (3, 3, 4, 0, 6, 4, 4)
    assert first.deprels == ("case", "det", "obl", "root", "det", "nsubj", "punct")
    assert first.deps[2] == "4:obl:from"
    assert first.misc == ("_",) * 7


def test_multiword_tokens_give_way_to_their_syntactic_words(ewt_dev):
    sentence = next(s for s in ewt_dev if s.sent_id.endswith("20030906_235000-0003"))
    assert sentence.text.startswith("Today's incident")
    assert sentence.forms[:3] == ("Today", "'s", "incident")  # not the "1-2 Today's" line
    assert sentence.heads[:3] == (3, 1, 4)


def test_every_treebank_sentence_is_one_tree_over_its_words():
    """EWT train holds empty nodes (``8.1``) as well as multiword tokens: neither becomes a word."""
    train = list(read_conllu(EWT_TRAIN))
    assert len(train) == 12_544 and len({sentence.document for sentence in train}) == 540
    assert sum(len(sentence.forms) for sentence in train) == 204_577
    for sentence in train:
        columns = (sentence.forms, sentence.lemmas, sentence.upos, sentence.xpos, sentence.feats, sentence.heads,
                   sentence.deprels, sentence.deps, sentence.misc)
        assert len({len(column) for column in columns}) == 1, sentence.sent_id
        assert sentence.heads.count(0) == 1 and max(sentence.heads) <= len(sentence.forms), sentence.sent_id


# --- SemCor -----------------------------------------------------------------------------------------------------


def test_semcor_brown1_has_the_documented_size():
    sentences = list(read_semcor(SEMCOR_BROWN1))
    assert len(sentences) == 11_182
    assert len({sentence.doc for sentence in sentences}) == 103
    assert sum(key is not None for sentence in sentences for key in sentence.senses) == 106_639
    assert all(len(s.tokens) == len(s.lemmas) == len(s.pos) == len(s.senses) for s in sentences)
    assert (sentences[-1].doc, sentences[-1].sent) == ("br-r09", 87)


def test_the_first_semcor_sentence_keeps_every_field():
    first = next(read_semcor(SEMCOR_BROWN1))
    assert (first.doc, first.sent, len(first.tokens)) == ("br-a01", 1, 21)
    assert first.tokens[:3] == ("The", "Fulton_County_Grand_Jury", "said")
    assert first.lemmas[:3] == ("the", "group", "say")  # a named entity's lemma is its class
    assert first.pos[:3] == ("DT", "NNP", "VB")
    assert first.senses[:3] == (None, "group%1:03:00::", "say%2:32:00::")
    assert (first.tokens[12], first.pos[12], first.senses[12]) == ("``", None, None)


def test_multiword_tokens_open_into_their_words():
    assert token_words("took_place") == ["took", "place"]
    assert token_words("Fulton_County_Grand_Jury") == ["Fulton", "County", "Grand", "Jury"]
    assert token_words("bank") == ["bank"]
    assert token_words("_") == ["_"]


# --- GAP --------------------------------------------------------------------------------------------------------


def test_gap_files_have_their_snippets_and_offsets_point_at_the_mentions():
    for path, count in ((GAP_DEVELOPMENT, 2_000), (GAP_VALIDATION, 454)):
        snippets = read_gap_snippets(path)
        assert len(snippets) == count
        for snippet in snippets:
            for mention in (snippet.pronoun, snippet.a, snippet.b):
                assert snippet.text[mention.offset:mention.end] == mention.text, snippet.id


def test_the_first_gap_development_snippet_is_read_field_by_field():
    first = read_gap_snippets(GAP_DEVELOPMENT)[0]
    assert first.id == "development-1"
    assert first.text.startswith("Zoe Telford -- played the police officer girlfriend of Simon, Maggie.")
    assert first.pronoun == Mention("her", 274)
    assert (first.a, first.a_coref) == (Mention("Cheryl Cassidy", 191), True)
    assert (first.b, first.b_coref) == (Mention("Pauline", 207), False)
    assert first.url == "http://en.wikipedia.org/wiki/List_of_Teachers_(UK_TV_series)_characters"


# --- nobody else reads the gold files ---------------------------------------------------------------------------

GOLD_PATHS = {"SHARED_DATA", "EWT_TRAIN", "EWT_DEV", "SEMCOR_BROWN1", "GAP_DEVELOPMENT", "GAP_VALIDATION"}
GOLD_FILE_NAMES = tuple(path.name for path in (EWT_TRAIN, EWT_DEV, SEMCOR_BROWN1, GAP_DEVELOPMENT, GAP_VALIDATION))
FORMAT_MARKERS = ("# sent_id", "# text", "A-coref", "B-coref", "Pronoun-offset")  # what only a parser looks for
OPENERS = {"open", "read_text", "read_bytes", "readlines", "reader", "DictReader"}


def gold_file_reading(source: str) -> list[str]:
    """Where a module's code reads a gold file itself: opens a gold path, names a gold file, looks for CoNLL-U or
    GAP markup, splits lines at tabs, or decodes JSON line by line (SemCor)."""
    tree = ast.parse(source)
    loop_names = {node.id for loop in ast.walk(tree) if isinstance(loop, (ast.For, ast.comprehension))
                  for node in ast.walk(loop.target) if isinstance(node, ast.Name)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and _is_gold_text(node.value):
            found.append(f"line {node.lineno}: {node.value!r}")
        elif isinstance(node, ast.Call) and _parses_gold_data(node, loop_names):
            found.append(f"line {node.lineno}: {ast.unparse(node)[:80]}")
    return found


def _is_gold_text(value: object) -> bool:
    """A gold file's name or the markup only a CoNLL-U or GAP parser looks for."""
    return isinstance(value, str) and (value.endswith((".conllu", ".tsv", *GOLD_FILE_NAMES))
                                       or value.startswith(FORMAT_MARKERS))


def _parses_gold_data(call: ast.Call, loop_names: set[str]) -> bool:
    """Opens a gold path, splits at tabs (CoNLL-U, GAP) or decodes the lines of a file as JSON (SemCor)."""
    called = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
    names = {n.id if isinstance(n, ast.Name) else n.attr for n in ast.walk(call)
             if isinstance(n, (ast.Name, ast.Attribute))}
    arguments = [*call.args, *(keyword.value for keyword in call.keywords)]
    tab = any(isinstance(a, ast.Constant) and a.value == "\t" for a in arguments)
    return ((called in OPENERS and bool(names & GOLD_PATHS)) or (tab and called in {"split", "reader", "DictReader"})
            or (called == "loads" and any(isinstance(a, ast.Name) and a.id in loop_names for a in call.args)))


def project_modules() -> list[Path]:
    """Every module of the app and engine except the readers themselves and the settings that name the paths."""
    modules = [ROOT / "app.py", *(path for folder in ("engine", "ui", "pages", "benchmarks")
                                  for path in (ROOT / folder).rglob("*.py"))]
    readers = ROOT / "engine" / "corpus"
    return sorted(m for m in modules if readers not in m.parents and m != ROOT / "engine" / "settings.py")


def test_no_module_outside_engine_corpus_reads_a_gold_file_itself():
    modules = project_modules()
    assert ROOT / "engine" / "heads" / "probe_data.py" in modules and len(modules) > 40
    offences = {str(m.relative_to(ROOT)): found for m in modules if (found := gold_file_reading(m.read_text()))}
    assert offences == {}


@pytest.mark.parametrize("reader", [
    "for line in EWT_DEV.open():\n    if line.startswith('# text = '): pass",
    "rows = [line.split('\\t') for line in open(path)]",
    "rows = csv.DictReader(handle, delimiter='\\t')",
    "records = [json.loads(line) for line in path.read_text().splitlines()]",
    "text = SEMCOR_BROWN1.read_text()",
    "path = ROOT / 'data' / 'another-split.conllu'",
])
def test_the_scan_catches_a_hand_written_reader(reader):
    assert gold_file_reading(reader)

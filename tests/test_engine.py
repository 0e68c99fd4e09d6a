"""The public engine API, for every encoder that ships with the project, and the layout rules that keep it small:
encoders describe themselves, the registry is the one list of them, and no module imports itself in a circle."""
from __future__ import annotations

import ast
import inspect
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import numpy as np
import pytest

import engine
from engine import (
    ENCODER_NAMES,
    EncoderUnavailable,
    InputTooLong,
    load_encoder,
    tokenize,
)
from engine.encoders import registry

ROOT = Path(__file__).resolve().parent.parent
ENCODER_PACKAGE = ROOT / "engine" / "encoders"

SENTENCES = [
    "The bank raised its interest rates.",
    "We sat on the grassy bank of the river.",
    "Unbelievably, the antidisestablishmentarianism debate didn't end.",
]


@pytest.fixture(scope="module", params=ENCODER_NAMES)
def encoder(request):
    return load_encoder(request.param)


def test_encoder_names_and_public_api():
    assert ENCODER_NAMES == ("static", "bilstm", "elmo", "bert")
    assert issubclass(EncoderUnavailable, RuntimeError)
    assert load_encoder("bert") is load_encoder("bert"), "loaded once per process"


def test_attributes(encoder):
    assert encoder.name in ENCODER_NAMES
    assert encoder.layer_names and all(isinstance(n, str) for n in encoder.layer_names)
    assert isinstance(encoder.dim, int) and encoder.dim > 0
    assert isinstance(encoder.description, str) and len(encoder.description) > 40


def test_shapes_one_vector_per_word(encoder):
    results = encoder.encode(SENTENCES)
    for sentence, encoded in zip(SENTENCES, results):
        assert encoded.words == tokenize(sentence)
        assert encoded.vectors.dtype == np.float32
        assert encoded.vectors.shape == (len(encoder.layer_names), len(encoded.words), encoder.dim)
        assert np.isfinite(encoded.vectors).all()


def test_pretokenised_input_is_used_as_given(encoder):
    words = ["New York", "is", "big"]
    (encoded,) = encoder.encode([words])
    assert encoded.words == words
    assert encoded.vectors.shape[1] == 3


def test_unicode_and_empty_input(encoder):
    results = encoder.encode(["Café naïve 東京 😀 שלום e\u0301te\u0301", ""])
    assert results[0].vectors.shape[1] == len(results[0].words) == 6
    assert results[1].vectors.shape == (len(encoder.layer_names), 0, encoder.dim)


def test_deterministic_and_batch_independent(encoder):
    alone = encoder.encode([SENTENCES[1]])[0].vectors
    batched = encoder.encode(SENTENCES)[1].vectors
    again = encoder.encode([SENTENCES[1]])[0].vectors
    np.testing.assert_array_equal(alone, again)
    np.testing.assert_allclose(alone, batched, atol=1e-4)


def _bank_vectors(encoder):
    first, second = encoder.encode(SENTENCES[:2])
    return first.vectors[:, first.words.index("bank")], second.vectors[:, second.words.index("bank")]


def test_static_is_identical_across_contexts():
    a, b = _bank_vectors(load_encoder("static"))
    np.testing.assert_array_equal(a, b)
    assert np.linalg.norm(a) > 0


@pytest.mark.parametrize("name", ["bilstm", "elmo", "bert"])
def test_contextual_encoders_differ_across_contexts(name):
    a, b = _bank_vectors(load_encoder(name))
    top = len(a) - 1
    assert not np.allclose(a[top], b[top], atol=1e-3)


def test_static_flags_unknown_words():
    (encoded,) = load_encoder("static").encode(["the qzxqzxv bank"])
    assert encoded.unknown == [False, True, False]
    assert not encoded.vectors[0, 1].any()


def test_bert_pieces_are_averaged_into_words():
    bert = load_encoder("bert")
    (encoded,) = bert.encode(["unbelievably tokenisation"])
    assert encoded.pieces[0] == "[CLS]" and encoded.pieces[-1] == "[SEP]"
    assert len(encoded.pieces) > 4, "both words split into several pieces"
    owner = np.array(encoded.piece_to_word)
    assert set(owner) == {-1, 0, 1}
    # word 0's vector is the mean of its pieces' hidden states at every layer: recompute from the model
    import torch

    ids = torch.tensor([[bert.tokenizer.tokenizer.token_to_id(piece) for piece in encoded.pieces]])
    with torch.inference_mode():
        hidden, _ = bert.model(input_ids=ids)
    for layer, states in enumerate(hidden):
        expected = states[0, owner == 0].mean(0).numpy()
        np.testing.assert_allclose(encoded.vectors[layer, 0], expected, atol=1e-4)


def test_bert_word_attention_follows_clark_et_al():
    (encoded,) = load_encoder("bert").encode(["unbelievably tokenisation works"])
    owner = np.array(encoded.piece_to_word)
    pieces = encoded.piece_attentions
    layer, head = 2, 5
    expected = np.zeros((3, 3))
    for i in range(3):
        rows = pieces[layer, head, owner == i]  # attention from each piece of word i
        for j in range(3):
            expected[i, j] = rows[:, owner == j].sum(axis=1).mean()
    np.testing.assert_allclose(encoded.attentions[layer, head], expected, atol=1e-5)
    assert (encoded.attentions.sum(axis=-1) < 1.0 + 1e-5).all(), "rows are not renormalised after dropping [CLS]/[SEP]"


def test_bert_refuses_more_than_512_pieces():
    with pytest.raises(InputTooLong, match="512"):
        load_encoder("bert").encode(["word " * 600])


def test_recurrent_layers_keep_the_token_layer_cosines():
    bilstm = load_encoder("bilstm")
    (encoded,) = bilstm.encode(["river bank"])
    glove, _ = engine.encoders.glove.glove_table().vectors(["river", "bank"])
    padded = encoded.vectors[0]
    assert np.allclose(padded[:, :50], glove) and not padded[:, 50:].any()


def test_each_encoder_describes_itself():
    for name in ENCODER_NAMES:
        encoder = load_encoder(name)
        assert encoder.neutral_input_description and isinstance(encoder.contextual, bool)
        assert set(encoder.halves) <= {"forward", "backward"} and set(encoder.mixed_layers) <= set(encoder.layer_names)
        assert (encoder.n_heads > 0) == (encoder.n_layers > 0) == (encoder.name == "bert")
        depths = [d for d in encoder.layer_depths() if not np.isnan(d)]
        assert depths == sorted(depths) and depths[0] == 0.0 and depths[-1] == (1.0 if len(depths) > 1 else 0.0)


@pytest.mark.parametrize("name", ENCODER_NAMES)
def test_the_registry_knows_the_bundled_weights_without_loading_them(name):
    """The registry's list of bundled files (read before any model loads) is what the loaded encoder read, so stored
    results keyed by ``bundled_fingerprint`` (the preset store) and by ``Encoder.fingerprint`` (decay curves, head
    labels) agree."""
    encoder = load_encoder(name)
    (entry,) = [entry for entry in registry.ENCODERS if entry.name == name]
    assert encoder.weight_files == tuple(entry.bundled_files())
    assert encoder.fingerprint() == registry.bundled_fingerprint(name)


def test_the_registry_is_the_one_list_of_encoders():
    from ui.common import ENCODER_COLOURS, ENCODER_TITLES
    from ui.warmup import LOAD_ORDER

    assert list(ENCODER_TITLES) == list(ENCODER_COLOURS) == list(ENCODER_NAMES)
    assert sorted(LOAD_ORDER) == sorted(ENCODER_NAMES) and LOAD_ORDER[0] == "static"
    assert all(issubclass(registry.encoder_class(name), engine.Encoder) for name in ENCODER_NAMES)


def test_the_public_api_is_unchanged():
    from engine.decay.influence import influence
    from engine.heads.labels import HeadLabel, head_labels

    assert set(engine.__all__) == {"ENCODER_NAMES", "Encoded", "Encoder", "EncoderUnavailable", "HeadLabel",
                                   "InputTooLong", "head_labels", "influence", "load_encoder", "sinusoidal_positions",
                                   "tokenize"}
    assert engine.influence is influence and engine.head_labels is head_labels and engine.HeadLabel is HeadLabel
    assert list(inspect.signature(engine.load_encoder).parameters) == ["name"]
    assert list(inspect.signature(engine.influence).parameters) == ["encoder", "words", "layer", "method", "direction"]
    assert list(inspect.signature(engine.head_labels).parameters) == ["encoder", "progress"]
    assert [field.name for field in fields(engine.Encoded)] == [
        "words", "vectors", "unknown", "attentions", "pieces", "piece_attentions", "piece_to_word", "truncated"]
    assert inspect.isabstract(engine.Encoder) and issubclass(InputTooLong, ValueError)
    assert issubclass(EncoderUnavailable, RuntimeError)


def test_importing_the_engine_or_checking_stored_results_does_not_load_torch():
    """A fresh server draws stored presets before any model loads: that check must not import torch (~2 s)."""
    check = ("import sys, engine; from engine.encoders.registry import bundled_fingerprint; "
             "[bundled_fingerprint(name) for name in engine.ENCODER_NAMES]; assert 'torch' not in sys.modules")
    subprocess.run([sys.executable, "-c", check], cwd=ROOT, check=True)


def _modules_outside_the_encoders() -> list[Path]:
    files = [ROOT / "app.py"] + sorted(path for folder in ("engine", "ui", "pages")
                                       for path in (ROOT / folder).rglob("*.py"))
    return [path for path in files if ENCODER_PACKAGE not in path.parents]


def _names_an_encoder(node: ast.AST) -> bool:
    """A literal encoder name, a literal collection holding one, or an encoder's ``name`` attribute."""
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return any(_names_an_encoder(element) for element in node.elts)
    if isinstance(node, ast.Attribute) and node.attr == "name":
        return "encoder" in ast.unparse(node.value).lower()
    return isinstance(node, ast.Constant) and node.value in ENCODER_NAMES


def _knowledge_of_encoder_insides(node: ast.AST) -> str | None:
    """Why ``node`` treats encoders one by one or reaches into one, or None."""
    if isinstance(node, ast.Compare) and any(map(_names_an_encoder, [node.left, *node.comparators])):
        return "branches on an encoder's name"
    if isinstance(node, ast.MatchValue) and _names_an_encoder(node.value):
        return "branches on an encoder's name"
    if isinstance(node, ast.Dict) and sum(map(_names_an_encoder, filter(None, node.keys))) >= 2:
        return "keeps a table per encoder (the registry or the encoder should hold it)"
    if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__") \
            and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
        return "reads a private attribute of another module's object"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("hasattr", "getattr") \
            and node.args and "encoder" in ast.unparse(node.args[0]).lower():
        return "probes an encoder for an attribute instead of asking it"
    return None


def test_no_module_outside_the_encoders_knows_an_encoder_by_name_or_by_its_insides():
    """What an analysis or a page needs to know is the encoder's own attribute or method, and which encoders exist is
    the registry's list: adding an encoder touches its module and the registry only."""
    found = [f"{path.relative_to(ROOT)}:{node.lineno}: {why}: {ast.unparse(node)[:80]}"
             for path in _modules_outside_the_encoders() for node in ast.walk(ast.parse(path.read_text()))
             if (why := _knowledge_of_encoder_insides(node))]
    assert not found, "\n".join(found)


def _engine_modules() -> dict[str, Path]:
    def dotted(path: Path) -> str:
        parts = path.relative_to(ROOT).with_suffix("").parts
        return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)

    return {dotted(path): path for path in (ROOT / "engine").rglob("*.py")}


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """The engine modules ``path`` imports anywhere (at the top or inside a function: both can close a cycle)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.update(f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in modules else node.module
                         for alias in node.names)
    return found & set(modules)


def _cycle_from(start: str, graph: dict[str, set[str]]) -> list[str] | None:
    """A chain of imports that leads from ``start`` back to it, or None."""
    paths, seen = [[start]], {start}
    while paths:
        path = paths.pop()
        for following in sorted(graph[path[-1]]):
            if following == start:
                return path + [start]
            if following not in seen:
                seen.add(following)
                paths.append(path + [following])
    return None


def test_the_engine_has_no_import_cycles():
    modules = _engine_modules()
    graph = {name: _imports(path, modules) - {name} for name, path in modules.items()}
    cycles = [" -> ".join(cycle) for name in sorted(graph) if (cycle := _cycle_from(name, graph))]
    assert not cycles, "\n".join(cycles)

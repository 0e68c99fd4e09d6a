"""Language-model training (engine.training.train, --quick end to end) and the sense-separation measure (engine.training.evaluate)."""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import torch

from engine.encoders.checkpoints import load_checkpoint
from engine.training import evaluate, train

CARD_KEYS = {"config", "corpus", "tokens_seen", "dev_perplexity", "training_minutes", "command", "date"}


# --- training ----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def quick_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from engine.corpus.lm_corpus import build_corpus

    folder = tmp_path_factory.mktemp("corpus")
    build_corpus(folder, quick=True)
    return folder


def run_quick(model: str, corpus: Path, root: Path, *extra: str) -> None:
    """Train --quick into ``root`` (never engine/weights), keeping the test process's thread count."""
    train.main([model, "--quick", "--corpus", str(corpus), "--runs", str(root / "runs"),
                "--out", str(root / "weights"), "--threads", str(torch.get_num_threads()), *extra])


def metrics(root: Path, model: str) -> list[dict]:
    lines = (root / "runs" / f"{model}-quick" / "metrics.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


def load_encoder_from(model: str, stem: Path):
    if model == "bilstm":
        from engine.encoders.bilstm import BiLSTMEncoder

        return BiLSTMEncoder.from_checkpoint(stem)
    from engine.encoders.elmo import ElmoEncoder

    return ElmoEncoder.from_checkpoint(stem)


@pytest.mark.parametrize("model", train.MODEL_NAMES)
def test_quick_training_learns_and_ships_a_loadable_checkpoint(model: str, quick_corpus: Path, tmp_path: Path) -> None:
    run_quick(model, quick_corpus, tmp_path)

    events = metrics(tmp_path, model)
    start, final = events[0], events[-1]
    assert (start["event"], final["event"]) == ("start", "final")
    for direction in ("forward", "backward"):
        assert final["dev_perplexity"][direction] < 0.5 * start["dev_perplexity"][direction]
    assert final["step"] == train.QUICK.max_steps

    stem = tmp_path / "weights" / model
    state, card = load_checkpoint(stem, model, "")
    assert CARD_KEYS <= card.keys()
    assert card["tokens_seen"] == final["tokens_seen"] > 0
    assert set(card["dev_perplexity"]) == {"forward", "backward"}
    assert all(math.isfinite(v) and v > 1 for v in card["dev_perplexity"].values())
    assert card["command"].startswith(f"python -m engine.training.train {model} --quick")
    assert stem.with_suffix(".safetensors").stat().st_size <= train.MAX_FILE_BYTES

    encoder = load_encoder_from(model, stem)
    assert set(state) == set(encoder.model.state_dict())  # model weights only, no softmax
    words = ["The", "bank", "raised", "its", "rates", "."]
    (encoded,) = encoder.encode([words])
    assert encoded.vectors.shape == (len(encoder.layer_names), len(words), encoder.dim)
    assert np.isfinite(encoded.vectors).all()


def test_resume_continues_where_the_run_stopped(quick_corpus: Path, tmp_path: Path) -> None:
    run_quick("bilstm", quick_corpus, tmp_path, "--max-steps", "10")
    first = metrics(tmp_path, "bilstm")[-1]
    run_quick("bilstm", quick_corpus, tmp_path, "--max-steps", "15", "--resume")
    second = metrics(tmp_path, "bilstm")[-1]
    assert (first["step"], second["step"]) == (10, 15)
    assert second["batch"] == first["batch"] + 5
    assert second["tokens_seen"] > first["tokens_seen"]


@pytest.mark.slow
def test_glove_teacher_joins_a_run_teaches_the_char_cnn_and_is_not_shipped(quick_corpus: Path, tmp_path: Path) -> None:
    run_quick("elmo", quick_corpus, tmp_path, "--max-steps", "10")
    joined_at = metrics(tmp_path, "elmo")[-1]["tokens_seen"]
    run_quick("elmo", quick_corpus, tmp_path, "--max-steps", "40", "--resume", "--glove-teacher", "1")

    events = {e["event"]: e for e in metrics(tmp_path, "elmo")}
    assert events["final"]["glove_teacher"] < events["teacher_joins"]["glove_teacher"] - 0.05  # 1 - cosine
    state, card = load_checkpoint(tmp_path / "weights" / "elmo", "elmo", "")
    assert card["glove_teacher"]["tokens_taught"] == card["tokens_seen"] - joined_at > 0
    encoder = load_encoder_from("elmo", tmp_path / "weights" / "elmo")
    assert set(state) == set(encoder.model.state_dict())  # no read-out in the shipped weights
    assert "GloVe 6B 50d vectors" in encoder.description
    with pytest.raises(SystemExit, match="--glove-teacher"):
        run_quick("elmo", quick_corpus, tmp_path, "--max-steps", "45", "--resume")
    with pytest.raises(SystemExit, match="only elmo"):
        run_quick("bilstm", quick_corpus, tmp_path, "--glove-teacher", "1")


@pytest.mark.slow
def test_warm_start_continues_a_shipped_checkpoint_and_adds_to_its_card(quick_corpus: Path, tmp_path: Path) -> None:
    run_quick("elmo", quick_corpus, tmp_path, "--max-steps", "20", "--glove-teacher", "1")
    source = tmp_path / "weights" / "elmo"
    source_state, source_card = load_checkpoint(source, "elmo", "")
    warm = tmp_path / "warm"
    run_quick("elmo", quick_corpus, warm, "--warm-start", str(source), "--head-steps", "8", "--max-steps", "16",
              "--glove-teacher", "1")

    events = {e["event"]: e for e in metrics(warm, "elmo")}
    new_softmax, trained = events["start"]["dev_perplexity"], events["softmax_trained"]["dev_perplexity"]
    assert events["softmax_trained"]["step"] == 8
    for direction in ("forward", "backward"):
        assert trained[direction] < 0.7 * new_softmax[direction]  # the new softmax learnt the frozen model's features
    state, card = load_checkpoint(warm / "weights" / "elmo", "elmo", "")
    assert any(not torch.equal(state[k], source_state[k]) for k in state)  # the model trained after the softmax
    assert card["steps"] == source_card["steps"] + 16
    assert card["tokens_seen"] == events["final"]["tokens_seen"] > source_card["tokens_seen"]
    assert card["glove_teacher"]["tokens_taught"] == card["tokens_seen"]  # taught from the first run on
    assert card["warm_start"]["tokens_seen"] == source_card["tokens_seen"]
    assert card["warm_start"]["commands"] == [source_card["command"]]
    assert "--warm-start" in card["command"]


def test_a_frozen_model_is_unchanged_by_softmax_only_updates(quick_corpus: Path, tmp_path: Path) -> None:
    run_quick("bilstm", quick_corpus, tmp_path, "--max-steps", "5")
    source = tmp_path / "weights" / "bilstm"
    run_quick("bilstm", quick_corpus, tmp_path / "warm", "--warm-start", str(source), "--head-steps", "6",
              "--max-steps", "6")
    before, _ = load_checkpoint(source, "bilstm", "")
    after, _ = load_checkpoint(tmp_path / "warm" / "weights" / "bilstm", "bilstm", "")
    assert all(torch.equal(before[k], after[k]) for k in before)
    with pytest.raises(SystemExit, match="choose one"):
        run_quick("bilstm", quick_corpus, tmp_path, "--warm-start", str(source), "--resume")
    with pytest.raises(SystemExit, match="Cannot warm-start"):
        run_quick("bilstm", quick_corpus, tmp_path, "--warm-start", str(tmp_path / "missing"))


def test_length_batches_cover_every_sentence_once_within_the_budget() -> None:
    lengths = np.random.default_rng(1).integers(1, 40, size=500)
    batches = train.length_batches(lengths, batch_tokens=200, seed=3, epoch=0)
    indices = np.concatenate(batches)
    assert sorted(indices.tolist()) == list(range(500))
    for batch in batches:
        assert len(batch) == 1 or len(batch) * (lengths[batch].max() + 2) <= 200
        assert lengths[batch].max() - lengths[batch].min() <= 3  # similar lengths
    again = train.length_batches(lengths, batch_tokens=200, seed=3, epoch=0)
    assert all(np.array_equal(a, b) for a, b in zip(batches, again))
    other_epoch = train.length_batches(lengths, batch_tokens=200, seed=3, epoch=1)
    assert any(not np.array_equal(a, b) for a, b in zip(batches, other_epoch))


def test_targets_are_the_next_and_previous_tokens_of_the_framed_sentence() -> None:
    vocab = train.Vocabulary(list(train.SPECIALS) + ["a", "b", "c"])
    ids = vocab.framed_ids([["A", "b", "zzz"], ["c"]])
    a, b, c = vocab.index["a"], vocab.index["b"], vocab.index["c"]
    assert ids[0].tolist() == [train.BOS, a, b, train.UNK, train.EOS]
    lengths = torch.tensor([5, 3])
    forward_mask, next_ids, backward_mask, previous_ids = train.shifted_targets(ids, lengths)
    assert next_ids[0][forward_mask[0]].tolist() == [a, b, train.UNK, train.EOS]
    assert previous_ids[0][backward_mask[0]].tolist() == [train.BOS, a, b, train.UNK]
    assert next_ids[1][forward_mask[1]].tolist() == [c, train.EOS]
    assert previous_ids[1][backward_mask[1]].tolist() == [train.BOS, c]


def test_vocabulary_puts_specials_first_then_words_by_frequency() -> None:
    vocab = train.Vocabulary.build(["the cat", "The dog", "the cat sat"], size=2)
    assert vocab.words == ["<S>", "</S>", "<unk>", "the", "cat"]


# --- sense separation --------------------------------------------------------------------------------------

def occurrences(word: str, senses: list[str]) -> list[evaluate.SenseOccurrence]:
    return [evaluate.SenseOccurrence(i, 0, 1, word, sense) for i, sense in enumerate(senses)]


def test_nearest_centroid_finds_separated_senses_and_ties_fall_to_the_frequent_sense() -> None:
    rng = np.random.default_rng(0)
    train_senses = ["a"] * 3 + ["b"] * 5 + ["c"] * 2
    test_senses = ["a", "a", "a", "b", "c", "c"]
    axis = {"a": 0, "b": 1, "c": 2}

    def vectors(senses: list[str]) -> np.ndarray:
        """Layer 0 points along the sense's own axis (plus noise); layer 1 is the same for every sense."""
        out = np.zeros((len(senses), 2, 4), dtype=np.float32)
        for row, sense in enumerate(senses):
            out[row, 0, axis[sense]] = 1.0
            out[row, 0] += rng.normal(0, 0.1, size=4)
            out[row, 1] = [1, 1, 0, 0]
        return out

    train_occ, test_occ = occurrences("bank%n", train_senses), occurrences("bank%n", test_senses)
    accuracy = evaluate.held_out_centroid_accuracy(train_occ, vectors(train_senses), test_occ, vectors(test_senses))
    mfs = evaluate.mfs_accuracy(train_occ, test_occ)
    assert mfs == pytest.approx(test_senses.count("b") / len(test_senses))
    assert accuracy[0] == 1.0
    assert accuracy[1] == pytest.approx(mfs)  # all similarities tie: the most frequent train sense wins


def test_centroids_are_means_compared_by_cosine_not_distance() -> None:
    train_occ = occurrences("bass%n", ["fish", "fish", "music"])
    train_vectors = np.array([[[8.0, 0.0]], [[12.0, 0.0]], [[0.0, 1.0]]], dtype=np.float32)
    centroids = evaluate.SenseCentroids(train_occ, train_vectors)
    np.testing.assert_allclose(centroids.centroids["bass%n"][0], [[10.0, 0.0], [0.0, 1.0]])
    # Euclidean distance would pick "music" (much closer), cosine picks "fish" (smaller angle).
    assert centroids.predict("bass%n", np.array([[1.0, 0.5]])) == ["fish"]


def test_only_words_with_several_train_senses_including_the_gold_one_are_scored() -> None:
    train_occ = occurrences("bank%n", ["river", "money"]) + occurrences("cat%n", ["pet"])
    test_occ = occurrences("bank%n", ["money", "vault"]) + occurrences("cat%n", ["pet"]) + occurrences("dog%n", ["x"])
    scored = evaluate.scored_occurrences(train_occ, test_occ)
    assert [(o.word, o.sense) for o in scored] == [("bank%n", "money")]


def test_semcor_split_by_document_and_multiword_tokens(tmp_path: Path) -> None:
    records = []
    for doc in range(10):
        sense = "bank%1:14:00::" if doc % 2 else "bank%1:17:01::;1:17:00::"
        records.append({"doc": f"d{doc:02d}", "sent": 1, "tokens": ["The", "river_bank", "flooded"],
                        "lemmas": ["the", "bank", "flood"], "pos": ["DT", "NN", "VB"],
                        "senses": [None, sense, "flood%2:30:00::"]})
    path = tmp_path / "semcor.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")

    data = evaluate.load_semcor(path)
    assert (data.train_documents, data.test_documents) == (8, 2)  # d04 and d09 are held out
    assert sorted(o.sense for o in data.test) == ["bank%1:14:00::", "bank%1:17:01::"]
    assert {o.word for o in data.train} == {"bank%n"}  # flood has one sense: never scored, not kept
    assert all(data.sentences[o.sentence][o.start:o.end] == ["river", "bank"] for o in data.train + data.test)
    assert evaluate.split_tokens(["took_place", "."]) == (["took", "place", "."], [(0, 2), (2, 3)])


def test_another_semcor_part_is_tested_on_every_document_with_centroids_from_every_train_document(
        tmp_path: Path) -> None:
    def write(name: str, docs: list[str], sense: str) -> Path:
        records = [{"doc": doc, "sent": 1, "tokens": ["a", "bank"], "lemmas": ["a", "bank"], "pos": ["DT", "NN"],
                    "senses": [None, sense if i % 2 else "bank%1:17:01::"]} for i, doc in enumerate(docs)]
        path = tmp_path / name
        path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
        return path

    train_path = write("brown1.jsonl", [f"br-a{i:02d}" for i in range(6)], "bank%1:14:00::")
    test_path = write("brown2.jsonl", ["br-x01", "br-x02", "br-x03"], "bank%1:14:00::")
    data = evaluate.load_semcor(train_path, test_path)
    assert (data.train_documents, data.test_documents) == (6, 3)
    assert len(data.train) == 6 and len(data.test) == 3
    assert "every document of brown2.jsonl" in data.split
    assert "every 5th" in evaluate.load_semcor(train_path).split

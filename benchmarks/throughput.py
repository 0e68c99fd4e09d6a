"""Encoding throughput of every encoder on bundled sentences, and BERT against its raw transformers forward pass."""
from __future__ import annotations

import time
from dataclasses import dataclass

import engine
from engine.word_in_context.corpus_index import corpus_index

N_SENTENCES = 1000


def bundled_sentences(n: int = N_SENTENCES) -> list[str]:
    """``n`` sentences spread evenly over the bundled corpus (SemCor brown1 + EWT train/dev)."""
    texts = corpus_index().texts
    return [texts[i * len(texts) // n] for i in range(n)]


@dataclass
class Throughput:
    encoder: str
    sentences_per_s: float
    raw_sentences_per_s: float | None = None  # BERT only: the bare model on the same batches

    @property
    def ratio(self) -> float | None:
        return self.sentences_per_s / self.raw_sentences_per_s if self.raw_sentences_per_s else None


def encoder_throughput(encoder: engine.Encoder, sentences: list[str]) -> Throughput:
    """Sentences per second of ``encoder.encode`` on raw text, after one warm-up call."""
    encoder.encode(sentences[:8])
    start = time.perf_counter()
    encoder.encode(sentences)
    return Throughput(encoder.name, len(sentences) / (time.perf_counter() - start))


def bert_against_raw(bert, sentences: list[str]) -> Throughput:
    """BERT through the engine and transformers' bare ``AutoModel`` forward, on the same batches, interleaved.

    Batches are the engine's: sentences sorted by WordPiece count, ``bert.batch_size`` per batch, padded to the
    longest. The raw pass is ``model(input_ids, attention_mask)`` with no hidden states or attentions returned,
    timed without tokenisation; the engine is timed end to end from raw text. Interleaving keeps both under the
    same load when other processes share the machine.
    """
    import torch
    from transformers import AutoModel, AutoTokenizer

    raw_model = AutoModel.from_pretrained(bert.source).eval()  # the library's defaults (SDPA attention)
    tokenizer = AutoTokenizer.from_pretrained(bert.source)
    words = [engine.tokenize(text) for text in sentences]
    pieces = [len(ids) for ids in tokenizer(words, is_split_into_words=True)["input_ids"]]
    order = sorted(range(len(sentences)), key=pieces.__getitem__)
    batches = [order[start : start + bert.batch_size] for start in range(0, len(order), bert.batch_size)]
    engine_s = raw_s = 0.0
    for number, batch in enumerate([batches[-1]] + batches):  # the first (longest) batch warms both up
        inputs = tokenizer([words[i] for i in batch], is_split_into_words=True, padding=True, return_tensors="pt")
        start = time.perf_counter()
        with torch.inference_mode():
            raw_model(input_ids=inputs["input_ids"], attention_mask=inputs["attention_mask"])
        raw = time.perf_counter() - start
        start = time.perf_counter()
        bert.encode([sentences[i] for i in batch])
        if number:
            engine_s, raw_s = engine_s + time.perf_counter() - start, raw_s + raw
    return Throughput("bert", len(sentences) / engine_s, len(sentences) / raw_s)


def all_throughputs(sentences: list[str]) -> tuple[list[Throughput], dict[str, str]]:
    """Throughput per available encoder, and why the others were skipped."""
    results, skipped = [], {}
    for name in engine.ENCODER_NAMES:
        try:
            encoder = engine.load_encoder(name)
        except engine.EncoderUnavailable as error:
            skipped[name] = str(error)
            continue
        measure = bert_against_raw if name == "bert" else encoder_throughput
        results.append(measure(encoder, sentences))
    return results, skipped

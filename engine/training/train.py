"""Train the BiLSTM or the ELMo encoder as a bidirectional language model (ELMo's objective), on CPU or a GPU.

``python -m engine.training.train {bilstm,elmo} [--minutes N] [--threads N] [--device cuda] [--quick]
[--resume | --warm-start STEM] [--out DIR]``

* Objective: sentences are framed ``<S> w1 .. wn </S>``; at every position of the top LSTM layer the forward
  half predicts the next token (positions 0..n predict w1..wn, </S>) and the backward half the previous one
  (positions 1..n+1 predict <S>, w1..wn). Both directions share one adaptive softmax, as ELMo ties its softmax.
* Targets: the ``vocab_size`` most frequent lower-cased words of train.txt after ids 0, 1, 2 = <S>, </S>, <unk>
  (frequent ids first, as the adaptive softmax wants). Inputs keep their case (ELMo reads characters; the
  GloVe lookup lower-cases by itself). Perplexities count <unk> as a word, so they compare only at equal vocab.
* Tokens seen count the predicted positions of one direction: words plus one boundary per sentence.
* Batches hold sentences of similar length up to ``batch_tokens`` framed tokens, in a shuffled order fixed by
  (seed, epoch), so a resumed run continues with the very next batch.
* Learning rate: Adam with linear warm-up, then a cosine decay to ``final_lr_fraction`` over the budget
  (``--minutes`` of training in total, across resumes), so a run that ends by its budget ends annealed.
* ``--warm-start STEM`` continues a shipped checkpoint whose run state is gone (``runs/`` is not in git): the
  model weights come from the checkpoint, the softmax is new and first learns alone on the frozen model for
  ``--head-steps`` updates (at ``head_learning_rate``), then everything trains with a fresh warm-up and decay;
  the card adds this run's tokens, steps, minutes and teacher tokens to the checkpoint's and lists its commands.
* ``--glove-teacher W`` (ELMo only): each step also adds W x the loss of ``engine.training.glove_teacher`` (the char CNN
  learns to predict GloVe vectors from spelling); the teacher may join a resumed run, and the card says for how
  many tokens it took part.
* Every ``save_minutes`` and at the end: dev perplexity per direction on the first ``dev_tokens`` tokens of
  dev.txt (at the end: on all of dev.txt), the resumable state ``runs/<name>/state.pt`` (loaded back with
  ``weights_only=True``) and the shipped checkpoint ``engine/weights/<name>`` (model weights without the
  softmax, safetensors + JSON model card, fp16 only if fp32 would exceed 20 MB).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import shlex
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import torch
from torch import nn
from tqdm import tqdm

from engine.encoders.checkpoints import checkpoint_paths, save_checkpoint
from engine.encoders.recurrent import BiLanguageModel
from engine.encoders.registry import encoder_class
from engine.settings import LM_CORPUS_DIR, RUNS_DIR, WEIGHTS_DIR

MODEL_NAMES = ("bilstm", "elmo")
SPECIALS = ("<S>", "</S>", "<unk>")
BOS, EOS, UNK = 0, 1, 2
MAX_FILE_BYTES = 20 * 1024 * 1024
CORPUS_DIR = LM_CORPUS_DIR
OBJECTIVE = ("bidirectional LM: forward half of the top layer predicts the next word, backward half the "
             "previous one; one shared adaptive softmax over the lower-cased vocabulary")


@dataclass(frozen=True)
class Hyper:
    """Training hyperparameters (recorded in the model card)."""

    vocab_size: int = 20_000
    batch_tokens: int = 2_000
    learning_rate: float = 2e-3
    warmup_steps: int = 200
    final_lr_fraction: float = 0.1
    grad_clip: float = 1.0
    dropout: float = 0.1
    dev_tokens: int = 100_000
    save_minutes: float = 10.0
    max_steps: int = 0  # 0: stop on the time budget only
    seed: int = 0
    head_steps: int = 0  # updates of the softmax alone (frozen model) before everything trains; for warm starts
    head_learning_rate: float = 2e-3
    glove_teacher: float = 0.0  # weight of the GloVe teacher's loss (ELMo only, engine.training.glove_teacher); 0: off


# Default --head-steps of a warm start: enough for the new softmax to come near the old perplexity (ELMo: 76/67
# after 500 steps against 62/56 before), so that the model's first updates follow useful gradients.
WARM_HEAD_STEPS = 500

QUICK = Hyper(vocab_size=1_000, batch_tokens=400, learning_rate=5e-3, warmup_steps=0, dev_tokens=2_000,
              save_minutes=60.0, max_steps=40)


# --- data --------------------------------------------------------------------------------------------------

def load_lines(path: Path) -> list[str]:
    """The non-empty lines (sentences, tokens joined by single spaces) of train.txt or dev.txt."""
    with Path(path).open(encoding="utf-8") as handle:
        return [line.rstrip("\n") for line in handle if line.strip()]


def line_lengths(lines: list[str]) -> np.ndarray:
    """Number of words of each line."""
    return np.fromiter((line.count(" ") + 1 for line in lines), dtype=np.int64, count=len(lines))


def head_lines(lines: list[str], max_tokens: int) -> list[str]:
    """The first lines holding at most ``max_tokens`` words in all (a fixed dev subset)."""
    ends = np.cumsum(line_lengths(lines))
    return lines[: int(np.searchsorted(ends, max_tokens, side="right"))]


class Vocabulary:
    """Target ids: <S>, </S>, <unk>, then lower-cased words by decreasing train frequency."""

    def __init__(self, words: list[str]) -> None:
        self.words = words
        self.index = {word: i for i, word in enumerate(words)}

    @classmethod
    def build(cls, lines: list[str], size: int) -> "Vocabulary":
        counts = Counter(word for line in lines for word in line.lower().split(" "))
        return cls(list(SPECIALS) + [word for word, _ in counts.most_common(size)])

    def __len__(self) -> int:
        return len(self.words)

    def framed_ids(self, batch: list[list[str]]) -> torch.Tensor:
        """(B, T) target ids of <S> w1..wn </S> per sentence, right-padded with <unk> (never read)."""
        ids = torch.full((len(batch), max(len(words) for words in batch) + 2), UNK, dtype=torch.long)
        for row, words in enumerate(batch):
            ids[row, : len(words) + 2] = torch.tensor([BOS] + [self.index.get(w.lower(), UNK) for w in words] + [EOS])
        return ids


def length_batches(lengths: np.ndarray, batch_tokens: int, seed: int, epoch: int) -> list[np.ndarray]:
    """Sentence indices grouped by similar length (ties broken at random), in a shuffled batch order.

    A batch holds as many sentences as fit ``batch_tokens`` framed tokens (at least one); the same
    (seed, epoch) always gives the same batches, which makes the position in an epoch resumable.
    """
    rng = np.random.default_rng([seed, epoch])
    order = np.lexsort((rng.random(len(lengths)), lengths))
    batches, current = [], []
    for index in order.tolist():
        if current and (len(current) + 1) * (lengths[index] + 2) > batch_tokens:
            batches.append(np.array(current))
            current = []
        current.append(index)
    if current:
        batches.append(np.array(current))
    rng.shuffle(batches)
    return batches


# --- model -------------------------------------------------------------------------------------------------

def build_model(name: str, quick: bool, dropout: float) -> tuple[BiLanguageModel, dict]:
    """A fresh model and its config (as the card stores it), from the encoder's own recipe (tiny for --quick)."""
    config = encoder_class(name).training_config(quick, dropout)
    return model_from_config(name, config, dropout), config


def model_from_config(name: str, config: dict, dropout: float) -> BiLanguageModel:
    """Rebuild a model from the config stored in a run state or model card."""
    return encoder_class(name).language_model(config, dropout)


def adaptive_cutoffs(n_classes: int) -> list[int]:
    """Cluster boundaries of the adaptive softmax: a head of about 2,000 words, then two tails."""
    return sorted({min(2_000, n_classes // 4), min(10_000, n_classes // 2)})


class LMHead(nn.Module):
    """Dropout on the top layer, then the adaptive softmax shared by both directions."""

    def __init__(self, hidden: int, n_classes: int, dropout: float) -> None:
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        self.softmax = nn.AdaptiveLogSoftmaxWithLoss(hidden, n_classes, adaptive_cutoffs(n_classes), div_value=4.0)

    def forward(self, hidden: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        """Log-probability of each target."""
        return self.softmax(self.dropout(hidden), targets).output


def direction_log_probs(model: BiLanguageModel, head: LMHead, batch: list[list[str]],
                        ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Log-probabilities of the forward targets (next tokens) and the backward targets (previous tokens)."""
    device = ids.device
    raw, lengths = (tensor.to(device) for tensor in model.prepare(batch))
    top = model.contextualize(model.embed(raw, lengths), lengths)[-1]
    forward, backward = top.chunk(2, dim=-1)
    forward_mask, next_ids, backward_mask, previous_ids = shifted_targets(ids, lengths)
    hidden = torch.cat([forward[forward_mask], backward[backward_mask]])
    log_probs = head(hidden, torch.cat([next_ids[forward_mask], previous_ids[backward_mask]]))
    n_forward = int(forward_mask.sum())
    return log_probs[:n_forward], log_probs[n_forward:]


def shifted_targets(ids: torch.Tensor,
                    lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """(forward positions, next ids, backward positions, previous ids) for framed ids of (B, T).

    Forward predicts from positions 0..n (the next token, up to </S>); backward from positions 1..n+1
    (the previous token, down to <S>). Ids shifted in from outside the sentence are never selected.
    """
    steps = torch.arange(ids.shape[1], device=ids.device)[None, :]
    forward_mask = steps < (lengths - 1)[:, None]
    backward_mask = (steps >= 1) & (steps < lengths[:, None])
    next_ids = nn.functional.pad(ids[:, 1:], (0, 1), value=UNK)
    previous_ids = nn.functional.pad(ids[:, :-1], (1, 0), value=UNK)
    return forward_mask, next_ids, backward_mask, previous_ids


def glove_teacher(name: str, model: BiLanguageModel, hyper: Hyper) -> nn.Module | None:
    """ELMo's GloVe teacher (engine.training.glove_teacher) when its weight is set, else None."""
    if not hyper.glove_teacher:
        return None
    if not hasattr(model, "char_cnn"):
        raise SystemExit("--glove-teacher teaches a character CNN: only elmo has one.")
    from engine.training.glove_teacher import GloveTeacher

    return GloveTeacher(model.width // 2)


def running_mean(previous: np.ndarray | float, value: np.ndarray | float) -> np.ndarray | float:
    """Exponential running mean of a training loss (the first value starts it)."""
    return value if np.isnan(previous).any() else 0.98 * previous + 0.02 * value


# --- training ----------------------------------------------------------------------------------------------

@dataclass
class Progress:
    """Where a run stands; saved with the state so that --resume continues from here."""

    epoch: int = 0
    batch: int = 0  # next batch of the epoch
    step: int = 0
    tokens_seen: int = 0
    seconds: float = 0.0
    teacher_since: int | None = None  # tokens_seen when the GloVe teacher joined (None: never)
    warm_start: dict | None = None  # what the checkpoint a warm start began from had done (earlier_training)


@dataclass(frozen=True)
class Paths:
    """Where a run reads its corpus and writes its state and its shipped checkpoint."""

    run_dir: Path
    export_stem: Path
    corpus_dir: Path

    @property
    def state(self) -> Path:
        return self.run_dir / "state.pt"

    @property
    def vocab(self) -> Path:
        return self.run_dir / "vocab.json"

    @property
    def metrics(self) -> Path:
        return self.run_dir / "metrics.jsonl"


class Trainer:
    """One training run: the model, its softmax and optimizer, the data, and the progress made."""

    def __init__(self, name: str, config: dict, model: BiLanguageModel, vocab: Vocabulary, hyper: Hyper,
                 paths: Paths, command: str, device: str = "cpu") -> None:
        self.name, self.config, self.model, self.vocab = name, config, model, vocab
        self.hyper, self.paths, self.command = hyper, paths, command
        self.device = torch.device(device)
        self.model.to(self.device)
        self.head = LMHead(model.width // 2, len(vocab), hyper.dropout).to(self.device)
        self.teacher = glove_teacher(name, model, hyper)
        if self.teacher is not None:
            self.teacher.to(self.device)
        self.optimizer = torch.optim.Adam(list(model.parameters()) + list(self.head.parameters()),
                                          lr=hyper.learning_rate)
        if self.teacher is not None:
            self.optimizer.add_param_group({"params": list(self.teacher.parameters())})
        self.progress = Progress()
        self.train_lines = load_lines(paths.corpus_dir / "train.txt")
        self.train_lengths = line_lengths(self.train_lines)
        self.dev_lines = load_lines(paths.corpus_dir / "dev.txt")
        self.dev_check_lines = head_lines(self.dev_lines, hyper.dev_tokens)  # the fixed subset checked while training
        self.corpus = json.loads((paths.corpus_dir / "sources.json").read_text(encoding="utf-8"))
        self.dev = {"forward": math.nan, "backward": math.nan}
        self.losses = np.full(2, np.nan)  # running mean negative log-likelihood, forward and backward
        self.teacher_loss = math.nan  # running mean of the GloVe teacher's loss

    def parameters(self) -> list[nn.Parameter]:
        """Everything trained: the model, the softmax and the teacher's read-out (the last two are not shipped)."""
        teacher = list(self.teacher.parameters()) if self.teacher is not None else []
        return list(self.model.parameters()) + list(self.head.parameters()) + teacher

    # one step

    def learning_rate(self, budget_seconds: float) -> float:
        """Constant while the softmax learns alone, then linear warm-up and cosine decay over the budget spent."""
        hyper, progress = self.hyper, self.progress
        if progress.step < hyper.head_steps:
            return hyper.head_learning_rate
        spent = progress.seconds / budget_seconds
        if hyper.max_steps:
            spent = max(spent, progress.step / hyper.max_steps)
        steps = progress.step - hyper.head_steps + 1
        warmup = min(1.0, steps / hyper.warmup_steps) if hyper.warmup_steps else 1.0
        cosine = 0.5 * (1 + math.cos(math.pi * min(spent, 1.0)))
        decay = hyper.final_lr_fraction + (1 - hyper.final_lr_fraction) * cosine
        return hyper.learning_rate * warmup * decay

    def step(self, batch: list[list[str]], learning_rate: float) -> tuple[float, float]:
        """One Adam update on a batch; mean negative log-likelihood per direction."""
        for group in self.optimizer.param_groups:
            group["lr"] = learning_rate
        self.model.requires_grad_(self.progress.step >= self.hyper.head_steps)  # frozen while the softmax learns
        forward, backward = direction_log_probs(self.model, self.head, batch, self.target_ids(batch))
        loss = -torch.cat([forward, backward]).mean()
        if self.teacher is not None:
            taught = self.teacher.loss(self.model.char_cnn, self.hyper.seed * 1_000_003 + self.progress.step)
            loss = loss + self.hyper.glove_teacher * taught
            self.teacher_loss = running_mean(self.teacher_loss, float(taught.detach()))
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(self.parameters(), self.hyper.grad_clip)
        self.optimizer.step()
        return -float(forward.detach().mean()), -float(backward.detach().mean())

    # measuring

    def evaluate(self, lines: list[str]) -> dict[str, float]:
        """Perplexity per direction on ``lines`` (dropout off)."""
        self.set_training(False)
        totals = np.zeros(2)
        count = 0
        with torch.inference_mode():
            for indices in length_batches(line_lengths(lines), self.hyper.batch_tokens, self.hyper.seed, 0):
                batch = [lines[i].split(" ") for i in indices]
                forward, backward = direction_log_probs(self.model, self.head, batch, self.target_ids(batch))
                totals -= [float(forward.sum()), float(backward.sum())]
                count += len(forward)
        self.set_training(True)
        return {"forward": math.exp(totals[0] / count), "backward": math.exp(totals[1] / count)}

    def target_ids(self, batch: list[list[str]]) -> torch.Tensor:
        """The framed target ids of a batch, on the training device."""
        return self.vocab.framed_ids(batch).to(self.device)

    def set_training(self, training: bool) -> None:
        """Dropout on for updates, off for measuring."""
        self.model.train(training)
        self.head.train(training)

    def record(self, event: str, **values: object) -> None:
        """Append a line to runs/<name>/metrics.jsonl (the tests read the dev perplexities there)."""
        progress = {k: v for k, v in asdict(self.progress).items() if k != "warm_start"}  # that one is in the card
        entry = {"event": event, **progress, **values}
        with self.paths.metrics.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry) + "\n")

    # saving

    def state(self) -> dict:
        return {
            "model": self.model.state_dict(),
            "head": self.head.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "progress": asdict(self.progress),
            "dev_perplexity": self.dev,
            "config": self.config,
            "rng": torch.get_rng_state(),
            **({"teacher": self.teacher.state_dict()} if self.teacher is not None else {}),
        }

    def save_state(self) -> None:
        """Write the resumable state atomically (a crash mid-write leaves the previous one)."""
        partial = self.paths.state.with_suffix(".partial")
        torch.save(self.state(), partial)
        os.replace(partial, self.paths.state)

    def restore(self) -> None:
        """Continue from runs/<name>/state.pt (tensors and plain values only: weights_only=True)."""
        state = torch.load(self.paths.state, weights_only=True, map_location=self.device)
        self.model.load_state_dict(state["model"])
        self.head.load_state_dict(state["head"])
        if "teacher" in state:
            if self.teacher is None:
                raise SystemExit("This run was trained with --glove-teacher: resume it with that option.")
            self.teacher.load_state_dict(state["teacher"])
        joining = self.teacher is not None and "teacher" not in state  # the teacher joins a run trained without it
        teacher_group = self.optimizer.param_groups.pop() if joining else None
        self.optimizer.load_state_dict(state["optimizer"])
        if teacher_group is not None:
            self.optimizer.add_param_group(teacher_group)
        self.progress = Progress(**state["progress"])
        self.dev = state["dev_perplexity"]
        torch.set_rng_state(state["rng"])

    def card(self, dev_tokens: int) -> dict:
        """The model card shipped beside the weights."""
        n_params = sum(p.numel() for p in self.model.parameters())
        return {
            "config": self.config,
            "corpus": describe_corpus(self.corpus),
            "corpus_sources": self.corpus,
            "objective": OBJECTIVE,
            "vocabulary": {"size": len(self.vocab), "lower_cased": True, "specials": list(SPECIALS)},
            "parameters": n_params,
            "tokens_seen": self.progress.tokens_seen,
            "steps": self.earlier("steps") + self.progress.step,
            "epochs": round(self.progress.tokens_seen / self.train_tokens(), 3),
            "dev_perplexity": {k: round(v, 2) for k, v in self.dev.items()},
            "dev_tokens": dev_tokens,
            "training_minutes": round(self.earlier("training_minutes") + self.progress.seconds / 60, 1),
            "glove_teacher": self.teacher_card(),
            "hyperparameters": asdict(self.hyper),
            "command": self.command,
            **({"warm_start": self.progress.warm_start} if self.progress.warm_start else {}),
            "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }

    def earlier(self, key: str) -> float:
        """A total (steps, training_minutes) of the checkpoint this run warm-started from; 0 without one."""
        return (self.progress.warm_start or {}).get(key, 0)

    def teacher_card(self) -> dict | None:
        """What the GloVe teacher did, in this run and before a warm start (None when it never took part)."""
        earlier = (self.progress.warm_start or {}).get("glove_teacher") or {}
        since = self.progress.teacher_since
        taught = earlier.get("tokens_taught", 0) + (self.progress.tokens_seen - since if since is not None else 0)
        if not taught:
            return None
        return {"weight": self.hyper.glove_teacher or earlier.get("weight"), "tokens_taught": taught,
                "words": "GloVe 6B 50d, 100,000 most frequent", "method": "engine.training.glove_teacher"}

    def train_tokens(self) -> int:
        """Tokens of one pass over train.txt, counted as ``tokens_seen`` counts them."""
        return int(self.train_lengths.sum()) + len(self.train_lengths)

    def export(self, dev_tokens: int) -> None:
        """Ship the model weights (no softmax) and the card, replacing both files at once."""
        state = {k: v.detach().cpu().clone() for k, v in self.model.state_dict().items()}
        half = sum(v.numel() * v.element_size() for v in state.values()) > MAX_FILE_BYTES
        stem = self.paths.export_stem
        partial = stem.with_name(stem.name + ".partial")
        save_checkpoint(partial, state, self.card(dev_tokens), half=half)
        for written, final in zip(checkpoint_paths(partial), checkpoint_paths(stem)):
            os.replace(written, final)

    def checkpoint(self, final: bool = False) -> None:
        """Measure dev perplexity, save the resumable state and ship the checkpoint."""
        dev_lines = self.dev_lines if final else self.dev_check_lines
        self.dev = self.evaluate(dev_lines)
        dev_tokens = int(line_lengths(dev_lines).sum()) + len(dev_lines)
        taught = {"glove_teacher": self.teacher.check(self.model.char_cnn)} if self.teacher is not None else {}
        self.record("final" if final else "dev", dev_perplexity=self.dev, dev_tokens=dev_tokens, **taught)
        self.save_state()
        self.export(dev_tokens)
        tqdm.write(f"[{self.name}] step {self.progress.step:,}, {self.progress.tokens_seen:,} tokens, "
                   f"{self.progress.seconds / 60:.1f} min: dev perplexity forward {self.dev['forward']:.1f}, "
                   f"backward {self.dev['backward']:.1f} on {dev_tokens:,} tokens; saved {self.paths.export_stem}")

    # the loop

    def run(self, minutes: float) -> None:
        """Train until the time budget (or max_steps) is spent, checkpointing every save_minutes."""
        budget = minutes * 60
        if self.teacher is not None and self.progress.teacher_since is None:
            self.progress = replace(self.progress, teacher_since=self.progress.tokens_seen)
            self.record("teacher_joins", glove_teacher=self.teacher.check(self.model.char_cnn))
        if self.progress.step == 0:
            self.dev = self.evaluate(self.dev_check_lines)
            self.record("start", dev_perplexity=self.dev)
        bar = tqdm(desc=self.name, unit="tok", unit_scale=True, initial=self.progress.tokens_seen,
                   mininterval=1 if sys.stderr.isatty() else 60, dynamic_ncols=True)
        last_save = self.progress.seconds
        self.set_training(True)
        while not self.finished(budget):
            batches = length_batches(self.train_lengths, self.hyper.batch_tokens, self.hyper.seed, self.progress.epoch)
            while self.progress.batch < len(batches) and not self.finished(budget):
                bar.update(self.advance(batches[self.progress.batch], budget))
                bar.set_postfix(loss=f"{self.losses[0]:.2f}/{self.losses[1]:.2f}",
                                dev_ppl=f"{self.dev['forward']:.0f}/{self.dev['backward']:.0f}",
                                **({"glove_loss": f"{self.teacher_loss:.3f}"} if self.teacher is not None else {}),
                                refresh=False)
                if self.progress.seconds - last_save >= self.hyper.save_minutes * 60:
                    self.timed(self.checkpoint)
                    last_save = self.progress.seconds
            if self.progress.batch >= len(batches):
                self.progress = replace(self.progress, epoch=self.progress.epoch + 1, batch=0)
        bar.close()
        self.record("train_loss", forward=float(self.losses[0]), backward=float(self.losses[1]),
                    **({"glove_teacher": float(self.teacher_loss)} if self.teacher is not None else {}))
        self.checkpoint(final=True)

    def advance(self, indices: np.ndarray, budget_seconds: float) -> int:
        """Train on one batch of train sentences, update the running losses and progress; tokens trained on."""
        started = time.perf_counter()
        batch = [self.train_lines[i].split(" ") for i in indices]
        losses = np.array(self.step(batch, self.learning_rate(budget_seconds)))
        self.losses = running_mean(self.losses, losses)
        tokens = sum(len(words) + 1 for words in batch)
        self.progress = replace(self.progress, batch=self.progress.batch + 1, step=self.progress.step + 1,
                                tokens_seen=self.progress.tokens_seen + tokens,
                                seconds=self.progress.seconds + time.perf_counter() - started)
        if self.progress.step == self.hyper.head_steps > 0:
            self.timed(self.softmax_trained)
        return tokens

    def softmax_trained(self) -> None:
        """At the end of the softmax-only updates: dev perplexity, which shows the warm start recovered the LM."""
        self.dev = self.evaluate(self.dev_check_lines)
        self.record("softmax_trained", dev_perplexity=self.dev)
        tqdm.write(f"[{self.name}] softmax trained alone for {self.progress.step:,} steps: dev perplexity "
                   f"forward {self.dev['forward']:.1f}, backward {self.dev['backward']:.1f}")

    def timed(self, action: Callable[[], None]) -> None:
        """Run ``action`` and count its time against the budget (dev checks and saves are part of training)."""
        started = time.perf_counter()
        action()
        self.progress = replace(self.progress, seconds=self.progress.seconds + time.perf_counter() - started)

    def finished(self, budget_seconds: float) -> bool:
        steps_done = bool(self.hyper.max_steps) and self.progress.step >= self.hyper.max_steps
        return steps_done or self.progress.seconds >= budget_seconds


# --- command line ------------------------------------------------------------------------------------------

def describe_corpus(summary: dict) -> str:
    """A phrase for the model card from sources.json, e.g. "gcide, fortunes and gap (12.3M tokens)"."""
    names = [row["name"] for row in summary["sources"] if row["tokens"]]
    listed = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)
    tiny = "a tiny test corpus from " if summary.get("quick") else ""
    return f"{tiny}{listed} ({summary['total']['tokens'] / 1e6:.1f}M tokens)"


def resolve_paths(args: argparse.Namespace) -> Paths:
    """Default folders: runs/<name>/, engine/weights/ and data/corpus/; --quick keeps all of it in runs/."""
    suffix = "-quick" if args.quick else ""
    run_dir = (args.runs or RUNS_DIR) / f"{args.model}{suffix}"
    out_dir = args.out or (run_dir if args.quick else WEIGHTS_DIR)
    corpus_dir = args.corpus or (run_dir / "corpus" if args.quick else CORPUS_DIR)
    return Paths(run_dir=run_dir, export_stem=out_dir / args.model, corpus_dir=corpus_dir)


def ensure_corpus(paths: Paths, quick: bool) -> None:
    """Build the tiny corpus for --quick when missing; a missing full corpus is an error with the fix."""
    if (paths.corpus_dir / "train.txt").is_file():
        return
    if not quick:
        raise SystemExit(f"No corpus in {paths.corpus_dir}: build it with `python -m engine.corpus.lm_corpus build`.")
    from engine.corpus.lm_corpus import build_corpus

    build_corpus(paths.corpus_dir, quick=True)


def prepare_trainer(args: argparse.Namespace, paths: Paths, hyper: Hyper) -> Trainer:
    """A trainer, fresh (new vocabulary from train.txt) or resumed from the run's saved state and vocabulary."""
    command = "python -m engine.training.train " + shlex.join(args.argv)
    if args.resume and args.warm_start:
        raise SystemExit("--resume continues runs/<name>/state.pt, --warm-start a shipped checkpoint: choose one.")
    if args.resume:
        if not paths.state.is_file():
            raise SystemExit(f"Nothing to resume: {paths.state} does not exist.")
        config = torch.load(paths.state, weights_only=True)["config"]
        vocab = Vocabulary(json.loads(paths.vocab.read_text(encoding="utf-8")))
        model = model_from_config(args.model, config, hyper.dropout)
        trainer = Trainer(args.model, config, model, vocab, hyper, paths, command, args.device)
        trainer.restore()
        return trainer
    if args.warm_start:
        card, model = warm_start_model(args.model, args.warm_start, hyper.dropout)
        config = card["config"]
    else:
        model, config = build_model(args.model, args.quick, hyper.dropout)
    vocab = Vocabulary.build(load_lines(paths.corpus_dir / "train.txt"), hyper.vocab_size)
    paths.vocab.write_text(json.dumps(vocab.words, ensure_ascii=False) + "\n", encoding="utf-8")
    paths.metrics.unlink(missing_ok=True)
    trainer = Trainer(args.model, config, model, vocab, hyper, paths, command, args.device)
    if args.warm_start:
        trainer.progress = Progress(tokens_seen=card.get("tokens_seen", 0),
                                    warm_start=earlier_training(card, args.warm_start))
    return trainer


def warm_start_model(name: str, stem: Path, dropout: float) -> tuple[dict, BiLanguageModel]:
    """(card, model with the weights) of a shipped checkpoint; SystemExit with the reason when unusable."""
    from engine.encoders.base import EncoderUnavailable
    from engine.encoders.checkpoints import load_checkpoint, restore

    try:
        state, card = load_checkpoint(stem, name, "")
        model = model_from_config(name, card["config"], dropout)
        restore(model, state, name, "")
    except (EncoderUnavailable, TypeError, KeyError) as error:
        raise SystemExit(f"Cannot warm-start from {stem}: {error}") from error
    return card, model


def earlier_training(card: dict, stem: Path) -> dict:
    """What a checkpoint's card says was done to make it: the totals a warm start adds to, and the commands."""
    earlier = card.get("warm_start") or {}
    return {
        "checkpoint": f"{stem.name} of {card.get('date', 'unknown date')}",
        "tokens_seen": card.get("tokens_seen", 0),
        "steps": card.get("steps", 0),
        "training_minutes": card.get("training_minutes", 0.0),
        "dev_perplexity": card.get("dev_perplexity"),
        "glove_teacher": card.get("glove_teacher"),
        "commands": earlier.get("commands", []) + [card.get("command", "unknown")],
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m engine.training.train", description=__doc__.split("\n")[0])
    parser.add_argument("model", choices=MODEL_NAMES)
    parser.add_argument("--minutes", type=float, default=60.0, help="training time budget in total, across resumes")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads (default 1: two runs share 2 cores)")
    parser.add_argument("--device", default="cpu", help="torch device to train on, e.g. cuda (default cpu)")
    parser.add_argument("--quick", action="store_true", help="tiny corpus and model, a few seconds (for tests)")
    parser.add_argument("--resume", action="store_true", help="continue from runs/<name>/state.pt")
    parser.add_argument("--warm-start", type=Path, metavar="STEM",
                        help="continue a shipped checkpoint (e.g. engine/weights/elmo) with a new softmax and optimizer")
    parser.add_argument("--head-steps", type=int,
                        help="updates of the new softmax alone before the model trains (default 500 with --warm-start)")
    parser.add_argument("--out", type=Path, help="folder of the shipped checkpoint (default engine/weights)")
    parser.add_argument("--runs", type=Path, help="folder of run states and logs (default runs/)")
    parser.add_argument("--corpus", type=Path, help="folder with train.txt, dev.txt, sources.json")
    parser.add_argument("--vocab-size", type=int, help=f"target words (default {Hyper.vocab_size:,})")
    parser.add_argument("--batch-tokens", type=int, help=f"framed tokens per batch (default {Hyper.batch_tokens:,})")
    parser.add_argument("--lr", type=float, help=f"peak Adam learning rate (default {Hyper.learning_rate})")
    parser.add_argument("--save-minutes", type=float, help=f"checkpoint interval (default {Hyper.save_minutes})")
    parser.add_argument("--max-steps", type=int, help="stop after this many updates (default: time budget only)")
    parser.add_argument("--glove-teacher", type=float, metavar="WEIGHT",
                        help="elmo: also teach the char CNN GloVe's word vectors, with this loss weight (default off)")
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    return args


def hyperparameters(args: argparse.Namespace) -> Hyper:
    """Defaults (or the --quick ones), overridden by the options given."""
    head_steps = WARM_HEAD_STEPS if args.warm_start and args.head_steps is None else args.head_steps
    overrides = {"vocab_size": args.vocab_size, "batch_tokens": args.batch_tokens, "learning_rate": args.lr,
                 "save_minutes": args.save_minutes, "max_steps": args.max_steps, "glove_teacher": args.glove_teacher,
                 "head_steps": head_steps}
    return replace(QUICK if args.quick else Hyper(), **{k: v for k, v in overrides.items() if v is not None})


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    hyper = hyperparameters(args)
    torch.manual_seed(hyper.seed)
    paths = resolve_paths(args)
    paths.run_dir.mkdir(parents=True, exist_ok=True)
    ensure_corpus(paths, args.quick)
    trainer = prepare_trainer(args, paths, hyper)
    trainer.run(args.minutes)


if __name__ == "__main__":
    main()

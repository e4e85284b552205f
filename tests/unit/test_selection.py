"""The selection of digest.stages.summarize: the integer program, the knapsack and the greedy, checked
against exhaustive search on small problems, and the budget never exceeded."""

from __future__ import annotations

import itertools
import random
import subprocess
import sys

import pytest

from digest.models import Candidate, Citation
from digest.settings import Settings
from digest.stages import summarize
from tests.conftest import ROOT


def objective(picked, weights, concepts, bonus):  # type: ignore[no-untyped-def]
    covered = set().union(*(concepts[i] for i in picked)) if picked else set()
    return sum(weights.get(c, 0) for c in covered) + sum(bonus[i] for i in picked)


def problem(seed: int, n: int = 10):  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    vocabulary = [(f"w{k}", f"w{k + 1}") for k in range(25)]
    concepts = [frozenset(rng.sample(vocabulary, rng.randint(1, 6))) for _ in range(n)]
    weights = {c: float(rng.randint(1, 5)) for c in vocabulary}
    bonus = [rng.random() for _ in range(n)]
    costs = [rng.randint(3, 30) for _ in range(n)]
    pairs = [(i, j) for i, j in itertools.combinations(range(n), 2) if rng.random() < 0.1]
    return weights, concepts, bonus, costs, pairs


def best_by_search(weights, concepts, bonus, costs, budget, pairs):  # type: ignore[no-untyped-def]
    best = 0.0
    for r in range(len(costs) + 1):
        for subset in itertools.combinations(range(len(costs)), r):
            if sum(costs[i] for i in subset) > budget or any(i in subset and j in subset for i, j in pairs):
                continue
            best = max(best, objective(subset, weights, concepts, bonus))
    return best


@pytest.mark.parametrize("seed", range(6))
def test_the_integer_program_finds_the_optimum(seed: int) -> None:
    weights, concepts, bonus, costs, pairs = problem(seed)
    budget = 60
    picked, proven = summarize._ilp(weights, concepts, bonus, costs, budget, pairs)
    assert proven
    assert sum(costs[i] for i in picked) <= budget
    assert not any(i in picked and j in picked for i, j in pairs)
    assert objective(picked, weights, concepts, bonus) == pytest.approx(
        best_by_search(weights, concepts, bonus, costs, budget, pairs)
    )
    # Without repeats to avoid, the greedy is feasible too, and never better than the optimum.
    unique = [frozenset([str(i)]) for i in range(len(costs))]
    greedy = summarize._greedy(weights, concepts, bonus, costs, budget, unique)
    free, _ = summarize._ilp(weights, concepts, bonus, costs, budget, [])
    assert sum(costs[i] for i in greedy) <= budget
    assert 0 < objective(greedy, weights, concepts, bonus) <= objective(free, weights, concepts, bonus) + 1e-9


@pytest.mark.parametrize("seed", range(4))
def test_the_knapsack_finds_the_optimum(seed: int) -> None:
    rng = random.Random(seed)
    values = [rng.random() * 10 for _ in range(10)]
    costs = [rng.randint(3, 30) for _ in range(10)]
    picked = summarize._knapsack(values, costs, 70, [])
    assert sum(costs[i] for i in picked) <= 70
    best = max(
        sum(values[i] for i in s)
        for r in range(11)
        for s in itertools.combinations(range(10), r)
        if sum(costs[i] for i in s) <= 70
    )
    assert sum(values[i] for i in picked) == pytest.approx(best)


def candidates(texts: list[list[str]]) -> list[Candidate]:
    out = []
    for d, sentences in enumerate(texts):
        for k, text in enumerate(sentences):
            out.append(
                Candidate(
                    text, (Citation(f"d{d}", 100 * k, 100 * k + len(text)),), k / len(sentences), (d, k)
                )
            )
    return out


def story(sources: int, sentences: int) -> list[list[str]]:
    rng = random.Random(sources)
    words = [f"word{k}" for k in range(300)]
    return [
        [" ".join(rng.choices(words, k=rng.randint(5, 35))) + "." for _ in range(sentences)]
        for _ in range(sources)
    ]


@pytest.mark.parametrize("budget", [20, 60, 150])
def test_the_word_budget_is_never_exceeded(budget: int) -> None:
    for sources in (1, 3):
        picks = summarize.summarize(candidates(story(sources, 20)), Settings(words=budget))
        assert picks and sum(len(p.candidate.text.split()) for p in picks) <= budget
        assert {p.components["selection"] for p in picks} == {"ilp"}  # (one source: concepts it repeats)


def test_one_source_without_repeated_concepts_is_a_knapsack() -> None:
    texts = [
        [f"alpha{k} beta{k} gamma{k} delta{k} epsilon{k} zeta{k} eta{k} theta{k} iota{k}." for k in range(8)]
    ]
    picks = summarize.summarize(candidates(texts), Settings(words=30))
    assert {p.components["selection"] for p in picks} == {"knapsack"}
    assert len(picks) == 3 and picks[0].candidate.order == (0, 0)  # 9 words each; the lead first


def test_the_sentence_budget_is_kept() -> None:
    picks = summarize.summarize(candidates(story(3, 10)), Settings(sentences=3))
    assert len(picks) == 3


def test_a_large_story_is_picked_greedily(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(summarize, "SELECTION_LIMIT", 20)
    picks = summarize.summarize(candidates(story(3, 10)), Settings(words=100))
    assert {p.components["selection"] for p in picks} == {"greedy"}
    assert sum(len(p.candidate.text.split()) for p in picks) <= 100


def test_a_story_whose_sentences_all_repeat_each_other_is_picked_greedily() -> None:
    # Found by the fuzz run (benchmarks/fuzz.py): 1,000 sentences from 40 words are nearly all
    # pairwise redundant, 85,000 constraints, and the integer program took 14 s at its root.
    rng = random.Random(7)
    dense = [[" ".join(f"w{rng.randrange(40)}" for _ in range(20)) + "." for _ in range(990)]]
    picks = summarize.summarize(candidates(dense), Settings(words=171))
    assert {p.components["selection"] for p in picks} == {"greedy"}
    assert 0 < sum(len(p.candidate.text.split()) for p in picks) <= 171
    # A real story of as many candidates keeps the exact program: few of its pairs repeat.
    picks = summarize.summarize(candidates(story(30, 33)), Settings(words=171))
    assert {p.components["selection"] for p in picks} == {"ilp"}


def test_no_candidate_fits_the_budget() -> None:
    picks = summarize.summarize(
        candidates([["one two three four five six seven eight.", "one two three four five six."]]),
        Settings(words=3),
    )
    assert [p.candidate.text for p in picks] == ["one two three four five six."]
    assert picks[0].components["selection"] == "shortest"


def test_the_solver_prints_nothing() -> None:
    code = (
        "from digest.stages import summarize; "
        "print(summarize._ilp({('a', 'b'): 1.0}, [frozenset({('a', 'b')})], [0.0], [3], 5, []))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60, check=True
    )
    assert result.stdout == "([0], True)\n" and result.stderr == ""


def test_the_integer_program_is_bounded_by_work_not_by_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 1 s time limit made the same story's summary depend on how busy the machine was (the
    fuzz run found a build through the cache that differed from a fresh one). The solver stops
    after ILP_NODES branch-and-bound nodes; its time limit is only a far safety net."""
    made = []
    real = summarize._highs

    def recording():  # type: ignore[no-untyped-def]
        made.append(real())
        return made[-1]

    monkeypatch.setattr(summarize, "_highs", recording)
    weights, concepts, bonus, costs, pairs = problem(0)
    picked, proven = summarize._ilp(weights, concepts, bonus, costs, 60, pairs)
    assert proven and picked
    (solver,) = made
    assert solver.getOptionValue("mip_max_nodes")[1] == summarize.ILP_NODES
    assert solver.getOptionValue("time_limit")[1] >= 60

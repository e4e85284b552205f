"""digest eval: loading evaluation sets, ROUGE and grouping scores, the command's outputs and errors."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from digest import evaluate
from digest.cli import eval as cli_eval
from digest.settings import ALGORITHMS, DEFAULT_ALGORITHM
from tests.conftest import ROOT, invoke

MULTILING = ROOT.parent / "shared" / "data" / "multiling2011_en"

STORM = [
    "Storm hits coastal town",
    "A powerful storm hit the coastal town of Westport on Monday, flooding streets and cutting power "
    "to thousands of homes. Emergency crews worked through the night to clear fallen trees from the "
    "main roads. The mayor said the harbour wall had held but that several fishing boats were lost. "
    "Schools in Westport will stay closed until Wednesday while the damage is assessed.",
    "Westport counts the cost of storm",
    "Residents of Westport began cleaning up on Tuesday after a storm flooded streets and left "
    "thousands of homes without power. Fallen trees blocked the main roads for hours, emergency "
    "crews said. Several fishing boats sank in the harbour, according to the mayor. The town's "
    "schools remain closed while engineers check the buildings for damage.",
]
MATCH = [
    "United beat City in cup final",
    "United won the cup final against City by two goals to one at a packed national stadium on "
    "Saturday. Their captain scored the winning goal with a header in the last minute of the match. "
    "City had led at half time after a penalty, but United levelled soon after the break. The "
    "manager praised his players for never giving up in front of their supporters.",
    "Late header wins the cup for United",
    "A header in the final minute gave United a two to one win over City in the cup final on "
    "Saturday. City scored first from a penalty before half time. United's equaliser came early in "
    "the second half, and their captain headed the winner as the match ended. Supporters filled the "
    "national stadium to watch the final.",
]
REFS = {
    "storm": [
        "A storm flooded streets in Westport and cut power to thousands of homes. Several "
        "fishing boats were lost and schools are closed.",
        "Westport was hit by a storm that flooded streets, cut power and sank fishing boats.",
    ],
    "match": ["United beat City two to one in the cup final with a last-minute header by their captain."],
}


def write_story(root: Path, name: str, docs: list[str], refs: list[str]) -> None:
    for i in range(0, len(docs), 2):
        path = root / name / "docs" / f"{name}{i // 2}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{docs[i]}\n\n{docs[i + 1]}\n", encoding="utf-8")
    for i, ref in enumerate(refs):
        path = root / name / "refs" / f"{name}.{'ABC'[i]}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(ref + "\n", encoding="utf-8")


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """Two stories of two articles each, with human summaries."""
    root = tmp_path / "tiny"
    write_story(root, "storm", STORM, REFS["storm"])
    write_story(root, "match", MATCH, REFS["match"])
    return root


def strict_json(text: str) -> dict:
    def no_constant(name: str) -> None:
        raise ValueError(f"not strict JSON: {name}")

    return json.loads(text, parse_constant=no_constant)


def check_scores(scores: dict) -> None:
    assert set(scores) == {"rouge1", "rouge2", "rougeL"}
    for figures in scores.values():
        assert set(figures) == {"recall", "f1"}
        for value in figures.values():
            assert isinstance(value, float) and 0.0 <= value <= 1.0


# -- loading ---------------------------------------------------------------------------------


def test_load_story_folders(tiny: Path) -> None:
    stories = evaluate.load(tiny)
    assert [s.name for s in stories] == ["match", "storm"]
    assert [len(s.docs) for s in stories] == [2, 2]
    assert [len(s.refs) for s in stories] == [1, 2]


def test_load_references_per_document(tmp_path: Path) -> None:
    # gum_wikinews: refs/<doc>.human1.txt, and each document is a story of its own.
    folder = tmp_path / "set" / "news"
    (folder / "docs").mkdir(parents=True)
    (folder / "refs").mkdir()
    for name, text in (("a", STORM[1]), ("b", MATCH[1])):
        (folder / "docs" / f"{name}.txt").write_text(text, encoding="utf-8")
        (folder / "refs" / f"{name}.human1.txt").write_text(text.split(".")[0], encoding="utf-8")
    stories = evaluate.load(tmp_path / "set")
    assert [(s.name, len(s.docs), len(s.refs)) for s in stories] == [("news/a", 1, 1), ("news/b", 1, 1)]
    (folder / "docs" / "c.txt").write_text(STORM[3], encoding="utf-8")
    with pytest.raises(evaluate.DatasetError, match="news/c: no reference summary"):
        evaluate.load(tmp_path / "set")


def test_a_story_folder_is_a_set_of_one(tiny: Path) -> None:
    assert [s.name for s in evaluate.load(tiny / "storm")] == ["storm"]


@pytest.mark.parametrize(
    "layout, message",
    [
        ({}, "no story found"),
        ({"S/docs/a.txt": STORM[1]}, "story S: no reference summaries"),
        ({"S/docs/a.txt": STORM[1], "S/refs/notes.md": "x"}, "story S: no reference summaries"),
        ({"S/refs/S.A.txt": "A summary."}, "story S: no docs/ folder"),
        ({"S/docs/a.md": STORM[1], "S/refs/S.A.txt": "A summary."}, "story S: no articles"),
        ({"S/docs/a.txt": STORM[1], "S/refs/S.A.txt": "  \n"}, "empty reference summary"),
    ],
)
def test_load_rejects_bad_sets(tmp_path: Path, layout: dict[str, str], message: str) -> None:
    root = tmp_path / "set"
    root.mkdir()
    for name, text in layout.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    with pytest.raises(evaluate.DatasetError, match=message):
        evaluate.load(root)


# -- scoring ---------------------------------------------------------------------------------


def test_first_words_cuts_like_rouge_l() -> None:
    assert evaluate.first_words("  one two\nthree  four ", 3) == "one two three"
    assert evaluate.first_words("one two", 5) == "one two"


def test_scorer_means_over_references() -> None:
    scores = evaluate.Scorer().score("the cat sat on the mat", ["the cat sat on the mat", "a dog ran"])
    assert scores["rouge1"].recall == pytest.approx(0.5)  # 1 for the first, 0 for the second
    assert scores["rougeL"].f1 == pytest.approx(0.5)
    # Stemming: "running" and "runs" match "run".
    assert evaluate.Scorer(["rouge1"]).score("dogs running", ["dog runs"])["rouge1"].recall == 1.0


def test_algorithms_named() -> None:
    assert evaluate.algorithms_named([]) == [DEFAULT_ALGORITHM]
    assert evaluate.algorithms_named(["all"]) == [
        DEFAULT_ALGORITHM,
        *(a for a in ALGORITHMS if a != DEFAULT_ALGORITHM),
    ]
    assert evaluate.algorithms_named(["textrank,default", "LexRank", "textrank"]) == ["textrank", "lexrank"]
    with pytest.raises(ValueError, match="Try one of"):
        evaluate.algorithms_named(["nope"])


def test_json_report_is_finite() -> None:
    grouping = evaluate.Grouping(
        nmi=math.nan, ari=math.inf, documents=2, labels=1, stories_found=1, found={}, left_out=()
    )
    report = evaluate.to_dict("set", [], [], grouping)
    assert report["mixed"]["nmi"] is None and report["mixed"]["ari"] is None
    json.dumps(report, allow_nan=False)


# -- the command -------------------------------------------------------------------------------


def test_eval_json(tiny: Path) -> None:
    result = invoke(
        "eval",
        str(tiny),
        "--format",
        "json",
        "-a",
        "default,textrank",
        "-a",
        "lexrank",
        "--words",
        "20",
        "-w",
        "40,20",
    )
    assert result.exit_code == 0, result.output
    report = strict_json(result.stdout)
    assert report["schema"] == "digest-eval/1"
    assert (report["stories"], report["documents"], report["references"]) == (2, 4, 3)
    assert report["mixed"] is None
    systems = report["systems"]
    assert [(s["algorithm"], s["words"]) for s in systems] == [
        ("lexrank", 20),
        ("lexrank", 40),
        ("textrank", 20),
        ("textrank", 40),
    ]
    assert [s["default"] for s in systems] == [True, True, False, False]
    for system in systems:
        check_scores(system["scores"])
        assert system["scores"]["rouge1"]["recall"] > 0.2  # the articles say what the summaries say
        assert [s["story"] for s in system["stories"]] == ["match", "storm"]
        for story in system["stories"]:
            check_scores(story["scores"])
            assert 0 < story["summary_words"] <= system["words"]  # cut to the budget
        assert system["summary_words"] <= system["words"]
    # More words find more of the references.
    assert systems[1]["scores"]["rouge1"]["recall"] >= systems[0]["scores"]["rouge1"]["recall"]


def test_eval_plain_table(tiny: Path) -> None:
    result = invoke("eval", str(tiny), "--mixed")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "\x1b" not in out and "┃" not in out  # not a terminal: plain text
    assert "(2 stories, 4 articles, 3 reference summaries)" in out
    assert "100 words" in out
    header = next(line for line in out.splitlines() if line.startswith("summarizer"))
    assert header.split() == [
        "summarizer",
        "R-1",
        "R",
        "R-1",
        "F",
        "R-2",
        "R",
        "R-2",
        "F",
        "R-L",
        "R",
        "R-L",
        "F",
        "words",
        "s/story",
    ]
    assert "lexrank (default)" in out
    assert "mixed: 4 articles of 2 stories built together" in out and "NMI " in out
    assert "B-cubed precision " in out and " F1 " in out


def test_eval_rich_table(tiny: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stories = evaluate.load(tiny)
    results = evaluate.evaluate_rouge(stories, ["luhn"], [30])
    cli_eval._rich_table("[bold]set[/bold]", stories, results, None)
    out = capsys.readouterr().out
    assert "[bold]set[/bold]" in out  # a path is shown as typed, never read as markup
    assert "30 words" in out and "luhn" in out and "R-2 F" in out


def test_eval_mixed_json(tiny: Path) -> None:
    result = invoke("eval", str(tiny), "--mixed", "--format", "json", "-w", "30")
    assert result.exit_code == 0, result.output
    mixed = strict_json(result.stdout)["mixed"]
    assert (mixed["documents"], mixed["labels"]) == (4, 2)
    assert 0.0 <= mixed["nmi"] <= 1.0 and -1.0 <= mixed["ari"] <= 1.0
    assert set(mixed["bcubed"]) == {"precision", "recall", "f1"}
    assert all(0.0 <= v <= 1.0 for v in mixed["bcubed"].values())


@pytest.mark.skipif(not MULTILING.is_dir(), reason="needs ../shared/data/multiling2011_en beside the clone")
def test_eval_on_multiling_stories(tmp_path: Path) -> None:
    for story in ("M001", "M003"):
        shutil.copytree(MULTILING / story, tmp_path / "set" / story)
    result = invoke("eval", str(tmp_path / "set"), "--mixed", "--format", "json")
    assert result.exit_code == 0, result.output
    report = strict_json(result.stdout)
    assert (report["stories"], report["documents"], report["references"]) == (2, 20, 6)
    (system,) = report["systems"]
    scores = system["scores"]
    check_scores(scores)
    # At 100 words against ~250-word references, recall is well under half, and ROUGE-2 and
    # ROUGE-L under ROUGE-1; the full set's figures are in benchmarks/results/eval-multiling-100.txt.
    assert 0.15 < scores["rouge1"]["recall"] < 0.5
    assert 0.02 < scores["rouge2"]["recall"] < scores["rouge1"]["recall"]
    assert scores["rouge2"]["recall"] < scores["rougeL"]["recall"] < scores["rouge1"]["recall"]
    assert scores["rouge1"]["f1"] > scores["rouge1"]["recall"]  # summaries shorter than the references
    assert 90 <= system["summary_words"] <= 100
    # The London bombings (2005-2009) and the 2007 Tour de France: reports of many events each, never
    # mixed, and the reports of one event together.
    bcubed = report["mixed"]["bcubed"]
    assert bcubed["precision"] == 1.0 and bcubed["recall"] > 0.1 and report["mixed"]["stories_found"] < 20


def test_eval_max_docs(tiny: Path) -> None:
    result = invoke("eval", str(tiny), "--format", "json", "-w", "30", "--max-docs", "1")
    assert result.exit_code == 0, result.output
    report = strict_json(result.stdout)
    # Each story keeps its first article and all its references.
    assert (report["stories"], report["documents"], report["references"]) == (2, 2, 3)
    whole = strict_json(invoke("eval", str(tiny), "--format", "json", "-w", "30").stdout)
    assert whole["documents"] == 4
    stories = evaluate.first_docs(evaluate.load(tiny), 1)
    assert [len(s.docs) for s in stories] == [1, 1]
    assert [s.docs[0].name for s in stories] == ["match0.txt", "storm0.txt"]
    assert invoke("eval", str(tiny), "-n", "0").exit_code == 2


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda root: root / "missing", "no such folder"),
        (lambda root: root, "no story found"),
        (lambda root: (root / "S" / "docs").mkdir(parents=True) or root, "story S: no articles"),
    ],
)
def test_eval_bad_dataset(tmp_path: Path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    result = invoke("eval", str(make(tmp_path)))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("digest: ") and message in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_eval_bad_dataset_in_a_process(tmp_path: Path) -> None:
    story = tmp_path / "set" / "S\x1b[31m"
    (story / "docs").mkdir(parents=True)
    (story / "docs" / "a.txt").write_text(STORM[1], encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "digest", "eval", str(tmp_path / "set")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert result.stderr == "digest: story S\\x1b[31m: no reference summaries (refs/*.txt)\n"


@pytest.mark.parametrize("args", [["-w", "0"], ["-w", "ten"], ["-a", "nope"], ["-f", "xml"]])
def test_eval_bad_options(tiny: Path, args: list[str]) -> None:
    result = invoke("eval", str(tiny), *args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_eval_command_defers_heavy_imports() -> None:
    code = "import digest.cli.app, sys; print(' '.join(sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    for heavy in ("rouge_score", "sklearn", "digest.evaluate", "digest.pipeline"):
        assert heavy not in loaded.split(), heavy


# -- the selection: concept coverage solved exactly, within the budget -------------------------


def test_coverage_component(tiny: Path) -> None:
    from digest.pipeline import build
    from digest.settings import Settings
    from digest.stages.summarize import _prior

    story = build([str(tiny / "storm" / "docs")], Settings(clusters="1", words=60)).stories[0]
    covered = [pick.components["coverage"] for pick in story.sentences]
    assert all(0.0 <= value <= 1.0 for value in covered) and max(covered) > 0
    for pick in story.sentences:
        assert pick.score == pytest.approx(_prior(pick.components), abs=1e-3)
        assert pick.components["selection"] == "ilp"
    assert sum(len(p.candidate.text.split()) for p in story.sentences) <= 60
    # One source whose sentences share no concept: coverage is 0 and the prior alone decides.
    single = build([str(tiny / "storm" / "docs" / "storm0.txt")], Settings(clusters="1", words=60))
    assert {p.components["coverage"] for s in single.stories for p in s.sentences} == {0.0}
    assert {p.components["selection"] for s in single.stories for p in s.sentences} == {"knapsack"}


def test_one_source_weighs_the_concepts_its_sentences_repeat() -> None:
    from digest.models import Candidate, Citation
    from digest.stages.summarize import _concept_weights, _concepts

    texts = ["The storm hit the town.", "The storm hit again at night.", "Boats were lost."]
    candidates = [
        Candidate(t, (Citation("d1", 100 * k, 100 * k + len(t)),), 0.0, (0, k)) for k, t in enumerate(texts)
    ]
    weights = _concept_weights(candidates, [_concepts(t, "english") for t in texts])
    assert weights == {("the", "storm"): 2, ("storm", "hit"): 2}


def test_concepts_count_sources_not_copies() -> None:
    from digest.models import Candidate, Citation
    from digest.stages.summarize import _concept_weights, _concepts

    def candidate(text: str, order: int, *docs: str) -> Candidate:
        return Candidate(text, tuple(Citation(d, 0, len(text)) for d in docs), 0.0, (order, 0), support=1)

    texts = ["The storm hit the town.", "Storm hit the coast.", "A copy of it."]
    # d2 is a copy of d1 (they carry sentences no other original carries); d3 is another source.
    candidates = [
        candidate(texts[0], 0, "d1", "d2"),
        candidate(texts[1], 1, "d3"),
        candidate(texts[2], 2, "d1", "d2"),
    ]
    concepts = [_concepts(t, "english") for t in texts]
    assert ("the", "town") in concepts[0] and ("of", "it") not in concepts[2]  # two stop words
    weights = _concept_weights(candidates, concepts)
    # d1 and d3 use "storm hit" and "hit the": 2 sources, not 3; the rest is one source's.
    assert {c: n for c, n in weights.items() if n > 1} == {("storm", "hit"): 2, ("hit", "the"): 2}
    assert weights[("the", "town")] == 1 and weights[("the", "coast")] == 1

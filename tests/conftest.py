"""Shared fixtures: one cache directory per test session, the shipped graph loaded once."""

import os
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLES = Path(__file__).parent.parent / "examples"


@pytest.fixture(scope="session", autouse=True)
def cache_dir(tmp_path_factory):
    """Keep the tests' cache out of the user's cache directory."""
    path = tmp_path_factory.mktemp("kg-cache")
    old = os.environ.get("KG_CACHE_DIR")
    os.environ["KG_CACHE_DIR"] = str(path)
    yield path
    if old is None:
        os.environ.pop("KG_CACHE_DIR", None)
    else:
        os.environ["KG_CACHE_DIR"] = old


@pytest.fixture(scope="session")
def graph(cache_dir):
    """The shipped ontology with its inferences."""
    from kg import open_graph

    return open_graph()


@pytest.fixture()
def fresh_cache(tmp_path, monkeypatch):
    """An empty cache directory for tests that watch the cache itself."""
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture(scope="session")
def cli():
    """Run ``kg`` in-process: cli(*args, input=None) -> click Result."""
    from typer.testing import CliRunner

    from cli import app

    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(app, list(args), input=input)

    return invoke


@pytest.fixture(scope="session")
def asker(graph):
    """The question pipeline over the shipped graph, loaded once."""
    from nlp import Asker

    return Asker(graph)


def pytest_terminal_summary(terminalreporter):
    """Print the question-suite scores (macro precision, recall, F1, yes/no accuracy) after the run."""
    from .questions.score import REPORTS

    for name, result in REPORTS.items():
        terminalreporter.section(f"question suite: {name}")
        terminalreporter.write_line(
            f"{result['questions']} questions: macro precision {result['macro_precision']:.3f}, "
            f"macro recall {result['macro_recall']:.3f}, macro F1 {result['macro_f1']:.3f}, "
            f"yes/no accuracy {result['yes_no_accuracy']:.3f}")
        worst = sorted(result["by_category"].items(), key=lambda kv: kv[1])[:5]
        terminalreporter.write_line("lowest categories: " + ", ".join(f"{c} {v:.2f}" for c, v in worst))

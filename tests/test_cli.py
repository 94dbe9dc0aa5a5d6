"""The `kg` command line: help, exit codes and one-line errors, in-process and as installed."""

import json
import re
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kg.terms import KG

from .conftest import EXAMPLES, FIXTURES

COMMANDS = ["ask", "shell", "sparql", "validate", "describe", "list", "path", "graph", "stats", "load", "serve",
            "export"]


def test_cli_help_lists_every_command(cli):
    result = cli("--help")
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.output


def test_cli_every_command_is_documented_in_the_readme(cli):
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    for name in COMMANDS:
        assert f"| `kg {name}" in readme, f"kg {name} is missing from the README's command table"
        assert cli(name, "--help").exit_code == 0


def test_cli_sparql_help_shows_an_example(cli):
    result = cli("sparql", "--help")
    assert result.exit_code == 0
    assert "Example: kg sparql 'SELECT ?m WHERE { ?m a kg:Muscle }'" in result.output


def test_cli_sparql_json(cli):
    result = cli("sparql", "--format", "json", "SELECT ?s WHERE { ?s a kg:Muscle }")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["results"]["bindings"]


def test_cli_sparql_from_stdin_and_file(cli, tmp_path):
    query = "SELECT ?s WHERE { ?s a kg:Muscle }"
    assert "kg:Quadriceps" in cli("sparql", "--format", "table", "-", input=query).stdout
    path = tmp_path / "q.rq"
    path.write_text(query)
    assert "kg:Quadriceps" in cli("sparql", "--format", "table", "-f", str(path)).stdout


def test_cli_sparql_no_result_exits_1(cli):
    result = cli("sparql", "SELECT ?s WHERE { ?s a kg:NoSuchClass }")
    assert result.exit_code == 1


@pytest.mark.parametrize("args, message", [
    (["INSERT DATA { kg:a kg:b kg:c }"], "read-only"),
    (["SELECT ?s WHERE { ?s ?p }"], "malformed SPARQL at line 1, column"),
    (["--data", str(FIXTURES / "bad_syntax.ttl"), "ASK {}"], "bad_syntax.ttl:4:11: malformed Turtle"),
    (["--data", "/no/such/file.ttl", "ASK {}"], "/no/such/file.ttl: no such file"),
    (["--format", "turtle", "SELECT ?s WHERE { ?s ?p ?o }"], "is for CONSTRUCT and DESCRIBE"),
    ([], "give the query as an argument"),
])
def test_cli_sparql_bad_input_is_one_line_exit_2(cli, args, message):
    result = cli("sparql", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_cli_sparql_timeout(cli):
    result = cli("sparql", "--timeout", "0.5",
                 "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }")
    assert result.exit_code == 2
    assert "time limit" in result.stderr


def test_cli_validate_passes_on_shipped_graph(cli):
    result = cli("validate")
    assert result.exit_code == 0
    assert "valid" in result.stdout


def test_cli_validate_fails_on_broken_file(cli):
    result = cli("validate", str(FIXTURES / "broken_shapes.ttl"))
    assert result.exit_code == 1
    assert "kg:HeelPain" in result.stdout and "needs a skos:definition" in result.stdout


def test_cli_unknown_option_is_usage_error(cli):
    assert cli("sparql", "--no-such-option").exit_code == 2


KG_SCRIPT = Path(sys.executable).parent / "kg"


@pytest.mark.skipif(not KG_SCRIPT.exists(), reason="the kg console script is not installed beside this Python")
def test_cli_installed_console_script_runs_from_any_directory(tmp_path, cache_dir):
    env = {**os.environ, "KG_CACHE_DIR": str(cache_dir)}
    done = subprocess.run([str(KG_SCRIPT), "sparql", "--format", "json", "SELECT ?s WHERE { ?s a kg:Muscle }"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["results"]["bindings"]


def test_cli_ask_answers_with_sources(cli):
    result = cli("ask", "what prevents runner's knee?")
    assert result.exit_code == 0
    assert result.stdout.startswith("Runner's knee: prevented by lateral side steps, side leg lifts and "
                                    "single-legged squat.")
    assert "stated in [1]" in result.stdout and "Sources:\n  [1] Does Running Trim Thigh Muscles?" in result.stdout


def test_cli_ask_json(cli):
    result = cli("ask", "--json", "is spot reduction possible?")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["type"] == "yesno" and data["boolean"] is False and data["understood"] is True


def test_cli_ask_sparql_and_explain(cli):
    result = cli("ask", "--sparql", "--explain", "which muscles does sprinting engage?")
    assert result.exit_code == 0
    assert "SPARQL:" in result.stdout and "kg:Sprinting kg:engages ?answer" in result.stdout
    assert "Parse:" in result.stdout and "entity: 'sprinting' -> sprinting" in result.stdout


def test_cli_ask_not_understood_exits_1(cli):
    result = cli("ask", "what is the capital of France?")
    assert result.exit_code == 1
    assert result.stdout.startswith("I don't know")


@pytest.mark.parametrize("question", ["", "   ", "?!?"])
def test_cli_ask_empty_question_exits_2(cli, question):
    result = cli("ask", question)
    assert result.exit_code == 2
    assert "empty question" in result.stderr


def test_cli_ask_stdin_json_lines(cli):
    result = cli("ask", "--json", "-", input="what causes ITBS?\n\nwhere are the quads?\nwhat is the capital of France?\n")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["question"] for line in lines] == ["what causes ITBS?", "where are the quads?",
                                                    "what is the capital of France?"]
    assert [line["understood"] for line in lines] == [True, True, False]
    assert result.exit_code == 1  # one of them was not understood


def test_cli_ask_with_user_data(cli):
    result = cli("ask", "--data", str(EXAMPLES / "shin_splints.ttl"), "what prevents shin splints?")
    assert result.exit_code == 0
    assert "calf raises" in result.stdout and "follows from what [1] says" in result.stdout
    assert "property chain" not in result.stdout


def test_cli_ask_why_spells_out_each_inference(cli):
    """--why gives the rule and both premises, each with its source; the default only counts them."""
    result = cli("ask", "--why", "--data", str(EXAMPLES / "shin_splints.ttl"), "what prevents shin splints?")
    assert result.exit_code == 0
    item = next(line for line in result.stdout.splitlines() if line.startswith("  - calf raises"))
    assert "inferred: property chain: calf raises strengthen calf muscles (stated in" in item
    assert "calf muscles weakness causes shin splints (stated in" in item
    assert "--why shows" not in result.stdout


def test_cli_ask_ends_with_the_next_step_unless_told_not_to(cli):
    question = "does running help the inner thighs?"
    shown = cli("ask", question).stdout
    advice = next(line for line in shown.splitlines() if line.startswith("Next step:"))
    assert "to strengthen adductors, try" in advice and "sumo squats" in advice
    assert "Next step" not in cli("ask", "--no-advice", question).stdout
    assert json.loads(cli("ask", "--json", "--no-advice", question).stdout)["advice"] is None


def test_cli_ask_bad_data_exits_2(cli):
    result = cli("ask", "--data", str(FIXTURES / "bad_syntax.ttl"), "what causes ITBS?")
    assert result.exit_code == 2
    assert "bad_syntax.ttl:4:11: malformed Turtle" in result.stderr


def test_cli_shell_reads_questions_until_quit(cli):
    result = cli("shell", input="help\nwhat causes ITBS?\nsparql ASK { kg:Running kg:engages kg:Glutes }\nquit\n"
                                "what prevents runner's knee?\n")
    assert result.exit_code == 0
    assert "Ask a question in plain English" in result.stdout
    assert "ITBS (IT band syndrome): caused by weakness of glutes and hip muscles." in result.stdout
    assert "Runner's knee" not in result.stdout  # after quit


def test_shell_completes_names(asker):
    from nlp.shell import Completer

    completer = Completer(asker.lexicon)
    assert "what prevents runner's knee" in completer.candidates("what prevents runner's k")
    assert "what is IT band syndrome" in completer.candidates("what is IT band s")
    assert completer.complete("where are the hamstr", 0) == "where are the hamstring"


def test_cli_describe(cli):
    result = cli("describe", "runners knee")
    assert result.exit_code == 0
    assert result.stdout.startswith("runner's knee  (kg:RunnersKnee)")
    assert "prevented by:" in result.stdout and "DOID_14284" in result.stdout


def test_cli_describe_unknown_exits_1_with_suggestions(cli):
    result = cli("describe", "knee pain")
    assert result.exit_code == 1
    assert "did you mean" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_cli_list(cli):
    classes = cli("list")
    assert classes.exit_code == 0 and "exercise" in classes.stdout
    members = cli("list", "injuries")
    assert members.exit_code == 0 and "IT band syndrome" in members.stdout and "runner's knee" in members.stdout
    assert cli("list", "spaceships").exit_code == 1


def test_cli_path(cli):
    result = cli("path", "glutes", "side leg lifts")
    assert result.exit_code == 0 and result.stdout.strip() == "glutes <- strengthens <- side leg lifts"
    every = cli("path", "--all", "--max-length", "3", "sprinting", "ITBS")
    assert every.exit_code == 0 and len(every.stdout.splitlines()) > 1


def test_cli_path_none_exits_1(cli):
    result = cli("path", "spot reduction", "glutes")
    assert result.exit_code == 1 and "no path between" in result.stderr


def test_cli_graph_writes_files(cli, tmp_path):
    for name in ("knee.png", "knee.svg", "knee.dot", "knee.graphml", "knee.json", "knee.mmd"):
        result = cli("graph", "runner's knee", "-o", str(tmp_path / name))
        assert result.exit_code == 0, result.stderr
        assert (tmp_path / name).stat().st_size > 100


def test_cli_graph_mermaid_to_stdout(cli):
    result = cli("graph", "runner's knee")
    assert result.exit_code == 0 and result.stdout.startswith("flowchart LR")


@pytest.mark.parametrize("args, message", [
    (["--format", "bmp"], "bmp"),
    (["-o", "/no/such/dir/knee.png"], "cannot write /no/such/dir/knee.png"),
    (["-o", "knee.unknownext"], "cannot tell the format"),
])
def test_cli_graph_bad_output_exits_2(cli, args, message):
    result = cli("graph", "runner's knee", *args)
    assert result.exit_code == 2
    assert message in result.output


def test_cli_stats(cli):
    result = cli("stats")
    assert result.exit_code == 0
    assert "inferred" in result.stdout and "degree centrality" in result.stdout
    data = json.loads(cli("stats", "--json").stdout)
    assert data["most_connected"][0]["entities"][0]["label"] == "adductors"


@pytest.mark.parametrize("args, heavy", [
    (["sparql", "ASK { ?s ?p ?o }"], ["spacy", "rdflib", "networkx", "matplotlib"]),
    (["describe", "glutes"], ["spacy", "networkx", "matplotlib"]),
    (["path", "glutes", "knee"], ["spacy", "matplotlib"]),
    (["graph", "glutes", "--format", "mermaid"], ["spacy", "matplotlib"]),
])
def test_cli_heavy_imports_only_where_needed(args, heavy, cache_dir, tmp_path):
    code = ("import sys; from typer.testing import CliRunner; import cli; "
            f"r = CliRunner().invoke(cli.app, {args!r}); "
            f"print([m for m in {heavy!r} if m in sys.modules], r.exit_code)")
    done = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).parent.parent, capture_output=True,
                          text=True, env={**os.environ, "KG_CACHE_DIR": str(cache_dir)}, timeout=120)
    assert done.stdout.split()[0] == "[]", done.stdout + done.stderr


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory, cache_dir):
    from kg.disk import load

    from nlp import load_lexicon, make_nlp

    store = tmp_path_factory.mktemp("store") / "kg"
    load([EXAMPLES / "shin_splints.ttl"], store, prepare=lambda g: load_lexicon(g, make_nlp()))
    return store


def test_cli_load_builds_a_store(cli, tmp_path):
    store = tmp_path / "store"
    result = cli("load", str(EXAMPLES / "shin_splints.ttl"), "--store", str(store))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("loaded shin_splints.ttl (with the shipped ontology) into")
    assert any(p.name.startswith("lexicon-") for p in next(store.glob("generation-*")).iterdir())


def test_cli_load_bad_file_exits_2(cli, tmp_path):
    result = cli("load", str(FIXTURES / "bad_syntax.nt"), "--store", str(tmp_path / "store"))
    assert result.exit_code == 2 and "bad_syntax.nt:2:" in result.stderr


@pytest.mark.parametrize("args, expected", [
    (["ask", "what prevents shin splints?"], "calf raises"),
    (["sparql", "--format", "tsv", "SELECT ?x WHERE { ?x kg:prevents kg:ShinSplints }"], "CalfRaises"),
    (["describe", "shin splints"], "medial tibial stress syndrome"),
    (["path", "calf raises", "shin splints"], "calf raises -> prevents -> shin splints"),
    (["graph", "shin splints", "--format", "mermaid"], "flowchart LR"),
    (["stats"], "triples:"),
])
def test_cli_commands_read_the_store(cli, store_dir, args, expected):
    result = cli(*args, "--store", str(store_dir))
    assert result.exit_code == 0, result.output
    assert expected in result.stdout


def test_cli_store_from_environment(cli, store_dir, monkeypatch):
    monkeypatch.setenv("KG_STORE", str(store_dir))
    assert "calf raises" in cli("ask", "what prevents shin splints?").stdout


def test_cli_store_timeout_runs_in_the_child(cli, store_dir):
    result = cli("sparql", "--store", str(store_dir), "--timeout", "0.5",
                 "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }")
    assert result.exit_code == 2 and "time limit" in result.stderr


def test_cli_store_with_data_is_refused(cli, store_dir):
    result = cli("ask", "--store", str(store_dir), "--data", str(EXAMPLES / "shin_splints.ttl"), "what causes ITBS?")
    assert result.exit_code == 2 and "give them to kg load" in result.stderr


def test_cli_missing_store_exits_2(cli, tmp_path):
    result = cli("ask", "--store", str(tmp_path / "nope"), "what causes ITBS?")
    assert result.exit_code == 2 and "no such store" in result.stderr


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_cli_output_that_cannot_be_written_is_one_line(cache_dir):
    with open("/dev/full", "wb") as full:
        done = subprocess.run([sys.executable, "-c", "import cli; cli.main()", "export"], stdout=full,
                              stderr=subprocess.PIPE, text=True, cwd=Path(__file__).parent.parent)
    assert done.returncode == 2
    assert done.stderr == "kg: error: cannot write the output: No space left on device\n"


def test_cli_serve_bad_host_is_one_line(cli):
    result = cli("serve", "--host", "nosuchhost.invalid", "--port", "0", "--no-ask", "--workers", "1")
    assert result.exit_code == 2
    assert result.stderr.startswith("kg: error: cannot listen on nosuchhost.invalid:0") and "Traceback" not in result.output


def test_cli_list_and_stats_count_the_members_of_a_class_alike(cli):
    """One definition of a class's members (its subclasses' included) in both commands."""
    listed = {}
    for line in cli("list").stdout.splitlines()[2:]:
        label, _, n = line.rsplit(None, 2)
        listed[label.strip()] = int(n)
    stats = cli("stats").stdout.split("members per class", 1)[1].split("most connected", 1)[0]
    counted = {label.strip(): int(n) for label, n in (line.rsplit(":", 1) for line in stats.splitlines()[1:])}
    assert counted == listed and listed["muscle"] > listed["muscle group"] > 0


@pytest.mark.parametrize("fmt", ["tsv", "json", "xml", "table"])
def test_cli_sparql_ask_result_ends_with_a_newline(cli, fmt):
    out = cli("sparql", "--format", fmt, "ASK { kg:Sprinting kg:engages kg:Glutes }")
    assert out.exit_code == 0 and out.stdout.endswith("\n") and not out.stdout.endswith("\n\n")


def test_cli_json_of_list_path_and_describe_has_stable_keys(cli):
    """IRIs and snake_case keys, never display text as a key: what a script can rely on."""
    def keys(value):
        if isinstance(value, dict):
            return set(value) | {k for v in value.values() for k in keys(v)}
        if isinstance(value, list):
            return {k for v in value for k in keys(v)}
        return set()

    classes = json.loads(cli("list", "--json").stdout)
    exercise = next(c for c in classes if c["class"] == KG + "Exercise")
    members = json.loads(cli("list", "--json", "exercises").stdout)
    assert members["class"] == KG + "Exercise" and len(members["members"]) == exercise["members"]
    paths = json.loads(cli("path", "--json", "glutes", "side leg lifts").stdout)
    assert paths[0]["facts"][0] == {"subject": KG + "SideLegLifts", "property": KG + "strengthens",
                                    "object": KG + "Glutes", "inferred": False}
    card = json.loads(cli("describe", "--json", "runner's knee").stdout)
    prevented = next(r for r in card["relations"] if r["property"] == KG + "prevents")
    assert prevented["direction"] == "incoming" and KG + "SideLegLifts" in {f["iri"] for f in prevented["facts"]}
    stats = json.loads(cli("stats", "--json").stdout)
    for data in (classes, members, paths, card, stats):
        assert all(re.fullmatch(r"[a-z_]+", k) for k in keys(data)), keys(data)


def test_cli_shell_completion_is_typers_own():
    """kg --show-completion prints a script; the script's callback completes command names."""
    shown = subprocess.run([str(KG_SCRIPT), "--show-completion", "bash"], capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0 and "_kg_completion" in shown.stdout
    env = {**os.environ, "_KG_COMPLETE": "complete_bash", "COMP_WORDS": "kg sp", "COMP_CWORD": "1"}
    completed = subprocess.run([str(KG_SCRIPT)], capture_output=True, text=True, timeout=60, env=env)
    assert completed.stdout.split() == ["sparql"]


@pytest.mark.parametrize("args, message", [
    (["sparql", "--bogus"], "kg: error: No such option: --bogus (see: kg sparql -h)"),
    (["serve", "--timeout", "inf"], "kg: error: Invalid value for '--timeout'"),
    (["nosuchcommand"], "kg: error: No such command 'nosuchcommand'."),
])
def test_cli_usage_errors_are_one_line_off_a_terminal(args, message):
    """In a pipe or a log (stderr not a terminal), a usage error is one line and exit code 2."""
    done = subprocess.run([str(KG_SCRIPT), *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and done.stderr.startswith(message), done.stderr


def test_cli_no_arguments_prints_the_help_off_a_terminal():
    done = subprocess.run([str(KG_SCRIPT)], capture_output=True, text=True, timeout=60)
    assert "Usage: kg" in done.stdout and "sparql" in done.stdout and "Traceback" not in done.stderr


def _stderr_on_a_terminal(*args: str) -> tuple[int, str]:
    """Run kg with stderr on a pseudo-terminal: (exit code, what the terminal showed)."""
    import pty

    master, slave = pty.openpty()
    process = subprocess.Popen([str(KG_SCRIPT), *args], stdout=subprocess.DEVNULL, stderr=slave,
                               env={**os.environ, "COLUMNS": "120"})
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    return process.wait(timeout=120), shown.decode(errors="replace")


def test_cli_long_work_shows_its_stage_on_a_terminal_and_nothing_in_a_pipe(tmp_path):
    code, shown = _stderr_on_a_terminal("load", str(EXAMPLES / "shin_splints.ttl"), "--store", str(tmp_path / "a"))
    # The spinner redraws a few times a second, so a fast stage may never be drawn; the last one is.
    assert code == 0 and "building the question parser's vocabulary" in shown
    code, shown = _stderr_on_a_terminal("stats")
    assert code == 0 and "counting the members of each class" in shown
    piped = subprocess.run([str(KG_SCRIPT), "load", str(EXAMPLES / "shin_splints.ttl"), "--store", str(tmp_path / "b")],
                           capture_output=True, text=True, timeout=120)
    assert piped.returncode == 0 and piped.stderr == ""


def test_cli_ask_wraps_on_a_terminal_and_not_in_a_pipe():
    import pty

    master, slave = pty.openpty()
    process = subprocess.Popen([str(KG_SCRIPT), "ask", "what prevents runner's knee?"], stdout=slave,
                               stderr=subprocess.DEVNULL, env={**os.environ, "COLUMNS": "70"})
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    assert process.wait(timeout=120) == 0
    lines = shown.decode().replace("\r", "").splitlines()
    assert len(lines) > 5 and max(map(len, lines)) <= 70
    piped = subprocess.run([str(KG_SCRIPT), "ask", "--why", "what prevents runner's knee?"], capture_output=True,
                           text=True, env={**os.environ, "COLUMNS": "70"}, timeout=120)
    assert len(piped.stdout.split("Sources:")[0].splitlines()) == 4 and max(map(len, piped.stdout.splitlines())) > 70


def test_cli_no_color_turns_off_colours_on_a_terminal():
    """Answers are plain text; the only colours are Typer's help and the progress line (rich),
    and NO_COLOR turns them off (bold and dim stay, as the NO_COLOR convention allows)."""
    import pty
    import re

    def shown(env: dict) -> bytes:
        pid, fd = pty.fork()
        if pid == 0:
            os.environ.clear()
            os.environ.update(env)
            os.execv(str(KG_SCRIPT), [str(KG_SCRIPT), "ask", "--help"])
        out = b""
        while True:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        os.waitpid(pid, 0)
        os.close(fd)
        return out

    colour = re.compile(rb"\x1b\[(?:[0-9;]*;)?(?:3[0-9]|4[0-9]|9[0-7])(?:;[0-9;]*)?m")
    base = {"PATH": os.environ["PATH"], "TERM": "xterm-256color", "COLUMNS": "100"}
    assert colour.search(shown(base))  # the check can see colours when there are some
    assert not colour.search(shown({**base, "NO_COLOR": "1"}))

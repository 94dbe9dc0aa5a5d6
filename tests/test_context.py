"""Follow-up questions (nlp.context): pointing back at the last question's names and answers."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg import terms
from nlp.context import Conversation

KG = terms.KG
KG_SCRIPT = Path(sys.executable).parent / "kg"


@pytest.fixture()
def talk(asker):
    return Conversation(asker)


def iris(answer) -> set[str]:
    return {a.iri.removeprefix(KG) for a in answer.answers}


def test_context_it_is_what_the_last_question_named(talk):
    talk.ask("what causes IT band syndrome?")
    answer = talk.ask("what prevents it?")
    assert answer.entities[0]["iri"] == KG + "ITBandSyndrome"
    assert iris(answer) == {"LateralSideSteps", "SideLegLifts", "SingleLeggedSquat"}
    assert "follow-up: 'it' taken to be IT band syndrome" in answer.explain


def test_context_them_is_what_the_last_question_answered(talk):
    talk.ask("which muscles does sprinting engage?")
    answer = talk.ask("what strengthens them?")
    assert "follow-up: 'them' taken to be glutes and hamstrings" in answer.explain
    assert {"OneLeggedDeadlift", "LateralSideSteps"} <= iris(answer)  # for the hamstrings; the glutes


def test_context_and_asks_the_last_question_of_a_new_name(talk):
    talk.ask("what prevents IT band syndrome?")
    answer = talk.ask("and runner's knee?")
    assert answer.entities[0]["iri"] == KG + "RunnersKnee" and answer.type == "relation"
    assert iris(answer) == {"LateralSideSteps", "SideLegLifts", "SingleLeggedSquat"}


def test_context_which_of_those_keeps_to_the_last_answers(talk, asker):
    talk.ask("what strengthens the hamstrings?")
    last = {iri for iri, _ in talk.last.answers}
    answer = talk.ask("which of those work the glutes?")
    unrestricted = asker.ask("which exercises work the glutes?")
    assert iris(answer) <= {a.removeprefix(KG) for a in last}
    assert {a.iri for a in answer.answers} == last & {a.iri for a in unrestricted.answers}


def test_context_a_first_question_and_a_name_with_it_are_not_rewritten(talk):
    """Nothing to point back to at first; "IT" of "IT band" is a name, not a pointer."""
    assert talk.resolve("what prevents it?") == ("what prevents it?", None, None)
    talk.ask("what causes runner's knee?")
    assert talk.resolve("what is IT band syndrome?")[0] == "what is IT band syndrome?"
    assert talk.resolve("which of those exercises help?")[0] == "which of those exercises help?"


def test_cli_shell_follows_up_when_piped(cli):
    result = cli("shell", "--explain", input="what causes IT band syndrome?\nwhat prevents it?\n")
    assert result.exit_code == 0
    assert "IT band syndrome: prevented by lateral side steps" in result.stdout
    assert "follow-up: 'it' taken to be IT band syndrome" in result.stdout


def test_cli_shell_on_a_terminal_follows_up_cancels_with_ctrl_c_and_leaves_with_ctrl_d(tmp_path):
    """Driven through a pseudo-terminal: a question, two follow-ups, a line dropped with Ctrl-C,
    and Ctrl-D to leave."""
    import pty
    import select
    import signal

    pid, fd = pty.fork()
    if pid == 0:  # the child: kg shell on the terminal
        os.environ.update(KG_HISTORY=str(tmp_path / "history"), COLUMNS="200", TERM="dumb")
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # as a parent may leave it: the shell must still take Ctrl-C
        os.execv(str(KG_SCRIPT), [str(KG_SCRIPT), "shell", "--no-advice"])
    transcript = b""

    def read_until(marker: bytes, timeout: float = 120) -> bytes:
        nonlocal transcript
        seen, deadline = b"", time.monotonic() + timeout
        while marker not in seen and time.monotonic() < deadline:
            if select.select([fd], [], [], 0.2)[0]:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:  # the shell has gone
                    break
                seen += chunk
                transcript += chunk
        assert marker in seen, transcript.decode(errors="replace")
        return seen

    try:
        read_until(b"kg> ")
        os.write(fd, b"what causes IT band syndrome?\n")
        assert b"caused by weakness of glutes and hip muscles" in read_until(b"kg> ")
        os.write(fd, b"what prevents it?\n")
        assert b"IT band syndrome: prevented by lateral side steps" in read_until(b"kg> ")
        os.write(fd, b"what do they strengthen?\n")  # they: the exercises just answered
        shown = read_until(b"kg> ")
        assert b"Lateral side steps: strengthens glutes" in shown and b"I don't know" not in shown
        os.write(fd, b"what causes runner")  # typed (and echoed), then dropped
        read_until(b"runner")
        # Python's readline notices Ctrl-C only while it waits for a key (in select): give it the
        # moment after echoing to get back there, as a person's keystrokes always do.
        time.sleep(1)
        os.write(fd, b"\x03")
        read_until(b"kg> ")
        os.write(fd, b"\x04")  # Ctrl-D on an empty line
        deadline = time.monotonic() + 30
        while (done := os.waitpid(pid, os.WNOHANG))[0] == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert done[0] == pid, "kg shell did not leave on Ctrl-D: " + transcript.decode(errors="replace")
        assert os.waitstatus_to_exitcode(done[1]) == 0
        assert b"caused by" not in transcript.split(b"what causes runner")[-1]  # the dropped line was not asked
    finally:
        os.close(fd)
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass

"""``kg shell``: ask question after question with the graph loaded once.

A question may point back at the one before ("what prevents it?", "and the hamstrings?", "which
of those ...": nlp.context). History is kept between sessions, and Tab completes the names of
things in the graph. Ctrl-C drops the line being typed (or stops the answer being worked out);
Ctrl-D leaves.
"""

import os
import sys
from pathlib import Path

from kg.errors import KgError

from .render import terminal_width, text

PROMPT = "kg> "
HELP = """Ask a question in plain English{example}.
A follow-up may point back: "what prevents it?", "and <another name>?", "which of those ...".
  sparql QUERY   run a read-only SPARQL query
  help           this text
  quit           leave (or Ctrl-D)"""


class Completer:
    """Completes the name being typed from the graph's entity and class names (readline style)."""

    def __init__(self, lexicon):
        self.lexicon = lexicon
        self.matches: list[str] = []

    def candidates(self, line: str) -> list[str]:
        """Whole lines that finish the name being typed at the end of ``line``.

        The name may have several words ("runner's k" -> "runner's knee"); the longest tail of
        ``line`` that starts a name wins.
        """
        words = line.split(" ")
        for size in range(min(5, len(words)), 0, -1):
            tail = " ".join(words[-size:])
            if not tail.strip():
                continue
            head = line[: len(line) - len(tail)]
            found = [head + n for n in self.lexicon.names_starting(tail) if n.lower() != tail.lower()]
            if found:
                return list(dict.fromkeys(found))
        return []

    def complete(self, text_: str, state: int) -> str | None:
        """readline's completer: the whole line is one word (no delimiters), so it can span names."""
        if state == 0:
            self.matches = self.candidates(text_)
        return self.matches[state] if state < len(self.matches) else None


def history_file() -> Path:
    configured = os.environ.get("KG_HISTORY")
    if configured:
        return Path(configured)
    import platformdirs

    return Path(platformdirs.user_state_dir("runner-kg", appauthor=False)) / "history"


def run(asker, stdin=None, stdout=None, *, sparql: bool = False, explain: bool = False, why: bool = False,
        advice: bool = True) -> int:
    """The read-answer loop. With a terminal it uses readline for history and completion."""
    from .context import Conversation

    stdin, stdout = stdin or sys.stdin, stdout or sys.stdout
    interactive = stdin.isatty() and stdout.isatty()
    conversation = Conversation(asker)
    if interactive:
        import signal

        # Ctrl-C drops a line even when the parent left SIGINT ignored (Python then keeps it so).
        signal.signal(signal.SIGINT, signal.default_int_handler)
        _setup_readline(asker.lexicon)
        stdout.write(f"runner-kg shell: {asker.lexicon.entity_count()} things in the graph. "
                     "Type 'help', or a question.\n")
    while True:
        try:
            line = input(PROMPT) if interactive else stdin.readline()
        except KeyboardInterrupt:  # Ctrl-C: drop the line, as a shell does
            stdout.write("\n")
            continue
        except EOFError:  # Ctrl-D
            stdout.write("\n")
            break
        if not interactive and line == "":
            break
        line = line.strip()
        if not line:
            continue
        if line in ("quit", "exit", ":q"):
            break
        if line in ("help", "?"):
            examples = asker.lexicon.examples
            stdout.write(HELP.format(example=f', e.g. "{examples[0]}"' if examples else "") + "\n")
            continue
        try:
            if line.lower().startswith("sparql "):
                from kg import sparql as engine

                out = engine.run_contained(asker.graph, line[7:], None, timeout=30)
                stdout.write(out.data.decode())
            else:
                answer = conversation.ask(line)
                stdout.write(text(answer, sparql=sparql, explain=explain, why=why, advice=advice, label=asker.lexicon.label,
                                  width=terminal_width(stdout)))
        except KgError as e:
            stdout.write(f"error: {e}\n")
        except KeyboardInterrupt:  # Ctrl-C while answering: give up on this one
            stdout.write("\ninterrupted\n")
        stdout.flush()
    if interactive:
        _save_history()
    return 0


def _setup_readline(lexicon) -> None:
    try:
        import readline
    except ImportError:  # not on every platform; the shell works without it
        return
    completer = Completer(lexicon)
    readline.set_completer(completer.complete)
    readline.set_completer_delims("")
    readline.parse_and_bind("tab: complete")
    path = history_file()
    try:
        readline.read_history_file(path)
    except OSError:
        pass


def _save_history() -> None:
    try:
        import readline
    except ImportError:
        return
    path = history_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        readline.set_history_length(1000)
        readline.write_history_file(path)
    except OSError:
        pass

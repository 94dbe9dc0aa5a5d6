"""The README's examples are run: every `$ kg ...` line in a console block, with its output."""

import os
import re
import shlex
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _examples() -> list[tuple[str, str]]:
    examples = []
    for block in re.findall(r"```console\n(.*?)```", README, re.S):
        command, output = None, []
        for line in block.splitlines():
            if line.startswith("$ "):
                if command:
                    examples.append((command, "\n".join(output).strip()))
                command, output = line[2:], []
            else:
                output.append(line)
        if command:
            examples.append((command, "\n".join(output).strip()))
    return examples


EXAMPLES = _examples()


def test_readme_has_examples_and_both_setup_commands():
    assert len(EXAMPLES) >= 8
    assert "<!-- main-command -->" in README and "<!-- test-command -->" in README
    main = README.split("<!-- main-command -->")[1].split("```")[1]
    assert "pip install ." in main and "kg ask" in main


@pytest.mark.parametrize("command, expected", EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_readme_example_output(cli, monkeypatch, command, expected):
    import cli as kg_cli

    monkeypatch.setattr(kg_cli, "_terminal", lambda: True)  # the README shows a terminal
    monkeypatch.chdir(ROOT)
    args = shlex.split(command)
    assert args[0] == "kg"
    result = cli(*args[1:])
    assert result.stdout.strip() == expected

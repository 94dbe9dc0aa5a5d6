"""Answers a runner can read: the latest blind rating applies to what ships.

tests/clarity/roundN-sample.txt holds ten answers sampled at random from the question suite, as
`kg ask` printed them; roundN-verdicts.json holds what a helper session, shown only those answers
(never the code), said of each. Earlier rounds are kept as the record of what changed and why.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

CLARITY = Path(__file__).parent / "clarity"
KG_SCRIPT = Path(sys.executable).parent / "kg"


def _latest() -> int:
    return max(int(re.search(r"round(\d+)-verdicts", p.name).group(1)) for p in CLARITY.glob("round*-verdicts.json"))


def test_clarity_latest_rating_is_at_least_nine_of_ten():
    verdicts = json.loads((CLARITY / f"round{_latest()}-verdicts.json").read_text(encoding="utf-8"))
    assert len(verdicts) == 10
    assert sum(v["clear"] for v in verdicts) >= 9, [v["reason"] for v in verdicts if not v["clear"]]


def test_clarity_rated_answers_are_the_answers_kg_gives_now():
    """If the text of a rated answer changes, it must be rated again: the verdicts are about it."""
    sample = (CLARITY / f"round{_latest()}-sample.txt").read_text(encoding="utf-8")
    rated = re.findall(r"^### Answer \d+\nQuestion: ([^\n]*)\n(.*?)\n(?=### Answer|\Z)", sample, re.M | re.S)
    assert len(rated) == 10
    for question, shown in rated:
        now = subprocess.run([str(KG_SCRIPT), "ask", question], capture_output=True, text=True, timeout=120)
        assert now.stdout.strip() == shown.strip(), question

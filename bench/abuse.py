"""Abuse benchmark of `kg serve`: does a normal client keep its throughput while another attacks?

A normal client (127.0.0.1, one keep-alive connection, a mix of SPARQL queries and questions)
queries for PHASE seconds alone, then during each abuse sent from another address (127.0.0.2):
- runaway: two runaway queries at a time, each sent again as soon as it is stopped;
- salad: two word-salad questions of 60 words at a time to POST /ask;
- nested: two streams of queries nested 6,000 deep (they crashed the engine);
- slow: 110 connections sending one byte every 5 seconds (slowloris).
Reports the normal client's requests per second in each phase and its ratio to the phase alone,
its p95 latency, what the attacker got, and the workers restarted. With --compare DIR, a second
checkout (e.g. a worktree of an older commit) is run the same way right after, for a side-by-side
ratio on the same machine. The attacker runs in its own process, so the normal client does not
share an interpreter lock with it, at nice 10: it stands for a client on another machine, whose
own CPU should not count against the server (the machine has two cores for everything here).
--attacker-nice 0 measures it at equal priority.

    .venv/bin/python bench/abuse.py [--phase 15] [--workers 2] [--compare /tmp/orig]
"""

import argparse
import http.client
import json
import multiprocessing
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).parent.parent
SUITE = ROOT / "tests" / "questions" / "suite.jsonl"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
NESTED = "SELECT * WHERE " + "{" * 6000 + " ?s ?p ?o " + "}" * 6000
NORMAL = ["SELECT ?m WHERE { kg:Running kg:engages ?m }", "ASK { ?e kg:prevents kg:RunnersKnee }",
          "SELECT ?e WHERE { ?e kg:strengthens kg:Glutes } ORDER BY ?e"]
ATTACKER = "127.0.0.2"


def start(checkout: Path, workers: int) -> tuple[subprocess.Popen, int]:
    env = {**os.environ, "KG_CACHE_DIR": tempfile.mkdtemp(prefix="kg-bench-cache-")}
    process = subprocess.Popen([sys.executable, "-c", "import cli; cli.main()", "serve", "--port", "0",
                                "--workers", str(workers)], cwd=checkout, env=env, text=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for line in process.stderr:
        if "listening on" in line:
            port = int(line.split("listening on ")[1].split()[0].rstrip("/").rsplit(":", 1)[1])
            threading.Thread(target=lambda: [None for _ in process.stderr], daemon=True).start()
            return process, port
    raise RuntimeError("kg serve did not start")


def request(connection: http.client.HTTPConnection, method: str, path: str, body: str | None = None,
            headers: dict | None = None) -> int:
    connection.request(method, path, body=body.encode() if body else None, headers=headers or {})
    response = connection.getresponse()
    response.read()
    return response.status


def normal_client(port: int, seconds: float, questions: list[str]) -> dict:
    rng = random.Random(1)
    latencies, statuses = [], Counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        started = time.monotonic()
        try:
            if rng.random() < 0.7:
                status = request(connection, "GET", "/sparql?" + urllib.parse.urlencode({"query": rng.choice(NORMAL)}))
            else:
                status = request(connection, "POST", "/ask", json.dumps({"question": rng.choice(questions)}),
                                 {"Content-Type": "application/json"})
        except (OSError, http.client.HTTPException):
            status = "failed"
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        statuses[status] += 1
        latencies.append(time.monotonic() - started)
    connection.close()
    ok = statuses[200]
    return {"rps": ok / seconds, "p95_ms": statistics.quantiles(latencies, n=20)[18] * 1000 if len(latencies) > 1 else 0,
            "statuses": dict(statuses)}


def attacker_requests(port: int, stop: threading.Event, outcomes: Counter, method: str, path: str, body: str | None,
                      headers: dict | None = None) -> None:
    while not stop.is_set():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=(ATTACKER, 0))
        try:
            outcomes[request(connection, method, path, body, headers)] += 1
        except (OSError, http.client.HTTPException):
            outcomes["failed"] += 1
            time.sleep(0.01)
        finally:
            connection.close()


def slow_connections(port: int, stop: threading.Event, outcomes: Counter, count: int = 110) -> None:
    sockets = []
    for _ in range(count):
        s = socket.socket()
        s.bind((ATTACKER, 0))
        s.settimeout(2)
        try:
            s.connect(("127.0.0.1", port))
            s.sendall(b"GET /sparql?query=ASK")
            sockets.append(s)
        except OSError:
            outcomes["refused"] += 1
    while not stop.wait(5):
        for s in list(sockets):
            try:
                s.send(b"x")
            except OSError:
                outcomes["cut"] += 1
                sockets.remove(s)
    for s in sockets:
        s.close()


def salad(rng: random.Random, words: list[str]) -> str:
    return " ".join(rng.choice(words) for _ in range(60)) + "?"


def abuses(words: list[str]) -> dict:
    rng = random.Random(3)
    ask = {"Content-Type": "application/json"}
    direct = {"Content-Type": "application/sparql-query"}
    return {
        "runaway": lambda port, stop, out: [lambda: attacker_requests(port, stop, out, "POST", "/sparql", RUNAWAY, direct)] * 2,
        "salad": lambda port, stop, out: [lambda: attacker_requests(port, stop, out, "POST", "/ask",
                                                                    json.dumps({"question": salad(rng, words)}), ask)] * 2,
        "nested": lambda port, stop, out: [lambda: attacker_requests(port, stop, out, "POST", "/sparql", NESTED, direct)] * 2,
        "slow": lambda port, stop, out: [lambda: slow_connections(port, stop, out)],
        "flood": lambda port, stop, out: [lambda: attacker_requests(port, stop, out, "GET", "/sparql?query=ASK%7B%7D", None)] * 2,
    }


def attack(name: str, port: int, words: list[str], stop, results, nice: int) -> None:
    """The attacker's process: run one abuse until ``stop`` is set, then report what it got."""
    os.nice(nice)
    outcomes = Counter()
    halt = threading.Event()
    threads = [threading.Thread(target=target, daemon=True) for target in abuses(words)[name](port, halt, outcomes)]
    for thread in threads:
        thread.start()
    stop.wait()
    halt.set()
    for thread in threads:
        thread.join(30)
    results.put(dict(outcomes))


def restarts(port: int) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/health")
    return json.loads(connection.getresponse().read())["restarts"]


def run(checkout: Path, workers: int, phase: float, nice: int) -> list[dict]:
    questions = [json.loads(line)["q"] for line in SUITE.read_text(encoding="utf-8").splitlines() if line.strip()]
    words = sorted({w.strip("?,.") for q in questions for w in q.split()})
    process, port = start(checkout, workers)
    rows = []
    try:
        baseline = normal_client(port, phase, questions)
        rows.append({"phase": "alone", **baseline, "ratio": 1.0, "attacker": {}, "restarts": 0})
        context = multiprocessing.get_context("fork")
        for name in abuses(words):
            before = restarts(port)
            stop, results = context.Event(), context.Queue()
            attacker = context.Process(target=attack, args=(name, port, words, stop, results, nice))
            attacker.start()
            time.sleep(1)  # let the attack take hold
            measured = normal_client(port, phase, questions)
            stop.set()
            outcomes = results.get(timeout=60)
            attacker.join(30)
            time.sleep(2)
            rows.append({"phase": name, **measured, "ratio": measured["rps"] / baseline["rps"],
                         "attacker": outcomes, "restarts": restarts(port) - before})
    finally:
        process.terminate()
        process.wait(30)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phase", type=float, default=15)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--compare", type=Path, help="another checkout to run the same way, after this one")
    parser.add_argument("--attacker-nice", type=int, default=10)
    args = parser.parse_args()
    checkouts = [ROOT] + ([args.compare] if args.compare else [])
    print(f"normal client alone, then during each abuse; {args.phase:g} s per phase, {args.workers} workers, "
          f"attacker at nice {args.attacker_nice}")
    print("| checkout | phase | normal req/s | ratio to alone | normal p95 ms | normal non-200 | attacker got | workers restarted |")
    print("| --- | --- | ---: | ---: | ---: | --- | --- | ---: |")
    for checkout in checkouts:
        label = subprocess.run(["git", "-C", str(checkout), "rev-parse", "--short", "HEAD"], capture_output=True,
                               text=True).stdout.strip() or str(checkout)
        for row in run(checkout, args.workers, args.phase, args.attacker_nice):
            other = {k: v for k, v in row["statuses"].items() if k != 200}
            print(f"| {label} | {row['phase']} | {row['rps']:.0f} | {row['ratio']:.2f} | {row['p95_ms']:.1f} | "
                  f"{other or '-'} | {row['attacker'] or '-'} | {row['restarts']} |", flush=True)


if __name__ == "__main__":
    main()

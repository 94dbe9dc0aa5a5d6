"""Load test of `kg serve` on 127.0.0.1: concurrent clients, mixed queries and questions.

One run, three phases against one server: 1 client (the latency floor), then CLIENTS clients
sending REQUESTS mixed requests (SPARQL SELECT, ASK and CONSTRUCT over GET, and questions over
POST /ask), with one more client sending a runaway query part way through. Reports throughput,
p50/p99 latency, errors (any reply but 200, or a failed connection), and the latency of the
requests answered while the runaway query held a worker until its time limit killed it.
Clients are spread over processes (4 threads each), so the client side is not one GIL.

    .venv/bin/python bench/serve_load.py [--clients 16] [--requests 20000] [--workers 2]
"""

import argparse
import http.client
import json
import multiprocessing
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

KG = str(Path(sys.executable).parent / "kg")
SUITE = Path(__file__).parent.parent / "tests" / "questions" / "suite.jsonl"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
ACTIVITIES = ["Running", "Sprinting", "RunningUphill", "RunningDownhill", "Walking", "Standing", "Landing", "PushingOff"]
INJURIES = ["RunnersKnee", "ITBandSyndrome"]
MUSCLES = ["Glutes", "Hamstrings", "Quadriceps", "Adductors", "HipMuscles", "CalfMuscles"]


def mix(n: int, seed: int = 7) -> list[tuple[str, str, str]]:
    """``n`` requests: (kind, path, body); 60% SPARQL of four shapes, 40% questions from the suite."""
    rng = random.Random(seed)
    questions = [json.loads(line)["q"] for line in SUITE.read_text(encoding="utf-8").splitlines() if line.strip()]
    shapes = [
        lambda: f"SELECT ?m ?label WHERE {{ kg:{rng.choice(ACTIVITIES)} kg:engages ?m . ?m skos:prefLabel ?label }}",
        lambda: f"SELECT ?e WHERE {{ ?e kg:prevents kg:{rng.choice(INJURIES)} }} ORDER BY ?e",
        lambda: f"ASK {{ ?e kg:strengthens kg:{rng.choice(MUSCLES)} }}",
        lambda: f"CONSTRUCT {{ kg:{rng.choice(MUSCLES)} ?p ?o }} WHERE {{ kg:{rng.choice(MUSCLES)} ?p ?o }}",
    ]
    requests = []
    for _ in range(n):
        if rng.random() < 0.6:
            query = rng.choice(shapes)()
            requests.append(("sparql", "/sparql?" + urllib.parse.urlencode({"query": query}), ""))
        else:
            requests.append(("ask", "/ask", json.dumps({"question": rng.choice(questions)})))
    return requests


def client(args) -> list[tuple[float, float, int, str]]:
    """Send the requests with ``threads`` keep-alive connections; (start, seconds, status, kind) each."""
    host, port, requests, threads = args
    results, lock = [], threading.Lock()
    chunks = [requests[i::threads] for i in range(threads)]

    def worker(chunk):
        connection = http.client.HTTPConnection(host, port, timeout=60)
        mine = []
        for kind, path, body in chunk:
            started = time.time()
            t = time.perf_counter()
            try:
                if kind == "ask":
                    connection.request("POST", path, body=body, headers={"Content-Type": "application/json"})
                else:
                    connection.request("GET", path, headers={"Accept": "application/sparql-results+json, text/turtle"})
                response = connection.getresponse()
                response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException):
                status = 0
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=60)
            mine.append((started, time.perf_counter() - t, status, kind))
        with lock:
            results.extend(mine)

    pool = [threading.Thread(target=worker, args=(c,)) for c in chunks]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return results


def runaway(host: str, port: int, out: dict) -> None:
    connection = http.client.HTTPConnection(host, port, timeout=120)
    out["start"] = time.time()
    connection.request("GET", "/sparql?" + urllib.parse.urlencode({"query": RUNAWAY}))
    response = connection.getresponse()
    response.read()
    out["end"], out["status"] = time.time(), response.status


def engines(url: str) -> dict[str, tuple[float, float]]:
    """The question pipeline over the embedded store and over the server (kg.remote), side by
    side: time to build the parser's vocabulary, and median ms per question."""
    from kg import open_graph
    from kg.remote import RemoteGraph
    from nlp import Asker

    questions = [json.loads(line)["q"] for line in SUITE.read_text(encoding="utf-8").splitlines() if line.strip()][:300]
    found = {}
    Asker(open_graph(), use_cache=False).ask(questions[0])  # imports and first-use costs, paid by neither
    for name, graph in (("embedded", open_graph()), ("remote", RemoteGraph(url))):
        started = time.perf_counter()
        asker = Asker(graph, use_cache=False)
        built = (time.perf_counter() - started) * 1000
        times = []
        for question in questions:
            t = time.perf_counter()
            asker.ask(question)
            times.append((time.perf_counter() - t) * 1000)
        found[name] = (built, statistics.median(times))
    return {"vocabulary built from the graph (ms)": (found["embedded"][0], found["remote"][0]),
            "per question, median (ms)": (found["embedded"][1], found["remote"][1])}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def summary(name: str, results, seconds: float) -> dict:
    latencies = [r[1] * 1000 for r in results]
    errors = sum(1 for r in results if r[2] != 200)
    return {"phase": name, "requests": len(results), "errors": errors, "seconds": round(seconds, 2),
            "throughput": round(len(results) / seconds, 1),
            "p50_ms": round(statistics.median(latencies), 2), "p99_ms": round(percentile(latencies, 99), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=5.0, help="the server's query time limit")
    args = parser.parse_args()
    env = {**os.environ, "KG_CACHE_DIR": tempfile.mkdtemp(prefix="kg-bench-cache-")}
    server = subprocess.Popen([KG, "serve", "--port", "0", "--workers", str(args.workers), "--timeout",
                               str(args.timeout)], env=env, stderr=subprocess.PIPE, text=True)
    log: list[str] = []
    listening = threading.Event()

    def read_log():
        for line in server.stderr:
            log.append(line)
            if "listening on" in line:
                listening.set()

    threading.Thread(target=read_log, daemon=True).start()
    if not listening.wait(120):
        server.kill()
        raise SystemExit("kg serve did not start:\n" + "".join(log))
    url = urllib.parse.urlsplit(next(line for line in log if "listening on" in line).split("listening on ")[1].split()[0])
    host, port = url.hostname, url.port
    try:
        client((host, port, mix(200, seed=1), 1))  # warm up: every worker has answered both kinds
        started = time.perf_counter()
        single = client((host, port, mix(1000, seed=2), 1))
        phases = [summary("1 client, 1,000 requests", single, time.perf_counter() - started)]

        requests = mix(args.requests, seed=3)
        processes = max(1, args.clients // 4)
        slices = [(host, port, requests[i::processes], args.clients // processes) for i in range(processes)]
        held: dict = {}
        trigger = threading.Timer(2.0, runaway, args=(host, port, held))
        with multiprocessing.Pool(processes) as pool:
            started = time.perf_counter()
            trigger.start()
            loaded = [r for part in pool.map(client, slices) for r in part]
            seconds = time.perf_counter() - started
        trigger.join()
        phases.append(summary(f"{args.clients} clients, {args.requests:,} requests", loaded, seconds))
        during = [r for r in loaded if held and held["start"] <= r[0] and r[0] + r[1] <= held["end"]]
        if during:
            phases.append(summary("  of which answered while the runaway query ran", during, held["end"] - held["start"]))
        for kind in ("sparql", "ask"):
            part = [r for r in loaded if r[3] == kind]
            phases.append(summary(f"  of which {'SPARQL queries' if kind == 'sparql' else 'questions (POST /ask)'}",
                                  part, seconds))
        remote = engines(f"http://{host}:{port}/sparql")
    finally:
        server.terminate()
        server.wait(30)
    print(f"kg serve --workers {args.workers} --timeout {args.timeout:g}; {os.cpu_count()} CPUs; clients in "
          f"{processes} processes")
    print(f"{'phase':52} {'requests':>9} {'errors':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for p in phases:
        print(f"{p['phase']:52} {p['requests']:>9,} {p['errors']:>7} {p['throughput']:>8} {p['p50_ms']:>8} {p['p99_ms']:>8}")
    if held:
        print(f"runaway query: HTTP {held['status']} after {held['end'] - held['start']:.1f} s "
              f"(time limit {args.timeout:g} s); the server's exit code on SIGTERM: {server.returncode}")
    print("ratio p50 under load / p50 alone: "
          f"{phases[1]['p50_ms'] / phases[0]['p50_ms']:.2f}x")
    print()
    print(f"{'question pipeline, 300 suite questions, one at a time':58} {'embedded':>10} {'--endpoint':>11} {'ratio':>6}")
    for name, (here, there) in remote.items():
        print(f"{name:58} {here:>10.2f} {there:>11.2f} {there / here:>5.1f}x")


if __name__ == "__main__":
    main()

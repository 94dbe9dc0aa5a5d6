"""`kg serve` beside its peers, on the same data and the same queries, measured in one run.

Servers, each on 127.0.0.1, over the shipped graph exported as N-Quads (`kg export`):

- Oxigraph server (Rust; `oxigraph serve-read-only --union-default-graph`), the reference;
- `kg serve` as shipped (waitress front end, queries in killable worker processes);
- a pre-fork candidate: gunicorn sync workers that each accept HTTP and run kg serve's own query
  handler in process (bench/prefork_app.py), measured to decide on issue 13, not shipped.

Load: wrk, a fixed mix of 200 SPARQL GETs of four shapes (SELECT, SELECT ORDER BY, ASK,
CONSTRUCT), keep-alive connections, each server in turn within a round and the order rotated
between rounds; ratios are paired per round (the machine is shared and noisy). Peers are
installed into a separate virtual environment (bench/out/peers-venv); a peer that cannot be
installed, or a missing wrk (`apt-get install wrk`), is skipped with a message.

    .venv/bin/python bench/peers.py [--rounds 3] [--seconds 5] [--clients 8 16] [--workers 2]
"""

import argparse
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).parent
BIN = Path(sys.executable).parent
PEERS = HERE / "out" / "peers-venv"
PREFIXES = "PREFIX kg: <https://w3id.org/runner-kg/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
ACTIVITIES = ["Running", "Sprinting", "RunningUphill", "RunningDownhill", "Walking", "Standing", "Landing", "PushingOff"]
INJURIES = ["RunnersKnee", "ITBandSyndrome"]
MUSCLES = ["Glutes", "Hamstrings", "Quadriceps", "Adductors", "HipMuscles", "CalfMuscles"]
ACCEPT = "application/sparql-results+json, text/turtle;q=0.9"


def queries(n: int = 200, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    shapes = [
        lambda: f"SELECT ?m ?label WHERE {{ kg:{rng.choice(ACTIVITIES)} kg:engages ?m . ?m skos:prefLabel ?label }}",
        lambda: f"SELECT ?e WHERE {{ ?e kg:prevents kg:{rng.choice(INJURIES)} }} ORDER BY ?e",
        lambda: f"ASK {{ ?e kg:strengthens kg:{rng.choice(MUSCLES)} }}",
        lambda: f"CONSTRUCT {{ kg:{rng.choice(MUSCLES)} ?p ?o }} WHERE {{ kg:{rng.choice(MUSCLES)} ?p ?o }}",
    ]
    return [PREFIXES + rng.choice(shapes)() for _ in range(n)]


def wrk_script(path: str, folder: Path) -> Path:
    """A wrk Lua script cycling through the query mix as GETs on ``path``."""
    lines = ",\n".join(f'"{path}?query={urllib.parse.quote(q, safe="")}"' for q in queries())
    script = folder / f"mix{path.replace('/', '-')}.lua"
    script.write_text("paths = {\n" + lines + "\n}\ncounter = 0\nrequest = function()\n  counter = counter + 1\n"
                      f'  return wrk.format("GET", paths[(counter % #paths) + 1], {{["Accept"] = "{ACCEPT}"}})\nend\n')
    return script


def peers_venv() -> Path | None:
    """The peers' own environment, made once; None (with a message) when it cannot be."""
    pip = PEERS / "bin" / "pip"
    if not pip.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEERS)], check=True)
    wanted = [p for p, exe in (("oxigraph", "oxigraph"), ("gunicorn", "gunicorn")) if not (PEERS / "bin" / exe).exists()]
    if wanted:
        done = subprocess.run([str(pip), "install", "-q", *wanted], capture_output=True, text=True)
        if done.returncode:
            print(f"peers: could not install {', '.join(wanted)}: {done.stderr.strip()[-300:]}", file=sys.stderr)
    return PEERS / "bin"


def wait_ready(url: str, seconds: float = 60) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return True
        except OSError:
            time.sleep(0.2)
    return False


def run_wrk(script: Path, port: int, clients: int, seconds: int) -> dict:
    out = subprocess.run(["wrk", "-t", "2", "-c", str(clients), "-d", f"{seconds}s", "--latency", "-s", str(script),
                          f"http://127.0.0.1:{port}"], capture_output=True, text=True).stdout
    total = int(re.search(r"(\d+) requests in", out).group(1))
    took = float(re.search(r"requests in ([\d.]+)s", out).group(1))
    bad = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    return {"ok_per_s": (total - bad) / took, "p99_ms": float(p99.group(1)) * scale, "errors": bad}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--clients", type=int, nargs="+", default=[8, 16])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("peers: wrk not found (apt-get install wrk); nothing measured")
    folder = Path(tempfile.mkdtemp(prefix="kg-peers-"))
    data = folder / "graph.nq"
    subprocess.run([str(BIN / "kg"), "export", "-o", str(data)], check=True, capture_output=True)
    peers = peers_venv()
    servers, procs = {}, []
    ox = peers / "oxigraph"
    if ox.exists():
        subprocess.run([str(ox), "load", "--location", str(folder / "ox"), "--file", str(data)], check=True,
                       capture_output=True)
        procs.append(subprocess.Popen([str(ox), "serve-read-only", "--location", str(folder / "ox"), "--bind",
                                       "127.0.0.1:7991", "--union-default-graph"], stderr=subprocess.DEVNULL))
        servers["Oxigraph server"] = (7991, "/query")
    else:
        print("peers: Oxigraph server skipped (not installed)", file=sys.stderr)
    procs.append(subprocess.Popen([str(BIN / "kg"), "serve", "--port", "7992", "--workers", str(args.workers),
                                   "--no-ask"], stderr=subprocess.DEVNULL))
    servers["kg serve"] = (7992, "/sparql")
    gunicorn = peers / "gunicorn"
    if gunicorn.exists():
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), str(HERE.parent)])}
        # gunicorn from the peers' environment, the app and kg from this one.
        procs.append(subprocess.Popen([sys.executable, "-c", "from gunicorn.app.wsgiapp import run; run()",
                                       "-w", str(args.workers), "-k", "sync", "--timeout", "10", "-b",
                                       "127.0.0.1:7993", "prefork_app:app"],
                                      env={**env, "PYTHONPATH": env["PYTHONPATH"] + os.pathsep + str(_site(peers))},
                                      stderr=subprocess.DEVNULL))
        servers["pre-fork candidate (gunicorn sync)"] = (7993, "/sparql")
    try:
        for name, (port, path) in list(servers.items()):
            probe = f"http://127.0.0.1:{port}{path}?query={urllib.parse.quote('ASK {}')}"
            if not wait_ready(probe):
                print(f"peers: {name} did not start; skipped", file=sys.stderr)
                del servers[name]
        scripts = {name: wrk_script(path, folder) for name, (_, path) in servers.items()}
        results: dict[tuple[str, int], list[dict]] = {}
        names = list(servers)
        for r in range(args.rounds):
            order = names[r % len(names):] + names[:r % len(names)]
            for clients in args.clients:
                for name in order:
                    results.setdefault((name, clients), []).append(
                        run_wrk(scripts[name], servers[name][0], clients, args.seconds))
        reference = "Oxigraph server" if "Oxigraph server" in servers else None
        print(f"\n{args.rounds} rounds of {args.seconds} s per server and client count; median of the rounds; "
              f"ratio: paired per round against {reference or '(no reference)'}\n")
        print("| server | clients | answered req/s | p99 ms | errors | ratio |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for clients in args.clients:
            for name in names:
                runs = results[(name, clients)]
                ratio = ""
                if reference and name != reference:
                    pairs = [a["ok_per_s"] / b["ok_per_s"] for a, b in zip(runs, results[(reference, clients)])]
                    ratio = f"{statistics.median(pairs):.2f}x"
                print(f"| {name} | {clients} | {statistics.median(x['ok_per_s'] for x in runs):,.0f} | "
                      f"{statistics.median(x['p99_ms'] for x in runs):.1f} | {sum(x['errors'] for x in runs)} | {ratio} |")
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(folder, ignore_errors=True)


def _site(venv_bin: Path) -> Path:
    """The site-packages folder of the peers' environment."""
    return next((venv_bin.parent / "lib").glob("python*/site-packages"))


if __name__ == "__main__":
    main()

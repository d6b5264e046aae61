"""A bounded HTTP load driver for 127.0.0.1: threads with keep-alive `http.client` connections.

    python bench/load.py SPEC.json
    →  prints {"requests", "ok", "statuses", "seconds", "rps", "p50_ms", "p95_ms"}

SPEC: {"port": 8000, "seconds": 8, "max_requests": 20000, "warmup": 50,
       "threads": [{"method": "GET", "path": "/bench/ping", "headers": {…}, "bodies": [json…]}]}
Each thread cycles through its JSON bodies (or sends none); a thread with "form" instead sends
that form url-encoded, each value formatted with {t} (the thread's index) and {n} (its request
number), so that every request can carry a fresh value (a mobile). "ok": the statuses counted as
served (default: every 2xx). p50/p95: per-request latency after the warm-up, all threads.
Only 127.0.0.1 is ever contacted.
"""
import http.client
import json
import sys
import threading
import time
from urllib.parse import urlencode


def worker(port, job, seconds, budget, results, lock, warmup, index=0):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    bodies = [json.dumps(b).encode() for b in job.get("bodies") or []] or [None]
    headers = dict(job.get("headers") or {})
    form = job.get("form")
    if form:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    elif bodies[0] is not None:
        headers["Content-Type"] = "application/json"
    statuses, i = {}, 0
    done = 0
    latencies = []
    while True:
        if form:
            body = urlencode({k: str(v).format(t=index, n=i) for k, v in form.items()}).encode()
        else:
            body = bodies[i % len(bodies)]
        i += 1
        began = time.perf_counter()
        try:
            conn.request(job["method"], job["path"], body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            status = 0
        if i <= warmup:
            continue
        latencies.append(time.perf_counter() - began)
        if done == 0:
            deadline = time.perf_counter() + seconds
            with lock:
                results["first"].append(time.perf_counter())
        done += 1
        statuses[status] = statuses.get(status, 0) + 1
        with lock:
            budget[0] -= 1
            out = budget[0] <= 0
        if out or time.perf_counter() >= deadline:
            break
    conn.close()
    with lock:
        results["last"].append(time.perf_counter())
        results["latencies"].extend(latencies)
        results["ok_statuses"].update(str(x) for x in job.get("ok") or ())
        for key, n in statuses.items():
            results["statuses"][str(key)] = results["statuses"].get(str(key), 0) + n


def main(path):
    with open(path) as fh:
        spec = json.load(fh)
    results = {"statuses": {}, "first": [], "last": [], "latencies": [], "ok_statuses": set()}
    lock = threading.Lock()
    budget = [int(spec.get("max_requests", 20000))]
    seconds, warmup = float(spec.get("seconds", 8)), int(spec.get("warmup", 20))
    threads = [threading.Thread(target=worker, args=(
        int(spec["port"]), job, seconds, budget, results, lock, warmup, index))
        for index, job in enumerate(spec["threads"])]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    total = sum(results["statuses"].values())
    served = results["ok_statuses"]
    ok = sum(n for k, n in results["statuses"].items()
             if (k in served if served else k.startswith("2")))
    seconds = max(results["last"]) - min(results["first"]) if results["first"] else 0.0
    print(json.dumps({"requests": total, "ok": ok, "statuses": results["statuses"],
                      "seconds": seconds, "rps": ok / seconds if seconds else 0.0,
                      **percentiles(results["latencies"])}))


def percentiles(samples: list) -> dict:
    """{"p50_ms", "p95_ms"} of latencies in seconds (nearest rank; None without samples)."""
    if not samples:
        return {"p50_ms": None, "p95_ms": None}
    ordered = sorted(samples)

    def rank(q):
        return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))] * 1000
    return {"p50_ms": rank(0.50), "p95_ms": rank(0.95)}


if __name__ == "__main__":
    main(sys.argv[1])

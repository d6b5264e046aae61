"""A bounded HTTP load driver for 127.0.0.1: threads with keep-alive `http.client` connections.

    python bench/load.py SPEC.json  →  prints {"requests", "ok", "statuses", "seconds", "rps"}

SPEC: {"port": 8000, "seconds": 8, "max_requests": 20000, "warmup": 50,
       "threads": [{"method": "GET", "path": "/bench/ping", "headers": {…}, "bodies": [json…]}]}
Each thread cycles through its bodies (or sends none). Only 127.0.0.1 is ever contacted.
"""
import http.client
import json
import sys
import threading
import time


def worker(port, job, seconds, budget, results, lock, warmup):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    bodies = [json.dumps(b).encode() for b in job.get("bodies") or []] or [None]
    headers = dict(job.get("headers") or {})
    if bodies[0] is not None:
        headers["Content-Type"] = "application/json"
    statuses, i = {}, 0
    done = 0
    while True:
        body = bodies[i % len(bodies)]
        i += 1
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
        for key, n in statuses.items():
            results["statuses"][str(key)] = results["statuses"].get(str(key), 0) + n


def main(path):
    with open(path) as fh:
        spec = json.load(fh)
    results = {"statuses": {}, "first": [], "last": []}
    lock = threading.Lock()
    budget = [int(spec.get("max_requests", 20000))]
    seconds, warmup = float(spec.get("seconds", 8)), int(spec.get("warmup", 20))
    threads = [threading.Thread(target=worker, args=(
        int(spec["port"]), job, seconds, budget, results, lock, warmup))
        for job in spec["threads"]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    total = sum(results["statuses"].values())
    ok = sum(n for k, n in results["statuses"].items() if k.startswith("2"))
    seconds = max(results["last"]) - min(results["first"]) if results["first"] else 0.0
    print(json.dumps({"requests": total, "ok": ok, "statuses": results["statuses"],
                      "seconds": seconds, "rps": ok / seconds if seconds else 0.0}))


if __name__ == "__main__":
    main(sys.argv[1])

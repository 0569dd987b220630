"""The load client of ``bench/referral_load.py``, run as a process of its own so that its work
does not count against the server's: ``--clients`` threads, each sending ``--requests``
requests one after another (a closed loop: a client waits for its answer before it sends the
next), each on a new connection, as gunicorn's sync workers close every connection. Reads the
job from standard input as JSON and prints the outcome as JSON: every request's latency and
status, and the wall time from the first request to the last answer.

Not a benchmark itself (the leading underscore keeps it out of ``tests/test_benchmarks.py``).
"""

import http.client
import json
import sys
import threading
import time
import uuid


def send(address: tuple[str, int], method: str, path: str, headers: dict, body: bytes | None
         ) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(*address, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def run(job: dict) -> dict:
    addresses = [tuple(address) for address in job["addresses"]]
    headers = {"Authorization": f"Token {job['token']}", "Accept": "application/json"}
    bodies = [json.dumps(body).encode() for body in job.get("bodies") or [None]]
    latencies: list[list[float]] = [[] for _ in range(job["clients"])]
    statuses: list[list[int]] = [[] for _ in range(job["clients"])]
    start = threading.Barrier(job["clients"] + 1)
    # The first unexpected answer, to say what went wrong.
    unexpected: list[str] = []

    def client(number: int) -> None:
        start.wait()
        for n in range(job["requests"]):
            # Clients spread over the instances, and each request of a client to the next one.
            address = addresses[(number + n) % len(addresses)]
            body = bodies[(number * job["requests"] + n) % len(bodies)]
            request_headers = dict(headers)
            if body is not None:
                request_headers["Content-Type"] = "application/json"
                request_headers["Idempotency-Key"] = str(uuid.uuid4())
            began = time.perf_counter()
            try:
                status, answer = send(address, job["method"], job["path"], request_headers, body)
            except OSError as error:
                status, answer = 0, str(error).encode()
            if status != job["expect"] and not unexpected:
                unexpected.append(f"{status}: {answer[:2000].decode(errors='replace')}")
            latencies[number].append(time.perf_counter() - began)
            statuses[number].append(status)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(job["clients"])]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    return {"wall": wall,
            "latencies": [latency for each in latencies for latency in each],
            "statuses": [status for each in statuses for status in each],
            "unexpected": unexpected[:1]}


if __name__ == "__main__":
    json.dump(run(json.load(sys.stdin)), sys.stdout)

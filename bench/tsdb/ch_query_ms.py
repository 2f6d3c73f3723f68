"""Median server-side latency in ms of one ClickHouse query over HTTP (keep-alive, loopback).

usage: ch_query_ms.py URL QUERY RUNS
"""
import http.client
import statistics
import sys
import time
import urllib.parse

url, query, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
u = urllib.parse.urlparse(url)
conn = http.client.HTTPConnection(u.hostname, u.port)
times = []
for _ in range(runs + 1):
    t = time.perf_counter()
    conn.request("POST", "/", body=query.encode())
    resp = conn.getresponse()
    body = resp.read()
    if resp.status != 200:
        sys.exit(f"query failed: {body[:300]!r}")
    times.append((time.perf_counter() - t) * 1000)
print(round(statistics.median(times[1:]), 3))  # first run warms caches

#!/usr/bin/python3
"""The igraph side of the graph benchmark (bench/graph.js runs it; needs Debian's /usr/bin/python3 with igraph).

Usage: /usr/bin/python3 bench/graph_igraph.py FILE [--source S] [--exact]
Reads the binary graph file bench/graph-gen.js wrote, times the same operations as the Nexus worker, compares
with the Nexus results it left beside the file (FILE.nx.*), and prints one JSON object on stdout.
"""

import argparse
import gc
import json
import math
import os
import random
import sys
import time

import igraph as ig
import numpy as np


def rss():
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) * 1024
    return 0


def log(message):
    print(f'bench: {message}', file=sys.stderr, flush=True)


def timed(fn, min_reps, min_ms=0):
    """Median seconds per call: at least min_reps samples, more until min_ms have passed. Calls quicker than a
    millisecond are timed in batches (the first call sizes the batch), so the clock's resolution does not count."""
    t = time.perf_counter()
    result = fn()
    first = time.perf_counter() - t
    batch = min(10_000, math.ceil(1e-3 / max(first, 1e-7))) if first < 1e-3 else 1
    times = [first] if batch == 1 else []  # a slow first call is a sample; a quick one was a warm-up
    total = first
    while len(times) < min_reps or (total < min_ms / 1000 and len(times) < 1000):
        t = time.perf_counter()
        for _ in range(batch):
            result = fn()
        s = time.perf_counter() - t
        times.append(s / batch)
        total += s
    times.sort()
    return times[len(times) // 2], len(times) * batch, result


def load(path):
    """The graph with a 'weight' edge attribute; edges through lists of pairs, igraph's fastest constructor."""
    head = np.fromfile(path, dtype='<u4', count=4)
    n, m, directed = int(head[1]), int(head[2]), bool(head[3] & 1)
    ends = np.fromfile(path, dtype='<u4', offset=16, count=2 * m)
    weight = np.fromfile(path, dtype='<f4', offset=16 + 8 * m, count=m)
    g = ig.Graph(n=n, edges=list(zip(ends[:m].tolist(), ends[m:].tolist())), directed=directed)
    g.es['weight'] = weight.tolist()
    return g


def nexus_array(path, suffix, dtype):
    f = f'{path}.nx.{suffix}'
    return np.fromfile(f, dtype=dtype) if os.path.exists(f) else None


def main():
    p = argparse.ArgumentParser()
    p.add_argument('file')
    p.add_argument('--source', type=int, default=0)
    p.add_argument('--exact', action='store_true')
    args = p.parse_args()
    path = args.file

    gc.collect()
    rss0 = rss()
    t = time.perf_counter()
    g = load(path)
    load_seconds = time.perf_counter() - t
    gc.collect()
    rss_delta = rss() - rss0
    n, m, directed = g.vcount(), g.ecount(), g.is_directed()
    small = m < 1e4
    large = m >= 5e6
    # At least a second of calls for the quick operations, so a busy machine's hiccups fall outside the median.
    min_ms = 200 if small else 1000

    bfs_s, bfs_reps, (vids, _, _) = timed(lambda: g.bfs(args.source, mode='out'), 5, min_ms)
    log(f'  igraph bfs {bfs_s * 1000:.2f} ms')
    # Both of igraph's PageRank solvers; the faster one stands for igraph (PRPACK, the default, is the slower one
    # on the planted graphs).
    pagerank_seconds = {}
    pr = None
    for impl in ('prpack', 'arpack'):
        try:
            s, _, result = timed(
                lambda impl=impl: g.pagerank(weights='weight', damping=0.85, directed=True, implementation=impl),
                2 if large else 3,
                min_ms,
            )
        except ig.InternalError as e:  # ARPACK fails to converge on some small directed networks
            log(f'  igraph pagerank ({impl}) failed: {e}')
            continue
        pagerank_seconds[impl] = s
        if impl == 'prpack':
            pr = result
        log(f'  igraph pagerank ({impl}) {s * 1000:.2f} ms')
    pr_s = min(pagerank_seconds.values())

    # Louvain on the undirected view, every edge kept with its weight (as Nexus's louvain reads a directed graph).
    gu = g.as_undirected(mode='each') if directed else g
    if directed:
        gu.es['weight'] = g.es['weight']

    def multilevel():
        random.seed(1)  # python-igraph draws from Python's random module
        return gu.community_multilevel(weights='weight')

    lv_s, lv_reps, clusters = timed(multilevel, 1 if large else 3, min_ms)
    membership = clusters.membership
    q = gu.modularity(membership, weights='weight')
    log(f'  igraph louvain {lv_s * 1000:.2f} ms, Q {q:.4f}')

    out = {
        'n': n,
        'm': m,
        'directed': directed,
        'loadSeconds': load_seconds,
        'rssDelta': rss_delta,
        'bfsSeconds': bfs_s,
        'bfsReps': bfs_reps,
        'reached': len(vids),
        'pagerankSeconds': pr_s,
        'pagerankSecondsByImplementation': pagerank_seconds,
        'louvainSeconds': lv_s,
        'louvainReps': lv_reps,
        'modularity': q,
        'communities': len(clusters),
        'modularityOfNexus': None,
        'nmi': None,
        'nmiNexus': None,
        'pagerankL1': None,
        'exactBetweennessSeconds': None,
        'exactBetweennessMaxDiff': None,
        'sampledMaxError': None,
    }

    ours = nexus_array(path, 'membership', '<u4')
    if ours is not None and len(ours) == n:
        out['modularityOfNexus'] = gu.modularity(ours.tolist(), weights='weight')
        truth_file = f'{path}.truth'
        if os.path.exists(truth_file):
            truth = np.fromfile(truth_file, dtype='<u4').tolist()
            out['nmi'] = ig.compare_communities(truth, membership, method='nmi')
            out['nmiNexus'] = ig.compare_communities(truth, ours.tolist(), method='nmi')
    ours_pr = nexus_array(path, 'pagerank', '<f8')
    if ours_pr is not None and len(ours_pr) == n:
        out['pagerankL1'] = float(np.abs(ours_pr - np.array(pr)).sum())

    if args.exact:
        bt_s, _, bt = timed(lambda: g.betweenness(directed=True), 1, min_ms if small else 0)
        log(f'  igraph exact betweenness {bt_s * 1000:.2f} ms')
        out['exactBetweennessSeconds'] = bt_s
        exact = np.array(bt)
        ours_exact = nexus_array(path, 'betweenness-exact', '<f8')
        if ours_exact is not None and len(ours_exact) == n:
            out['exactBetweennessMaxDiff'] = float(np.abs(ours_exact - exact).max() / max(exact.max(), 1e-300))
        sampled = nexus_array(path, 'betweenness-sampled', '<f8')
        if sampled is not None and len(sampled) == n and n > 2:
            # In units of normalised betweenness: ordered pairs without v, halved on an undirected graph.
            pairs = (n - 1) * (n - 2) / (1 if directed else 2)
            out['sampledMaxError'] = float(np.abs(sampled - exact).max() / pairs)

    print(json.dumps(out))


if __name__ == '__main__':
    main()

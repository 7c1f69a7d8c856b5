#!/usr/bin/env python3
"""gen_paths.py ROWS CHANNELS SEED > FILE — a deterministic synthetic path
file (ChannelAttribution format) for the Markov / Shapley benchmarks.

Each row is one aggregated path: its length is 1 + Geometric(0.3) capped at
20 touches; channels follow a Zipf-like popularity (weight 1/(i+1)^0.8) with a
20 % chance of repeating the previous channel; 1 + Geometric(0.5) journeys
follow the path and each converts with probability 1 - prod(1 - q_c) over its
touches (q_c between 0.2 % and 3 % per channel); a conversion is worth 50 to
500. Python's random.Random(SEED) makes the file byte-identical per seed.
"""
import bisect
import itertools
import math
import random
import sys


def main():
    rows, channels, seed = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    names = ["ch%03d" % i for i in range(channels)]
    weights = [1.0 / (i + 1) ** 0.8 for i in range(channels)]
    cum = list(itertools.accumulate(weights))
    total = cum[-1]
    q = [0.002 + 0.028 * rng.random() for _ in range(channels)]
    worth = [50 + 450 * rng.random() for _ in range(channels)]
    out = sys.stdout
    out.write("path;total_conversions;total_conversion_value;total_null\n")
    lines = []
    log_p = math.log
    for _ in range(rows):
        length = 1
        while length < 20 and rng.random() > 0.3:
            length += 1
        path = []
        stay = 0.0
        prev = -1
        for _ in range(length):
            if prev >= 0 and rng.random() < 0.2:
                c = prev
            else:
                c = bisect.bisect_left(cum, rng.random() * total)
                if c >= channels:
                    c = channels - 1
            path.append(c)
            stay += log_p(1.0 - q[c])
            prev = c
        p = 1.0 - math.exp(stay)
        journeys = 1
        while rng.random() > 0.5:
            journeys += 1
        conv = sum(1 for _ in range(journeys) if rng.random() < p)
        value = round(conv * worth[path[-1]], 2)
        lines.append("%s;%d;%.2f;%d\n" % (" > ".join(names[c] for c in path), conv, value,
                                          journeys - conv))
        if len(lines) >= 10000:
            out.write("".join(lines))
            lines = []
    out.write("".join(lines))


if __name__ == "__main__":
    main()

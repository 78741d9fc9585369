"""LabDesk benchmarks: each times LabDesk and a raw baseline on the same data, in one process.

Machines here are noisy, so absolute seconds are not comparable between runs; the ratio
ours/baseline (median of several rounds each, interleaved) is what is reported and judged.
"""

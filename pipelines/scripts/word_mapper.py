#!/usr/bin/env python3
"""Hadoop streaming mapper: one `word<TAB>1` line per word of the review text (last column)."""
import re
import sys

for line in sys.stdin:
    text = line.rstrip("\n").split("\t")[-1].lower()
    for word in re.findall(r"[a-z']+", text):
        print(f"{word}\t1")

#!/usr/bin/env python3
"""Writes the mixed dataset of the RDB and durability benches as RESP commands (for redis-cli --pipe).

Usage: mixed-dataset.py KEYS DATA_FILE [REWRITE_FILE]
KEYS keys: 70% strings of 10-50 bytes, 10% 5-field hashes, 10% 5-element lists, 5% 4-member sets, 5% 3-member
sorted sets. REWRITE_FILE, when given, gets commands that give every other key of each kind a new value (50%).
"""
import sys


def cmd(*args):
    out = "*%d\r\n" % len(args)
    for a in args:
        a = str(a)
        out += "$%d\r\n%s\r\n" % (len(a.encode()), a)
    return out


n = int(sys.argv[1])
strings, hashes, lists, sets = n * 70 // 100, n // 10, n // 10, n // 20
zsets = n - strings - hashes - lists - sets
with open(sys.argv[2], 'w') as f:
    for i in range(strings):
        f.write(cmd("SET", "s:%d" % i, "value-%d-%s" % (i, "x" * (i % 40))))
    for i in range(hashes):
        f.write(cmd("HSET", "h:%d" % i, "a", i, "b", "bee", "c", "sea", "d", i * 2, "e", "end"))
    for i in range(lists):
        f.write(cmd("RPUSH", "l:%d" % i, "one", "two", i, "four", "five"))
    for i in range(sets):
        f.write(cmd("SADD", "st:%d" % i, "m1", "m2", "m3", i))
    for i in range(zsets):
        f.write(cmd("ZADD", "z:%d" % i, 1, "a", 2.5, "b", i, "c"))
if len(sys.argv) > 3:
    with open(sys.argv[3], 'w') as f:
        for i in range(0, strings, 2):
            f.write(cmd("SET", "s:%d" % i, "new-%d-%s" % (i, "y" * (i % 40))))
        for i in range(0, hashes, 2):
            f.write(cmd("HSET", "h:%d" % i, "a", -i))
        for i in range(0, lists, 2):
            f.write(cmd("LSET", "l:%d" % i, 0, "uno"))
        for i in range(0, sets, 2):
            f.write(cmd("SADD", "st:%d" % i, "m4"))
        for i in range(0, zsets, 2):
            f.write(cmd("ZADD", "z:%d" % i, 9, "a"))

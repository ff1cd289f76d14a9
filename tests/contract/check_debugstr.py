#!/usr/bin/env python3
"""The Wine harness reads insertion strings from Wine's debug channel, where
debugstr_w writes every character outside 0x20..0x7e as a backslash and four
hex digits (docs/wine.md item 14).  These lines are what Wine 8.0 printed
for strings the service wrote; decoding them must give the strings back."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "wine"))
from winetest import unescape_debugstr  # noqa: E402

CASES = [
    (r'"Caf\00e9"', '"Café"'),                      # é: hex 00e9, not octal
    (r"\0041\0042", "AB"),                            # octal would read \004
    (r"port\00a06001", "port\u00a06001"),             # no-break space
    (r"HKLM\\System\\CurrentControlSet", r"HKLM\System\CurrentControlSet"),
    (r"a\\0041", r"a\0041"),                         # a real backslash, then text
    (r"line\r\nnext\ttab", "line\r\nnext\ttab"),
    (r"\"quoted\"", '"quoted"'),
    (r"\4e2d\6587", "中文"),
]

failed = 0
for raw, want in CASES:
    got = unescape_debugstr(raw)
    ok = got == want
    failed += not ok
    print("%s %r -> %r%s" % ("ok  " if ok else "FAIL", raw, got,
                             "" if ok else " (expected %r)" % want))
print("check_debugstr: %d of %d failed" % (failed, len(CASES)))
sys.exit(1 if failed else 0)

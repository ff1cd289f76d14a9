"""The two sides every state oracle compares (tests/wine/test_oracle.py,
tests/wine/test_stale.py): what the service has reported, from its events,
and what a check --json report says, as the same identities."""

# Raise and clear event pairs: an identity is raised by the first and
# cleared by the second.  1104/1105 are the domain-controller conflicts,
# which check --json reports under the same "conflict" rule.
RAISE_CLEAR = {1100: (1101, "conflict"), 1104: (1105, "conflict"),
               1200: (1201, "invalid"), 1210: (1211, "range"),
               1220: (1221, "port-below-1024"), 1222: (1223, "port-below-5000"),
               1224: (1225, "port-not-recommended"), 1300: (1301, "unreadable")}
CLEARS = {v[0]: (k, v[1]) for k, v in RAISE_CLEAR.items()}
RULES = {"conflict": "conflict", "invalid-value": "invalid", "dynamic-range": "range",
         "port-below-1024": "port-below-1024", "port-below-5000": "port-below-5000",
         "port-not-recommended": "port-not-recommended", "unreadable": "unreadable"}
# Keys whose absence the service does not report (1310): its own settings,
# and the domain-controller keys (compared only when present).
QUIET_MISSING = (r"\ExchPortGuard\Parameters", r"\NTDS\Parameters",
                 r"\Netlogon\Parameters", r"\NtFrs\Parameters")


def identity(e):
    """The finding an event raises or clears, or None."""
    s = e.strings
    kind = (RAISE_CLEAR.get(e.id) or CLEARS.get(e.id) or (None, None))[1]
    need = 4 if kind == "conflict" else 1 if kind in ("invalid", "unreadable") else 2
    if kind is not None and len(s) < need:
        # A defect in the service's event (or in the trace): say which, not
        # an IndexError from deep inside a comparison.
        raise AssertionError("event %d (trace line %s) carries %d insertion strings, "
                             "the oracle needs %d: %r" % (e.id, getattr(e, "line", "?"),
                                                         len(s), need, s))
    if kind == "conflict":
        return ("conflict", int(s[0]), s[1], s[3])
    if kind in ("invalid", "unreadable"):
        return (kind, s[0])
    if kind is not None:
        return (kind, s[0], int(s[1]))
    return None


def reported(evs):
    """The service's reported state: findings raised and not cleared, the
    keys it says are missing, and its last word on "no conflicts" (None
    before any)."""
    found, missing, all_clear = set(), set(), None
    for e in evs:
        if e.id in RAISE_CLEAR:
            found.add(identity(e))
        elif e.id in CLEARS:
            found.discard(identity(e))
        elif e.id == 1310:
            missing.add(e.strings[0])
        elif e.id == 1311:
            missing.discard(e.strings[0])
        if e.id in (1100, 1104):
            all_clear = False
        elif e.id == 1103:
            all_clear = True
    return found, missing, all_clear


def finding_identity(f):
    """A check --json finding as the identity its event carries, or None
    for rules the service reports apart (port-excluded, port-held: they
    need netsh's exclusions and the TCP table, compared elsewhere)."""
    kind = RULES.get(f["rule"])
    if kind == "conflict":
        return ("conflict", f["port"], f["paths"][0], f["paths"][1])
    if kind == "invalid":
        return ("invalid", f["paths"][0])
    if kind == "unreadable":
        return ("unreadable", f["paths"][0]) if f["paths"] else None
    if kind is not None:
        return (kind, f["paths"][0], f["port"])
    return None


def verdict(js):
    """check --json as the service's identities: (findings, missing keys,
    whether any conflict stands, the paths of values that could not be
    read)."""
    found = {i for i in map(finding_identity, js["findings"]) if i}
    unreadable_values = {v["path"] for v in js["values"] if v["status"] == "unreadable"}
    for k in js["keys"]:
        if k["state"] == "unreadable":
            found.add(("unreadable", k["path"]))
            unreadable_values |= {v["path"] for v in js["values"]
                                  if v["path"].startswith(k["path"] + "\\")}
    missing = {k["path"] for k in js["keys"] if k["state"] == "missing" and
               not k["path"].endswith(QUIET_MISSING)}
    conflicts = any(f["rule"] == "conflict" for f in js["findings"])
    return found, missing, conflicts, unreadable_values


def involves(ident, paths):
    return any(p in paths for p in ident[1:] if isinstance(p, str))

#!/usr/bin/env python3
"""One source of truth for the event contract.  Fails if the core's table
(common/events/events.c, printed by contract_dump), the message table
(messages/exchportguard.mc), docs/events.md, the SCOM management pack and the
WEF subscription disagree on any event ID, level, category or parameter
count; and checks that the pack and the subscription are well-formed XML
whose references all resolve; and that each insertion string means the same
everywhere: the core names every position, and the .mc comments, the docs'
numbered lists and the pack's alert texts ({k} shown where the message text
has %j) must agree with those names by position."""
import argparse
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import mcfile

failures = []


def check(cond, what):
    print(("  ok   " if cond else "  FAIL ") + what)
    if not cond:
        failures.append(what)
    return cond


def parse_xml(path):
    """The root element, or None after a failed check."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        check(False, "well-formed XML (%s)" % e)
        return None
    check(True, "well-formed XML")
    return root


ap = argparse.ArgumentParser()
ap.add_argument("--dump", required=True, help="the contract_dump program")
ap.add_argument("--source", required=True)
args = ap.parse_args()
SRC = args.source

# --- the core ----------------------------------------------------------------
core, categories, catalogue = {}, {}, {}
for line in subprocess.run([args.dump], check=True, capture_output=True,
                           text=True).stdout.splitlines():
    f = line.split("\t")
    if f[0] == "event":
        core[int(f[1])] = {"level": f[2], "category": int(f[3]), "n": int(f[4]),
                           "symbol": f[5], "names": f[6].split() if len(f) > 6 else None}
    elif f[0] == "category":
        categories[int(f[1])] = f[2]
    elif f[0] == "value":
        catalogue[f[1]] = {"path": f[2], "family": f[3], "default": int(f[4])}
print("core: %d events, %d categories" % (len(core), len(categories)))
# The reserved ranges: 1000-1099 service, 1100-1199 conflicts, 1200-1299
# findings about one value, 1300-1399 keys, 1400-1499 flood limit.
for eid, c in sorted(core.items()):
    check(1000 <= eid <= 1499 and (c["category"] == 2) == (1100 <= eid <= 1199) and
          (c["category"] == 3) == (1200 <= eid <= 1299),
          "%d lies in the range reserved for its kind (category %d)" % (eid, c["category"]))
check(len(core) == 32, "the contract has 32 events: the service's life cycle, conflicts, values and keys, 1003 (events lost), and the holder, DC and range events")
# Event IDs are reserved by range: every event ID lies in the range of its kind,
# and the WEF subscription selects the ranges, not a list.
RANGES = {(1000, 1099): "the service itself", (1100, 1199): "conflicts",
          (1200, 1299): "findings about one value", (1300, 1399): "keys",
          (1400, 1499): "the flood limit"}
for eid in sorted(core):
    check(any(lo <= eid <= hi for lo, hi in RANGES), "%d lies in a reserved range" % eid)

# --- the message table -------------------------------------------------------
print("messages/exchportguard.mc")
mc = mcfile.parse(SRC + "/messages/exchportguard.mc")
mc_events = {k: v for k, v in mc.items() if k >= 1000}
check(set(mc_events) == set(core), "same event IDs as the core (%s vs %s)"
      % (sorted(mc_events), sorted(core)))
for eid, c in sorted(core.items()):
    m = mc_events.get(eid)
    if not m:
        continue
    check(m["level"] == c["level"], "%d: level %s in both" % (eid, c["level"]))
    check(m["symbol"] == c["symbol"], "%d: symbolic name %s in both" % (eid, c["symbol"]))
    check(m["inserts"] == list(range(1, c["n"] + 1)),
          "%d: the text uses %%1..%%%d, the core fills %d strings (%s)"
          % (eid, c["n"], c["n"], m["inserts"]))
    check(c["names"] is not None and len(c["names"]) == c["n"],
          "%d: the core names each of its %d strings (%s)" % (eid, c["n"], c["names"]))
    want = [(str(i + 1), x) for i, x in enumerate(c["names"] or [])]
    got = [tuple(x) for x in m["names"]] if m["names"] is not None else None
    check(got == want, "%d: the .mc names %%1..%%%d as the core does (%s)" % (eid, c["n"], got))
fac = mcfile.facilities(SRC + "/messages/exchportguard.mc")
check(all(m["facility"] is not None and fac.get(m["facility"]) == 0 for m in mc.values()),
      "every message declares its facility, and it is 0 (%s)" % fac)
for num, name in categories.items():
    check(num in mc and mc[num]["text"].strip() == name,
          "category %d is \"%s\" in the message table" % (num, name))

# --- docs/events.md ----------------------------------------------------------
print("docs/events.md")
doc = open(SRC + "/docs/events.md", encoding="utf-8").read()
sections = {}
for m in re.finditer(r"^## (\d{4}): (\S+)\n(.*?)(?=^## |\Z)", doc, re.S | re.M):
    sections[int(m.group(1))] = (m.group(2), m.group(3))
check(set(sections) == set(core), "a section for every event, and no other (%s)"
      % sorted(set(sections) ^ set(core)))
summary = {int(m.group(1)): (m.group(2).strip(), m.group(3).strip()) for m in re.finditer(
    r"^\| (\d{4}) \| ([^|]+)\|([^|]+)\|", doc, re.M)}
for eid, c in sorted(core.items()):
    if eid not in sections:
        continue
    symbol, body = sections[eid]
    lvl = re.search(r"^\| Level \| (\w+) \|", body, re.M)
    cat = re.search(r"^\| Category \| ([^|(]+)\((\d)\) \|", body, re.M)
    check(symbol == c["symbol"], "%d: heading names %s" % (eid, c["symbol"]))
    check(lvl and lvl.group(1) == c["level"], "%d: level %s" % (eid, c["level"]))
    check(cat and int(cat.group(2)) == c["category"] and
          cat.group(1).strip() == categories[c["category"]],
          "%d: category %s (%d)" % (eid, categories[c["category"]], c["category"]))
    check(summary.get(eid) == (c["level"], categories[c["category"]]),
          "%d: the summary table agrees (%s)" % (eid, summary.get(eid)))
    ins = re.search(r"\*\*Insertion strings:\*\*(.*?)\*\*What to do", body, re.S)
    items = re.findall(r"^\d+\. ", ins.group(1), re.M) if ins else None
    check(items is not None and len(items) == c["n"],
          "%d: %d insertion strings documented" % (eid, c["n"]))
    named = re.findall(r"^(\d+)\. `([^`]+)`:", ins.group(1), re.M) if ins else []
    check([x for _, x in named] == c["names"] and
          [int(i) for i, _ in named] == list(range(1, c["n"] + 1)),
          "%d: the docs name the strings by position as the core does (%s)"
          % (eid, [x for _, x in named]))
    text = re.search(r"\*\*Text:\*\*\n\n(.*?)\n\n", body, re.S)
    quoted = "\n".join(l[2:] if l.startswith("> ") else "" for l in
                       text.group(1).split("\n")) if text else None
    check(quoted == mcfile.rendered(mc_events[eid]["text"]) if eid in mc_events else False,
          "%d: the documented text is the message table's" % eid)
    check("**What to do:**" in body, "%d: says what the operator should do" % eid)

# --- the SCOM management pack ------------------------------------------------
print("installer/scom/ExchPortGuard.xml")
mp = parse_xml(SRC + "/installer/scom/ExchPortGuard.xml")
if mp is not None:
    check(mp.get("SchemaVersion") == "2.0", "schema 2.0")
    ver = tuple(int(x) for x in mp.findtext("Manifest/Identity/Version").split("."))
    check(ver >= (1, 1, 0, 0), "version 1.1.0.0 or later (the discovery target changed): %s"
          % (ver,))
    targets = [d.get("Target") for d in mp.iter("Discovery")]
    check(targets == ["Windows!Microsoft.Windows.Server.OperatingSystem"],
          "the discovery targets the server operating system, one per server (%s)" % targets)
    for d in mp.iter("DisplayString"):
        name = d.findtext("Name") or ""
        check("{" not in name, "display name without {n}, which is substituted in "
              "descriptions only: %s" % name)
    mp_id = mp.findtext("Manifest/Identity/ID")
    aliases = {r.get("Alias") for r in mp.iter("Reference")}
    defined = {mp_id}
    for tag in ("ClassType", "Discovery", "Rule", "UnitMonitor", "StringResource"):
        defined |= {e.get("ID") for e in mp.iter(tag)}
    text = ET.tostring(mp, encoding="unicode")
    refs = set(re.findall(r'\$MPElement\[Name="([^"]+)"\]', text))
    for e in mp.iter():
        for attr in ("Target", "TypeID", "ParentMonitorID", "Base", "AlertMessage",
                     "ElementID"):
            if e.get(attr) and not (e.tag == "DataSource" and attr == "ID"):
                refs.add(e.get(attr))
    for ref in sorted(refs):
        if "!" in ref:
            check(ref.split("!")[0] in aliases, "reference %s: alias declared" % ref)
        else:
            check(ref in defined, "reference %s resolves inside the pack" % ref)
    shown = {(d.get("ElementID"), d.get("SubElementID")) for d in mp.iter("DisplayString")}
    for eid_ in sorted(defined):
        check((eid_, None) in shown, "display string for %s" % eid_)
    for st in mp.iter("OperationalState"):
        mon = [m for m in mp.iter("UnitMonitor") if st in list(m.iter())][0].get("ID")
        check((mon, st.get("ID")) in shown, "display string for state %s" % st.get("ID"))

    def event_numbers(el):
        out = []
        for se in el.iter("SimpleExpression"):
            q = se.find("ValueExpression/XPathQuery")
            v = se.find("ValueExpression/Value")
            vs = [x for x in se.iter("Value")]
            if q is not None and q.text == "EventDisplayNumber" and vs:
                out.append(int(vs[0].text))
        return out

    def publisher(el):
        for se in el.iter("SimpleExpression"):
            q = se.find("ValueExpression/XPathQuery")
            if q is not None and q.text == "PublisherName":
                return [x for x in se.iter("Value")][0].text
        return None

    all_numbers = event_numbers(mp)
    check(all(n in core for n in all_numbers), "every event number used is in the contract (%s)"
          % sorted(set(all_numbers)))
    rules = {}
    for rule in mp.iter("Rule"):
        nums = event_numbers(rule)
        check(len(nums) == 1 and publisher(rule) == "ExchPortGuard",
              "%s matches one ExchPortGuard event" % rule.get("ID"))
        if nums:
            rules[nums[0]] = rule
    want_rules = [1003, 1004, 1104, 1200, 1210, 1220, 1222, 1230, 1240, 1300, 1400]
    check(sorted(rules) == want_rules, "alert rules for %s (%s)" % (want_rules, sorted(rules)))
    # Every raise of Warning or Error level alerts, by a rule or the monitor.
    raised = {eid for eid, c in core.items() if c["level"] in ("Warning", "Error")}
    check(raised - set(rules) - {1100, 1102, 1106, 1002} == set(),
          "every warning or error raise has an alert rule (%s)"
          % sorted(raised - set(rules) - {1100, 1102, 1106, 1002}))
    descriptions = {d.get("ElementID"): d.findtext("Description") or "" for d in
                    mp.iter("DisplayString")}

    def context(text, token):
        """The word before and the word after the first use of token."""
        i = text.find(token)
        if i < 0:
            return None
        before = re.findall(r"%?[\w/]+", text[:i])
        after = re.findall(r"%?[\w/]+", text[i + len(token):])
        return (before[-1] if before else "", after[0] if after else "")

    def check_params(num, alert_msg, params):
        """Each {k} of the alert text shows Param[j]: the .mc text puts %j
        between the same words, so position j means what the core names."""
        shown = [int(re.search(r"Param\[(\d+)\]", p).group(1)) for p in params]
        # The alert text numbers its points {0}.. by alert parameter; written
        # as the Param[j] each shows (%j), it reads like the message text.
        desc = re.sub(r"\{(\d+)\}", lambda m: "%%%d" % shown[int(m.group(1))]
                      if int(m.group(1)) < len(shown) else m.group(0),
                      descriptions.get(alert_msg, ""))
        mc_text = mc_events.get(num, {}).get("text", "").replace("%n", " ")
        for j in shown:
            name = core[num]["names"][j - 1] if core[num]["names"] and j <= core[num]["n"] else None
            a, b = context(desc, "%%%d" % j), context(mc_text, "%%%d" % j)
            if a is None:
                continue    # the parameter is carried but not shown
            check(name is not None and b is not None and (a[0] == b[0] or a[1] == b[1]),
                  "%d: the alert shows Param[%d] (%s) where the message text has %%%d (%s vs %s)"
                  % (num, j, name, j, a, b))
    severity = {"Information": "0", "Warning": "1", "Error": "2"}
    for num, rule in sorted(rules.items()):
        params = [p.text for p in rule.find(".//AlertParameters")]
        msg = re.search(r'Name="([^"]+)"', rule.findtext(".//AlertMessageId") or "")
        check_params(num, msg.group(1) if msg else None, params)
        want = ["$Data/Params/Param[%d]$" % i for i in range(1, core[num]["n"] + 1)]
        check(params == want, "%d: alert parameters Param[1..%d] in the contract's order"
              % (num, core[num]["n"]))
        check(rule.findtext(".//Severity") == severity[core[num]["level"]],
              "%d: alert severity matches level %s" % (num, core[num]["level"]))
        supp = rule.findtext(".//Suppression/SuppressionValue")
        if num in (1003, 1400):
            # Counts and times, no path: one alert per computer, counting up.
            check(supp == "$Data/EventDisplayNumber$", "%d: suppressed on the event number" % num)
        else:
            check(supp == "$Data/Params/Param[1]$", "%d: suppressed on the path (Param[1])" % num)
    mons = list(mp.iter("UnitMonitor"))
    check(len(mons) == 1, "one monitor")
    if mons:
        mon = mons[0]
        first = event_numbers(mon.find("Configuration/FirstExpression"))
        second = event_numbers(mon.find("Configuration/SecondExpression"))
        check(first == [1100] and second == [1103], "monitor: unhealthy on 1100, healthy on 1103")
        states = {s.get("MonitorTypeStateID"): s.get("HealthState") for s in mon.iter("OperationalState")}
        check(states == {"FirstEventRaised": "Error", "SecondEventRaised": "Success"},
              "monitor states: Error / Success")
        check(mon.findtext("AlertSettings/AutoResolve") == "true", "monitor alert auto-resolves")
        params = [p.text for p in mon.find("AlertSettings/AlertParameters")]
        idx = [int(re.search(r"Param\[(\d+)\]", p).group(1)) for p in params]
        shown = [core[1100]["names"][i - 1] for i in idx if 1 <= i <= core[1100]["n"]]
        check(len(shown) == len(idx) and
              {"port", "first-path", "second-path"} <= set(shown),
              "monitor alert carries the port and both value paths: %s" % shown)
        check_params(1100, mon.find("AlertSettings").get("AlertMessage"), params)

# --- the WEF subscription ----------------------------------------------------
print("installer/wef/ExchPortGuard-subscription.xml")
NS = "{http://schemas.microsoft.com/2006/03/windows/events/subscription}"
sub = parse_xml(SRC + "/installer/wef/ExchPortGuard-subscription.xml")
if sub is not None:
    check(sub.findtext(NS + "SubscriptionType") == "SourceInitiated", "source-initiated")
    query = sub.findtext(NS + "Query")
    try:
        ql = ET.fromstring(query.strip())
        select = ql.find("Query/Select").text
        check(True, "the query is a well-formed QueryList")
    except (ET.ParseError, AttributeError) as e:
        select = ""
        check(False, "the query is a well-formed QueryList (%s)" % e)
    check("Provider[@Name='ExchPortGuard']" in select, "selects provider ExchPortGuard")
    # The query selects whole ranges, so events added later are collected
    # without a new subscription.
    sel = re.sub(r"\s+", " ", select)
    check("(EventID >= 1000 and EventID <= 1499)" in sel,
          "selects event IDs 1000-1499, every reserved range (%s)" % sel)
    check(not re.search(r"EventID ?= ?\d", sel), "and no list of single IDs")
    sddl = sub.findtext(NS + "AllowedSourceDomainComputers") or ""
    aces = re.findall(r"\(A;;GA;;;(\w+)\)", sddl)
    check("DC" in aces and "DD" in aces,
          "Domain Computers (DC) and Domain Controllers (DD) may forward (%s)" % sddl)

# --- the catalogue's docs (the docs table follows the catalogue) ---
print("docs/exchange-ports.md, docs/check-json.md: the watched values")
FAMILY = {"exchange-2003": "Exchange 2003", "exchange-2010": "Exchange 2010",
          "domain-controller": "domain controller"}
ports_doc = open(SRC + "/docs/exchange-ports.md", encoding="utf-8").read()
rows = {m.group(1): m.group(2) for m in re.finditer(
    r"^\| `([a-z0-9-]+)` \| `([^`]+)` \|", ports_doc, re.M)}
check(set(rows) == set(catalogue), "exchange-ports.md lists every value, and no other (%s)"
      % sorted(set(rows) ^ set(catalogue)))
for vid, c in sorted(catalogue.items()):
    row = re.search(r"^\| `%s` \|.*$" % re.escape(vid), ports_doc, re.M)
    check(rows.get(vid) == c["path"], "%s: path %s" % (vid, c["path"]))
    check(row is not None and "| %s |" % FAMILY[c["family"]] in row.group(0),
          "%s: family %s" % (vid, c["family"]))
    if c["default"]:
        check(row is not None and "**%d**" % c["default"] in row.group(0),
              "%s: effective default %d documented" % (vid, c["default"]))
json_doc = open(SRC + "/docs/check-json.md", encoding="utf-8").read()
ids_json = set(re.findall(r"^\| `([a-z0-9-]+)` \| `[A-Za-z]+\\", json_doc, re.M))
check(ids_json == set(catalogue), "check-json.md's id table lists every value (%s)"
      % sorted(ids_json ^ set(catalogue)))

if failures:
    print("contract: %d failure(s)" % len(failures))
    sys.exit(1)
print("contract: all checks passed")

"""Reads messages/exchportguard.mc: the message table source."""
import re

SEVERITY_LEVEL = {"Informational": "Information", "Warning": "Warning", "Error": "Error",
                  "Success": "Information"}


def facilities(path):
    """The FacilityNames declaration: {name: number}."""
    with open(path, encoding="ascii") as f:
        m = re.search(r"^FacilityNames=\((.*?)\)", f.read(), re.M | re.S)
    return {n: int(v, 0) for n, v in re.findall(r"(\w+)=(0x[0-9a-fA-F]+|\d+)", m.group(1))} \
        if m else {}


def parse(path):
    """Returns {id: {"symbol", "severity", "level", "text", "inserts",
    "facility", "names"}}; names are those of the "; // Insertion strings:
    %1 a, %2 b" comment above the message (None when there is none)."""
    messages = {}
    with open(path, encoding="ascii") as f:
        lines = f.read().splitlines()
    i = 0
    cur = {}
    while i < len(lines):
        line = lines[i].strip()
        i += 1
        m = re.match(r"^; // Insertion strings: (.*)$", line)
        if m:
            cur["names"] = [] if m.group(1) == "none" else [
                re.match(r"%(\d+) (\S+)$", x.strip()).groups() for x in m.group(1).split(",")]
            continue
        if not line or line.startswith(";"):
            continue
        m = re.match(r"^(MessageId|Severity|SymbolicName|Facility)=(\S+)", line)
        if m:
            cur[m.group(1)] = m.group(2)
            continue
        if line.startswith("Language="):
            body = []
            while i < len(lines) and lines[i] != ".":
                body.append(lines[i])
                i += 1
            i += 1
            if "MessageId" in cur:
                text = "\n".join(body)
                inserts = sorted({int(n) for n in re.findall(r"%(\d+)", text)})
                mid = int(cur["MessageId"], 0)
                messages[mid] = {
                    "symbol": cur.get("SymbolicName"),
                    "severity": cur.get("Severity", "Success"),
                    "level": SEVERITY_LEVEL[cur.get("Severity", "Success")],
                    "text": text,
                    "inserts": inserts,
                    "names": cur.get("names"),
                    "facility": cur.get("Facility"),
                }
            cur = {}
    return messages


def rendered(text):
    """The text as FormatMessage lays it out, with %n as line breaks and
    insertion points left as %1.. ."""
    return text.replace("%n", "\n")

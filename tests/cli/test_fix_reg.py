#!/usr/bin/env python3
"""fix --reg on the Linux exchportguard (cli/main.c), natively: the plan of
each export as text and JSON, each computer planned from its own export
alone, the --plan file (REGEDIT5, UTF-16LE with a byte order mark, read back
by check --reg to show it ends the conflict; an existing file refused
without --force; none left on exit 3), no port qualifying (exit 3),
and the usage errors (--apply needs the Windows build).

    test_fix_reg.py EXE WORKDIR"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clitest import SVC, WORK, check, finish, run, write5  # noqa: E402

write5("EX01.reg", SVC + "MSExchangeIS\\ParametersSystem]\r\n"
       "\"TCP/IP Port\"=dword:00001771\r\n\"Rpc/HTTP Port\"=dword:00001771\r\n")
# The same conflict, and 5001 taken on this computer only.
write5("EX02.reg", SVC + "MSExchangeIS\\ParametersSystem]\r\n"
       "\"TCP/IP Port\"=dword:00001771\r\n\"Rpc/HTTP Port\"=dword:00001771\r\n\r\n" +
       SVC + "MSExchangeSA\\Parameters]\r\n\"HTTP Port\"=dword:00001389\r\n")
write5("CLEAN.reg", SVC + "MSExchangeIS\\ParametersSystem]\r\n\"TCP/IP Port\"=dword:00001771\r\n")
write5("EX2010.reg", SVC + "MSExchangeRPC\\ParametersSystem]\r\n\"TCP/IP Port\"=dword:0000e88c\r\n"
       "\r\n" + SVC + "MSExchangeAB\\Parameters]\r\n\"RpcTcpPort\"=\"59532\"\r\n")

print("one export: the plan as text")
rc, out, err = run("fix", "--reg", "EX01.reg", "--os", "10.0")
check(rc == 1, "exit 1: a change proposed (%s %r)" % (rc, err))
check("MSExchangeIS\\ParametersSystem\\TCP/IP Port\n     from 6001 (REG_DWORD) to 5001 "
      "(REG_DWORD)" in out, "the later value, 6001 to 5001, REG_DWORD kept (%r)" % out)
check("shares port 6001 with HKLM\\System\\CurrentControlSet\\Services\\MSExchangeIS\\"
      "ParametersSystem\\Rpc/HTTP Port" in out, "names the other value")

print("several exports: each planned alone")
rc, out, err = run("fix", "--reg", "EX01.reg", "EX02.reg", "CLEAN.reg", "--json", "--os", "10.0")
doc = json.loads(out) if rc in (0, 1, 3) else None
check(doc is not None and doc["schema"] == "exchportguard-fix/1" and doc["exit_code"] == 1,
      "JSON envelope, exit 1 (%s)" % rc)
if doc:
    by = {c["name"]: c for c in doc["computers"]}
    check(by["EX01"]["changes"][0]["new_port"] == 5001 and
          by["EX02"]["changes"][0]["new_port"] == 5002,
          "EX01 gets 5001; EX02, where 5001 is taken, 5002")
    check(by["CLEAN"]["result"] == "nothing-to-fix" and by["CLEAN"]["exit_code"] == 0,
          "a clean export: nothing to fix")
    check(by["EX01"]["changes"][0]["other"] == "is-rpchttp-port" and
          by["EX01"]["restart_services"] == ["MSExchangeIS"], "other value, services")

print("--plan: a .reg file that ends the conflict")
rc, out, err = run("fix", "--reg", "EX01.reg", "--os", "10.0", "--plan", "plan.reg")
data = open(os.path.join(WORK, "plan.reg"), "rb").read() if rc == 1 else b""
check(data.startswith(b"\xff\xfe") and "\"TCP/IP Port\"=dword:00001389" in
      data[2:].decode("utf-16-le"), "UTF-16LE with BOM, TCP/IP Port = 5001 (%s %r)" % (rc, err))
# The plan holds only the changed value; laid over the export it must
# leave check clean (a .reg file of both is what reg import would leave).
with open(os.path.join(WORK, "after.reg"), "wb") as f:
    f.write(open(os.path.join(WORK, "EX01.reg"), "rb").read() +
            data[2:].decode("utf-16-le").split("\r\n", 1)[1].encode("utf-16-le"))
rc, out, err = run("check", "--reg", "after.reg", "--os", "10.0")
check(rc == 0, "check --reg of the export with the plan imported: exit 0 (%s %r)" % (rc, out))
rc, out, err = run("fix", "--reg", "EX01.reg", "--os", "10.0", "--plan", "plan.reg")
check(rc == 3 and "\"plan.reg\" already exists; give --force" in err and
      open(os.path.join(WORK, "plan.reg"), "rb").read() == data,
      "an existing plan file is refused and left as it was (%s %r)" % (rc, err))
rc, out, err = run("fix", "--reg", "EX02.reg", "--os", "10.0", "--plan", "plan.reg", "--force")
check(rc == 1 and "dword:0000138a" in
      open(os.path.join(WORK, "plan.reg"), "rb").read()[2:].decode("utf-16-le") and
      'The plan was written to "plan.reg" (reg import "plan.reg" applies it).' in err,
      "--force replaces it, and fix says where (%s %r)" % (rc, err))

print("no port qualifies: exit 3 and why")
rc, out, err = run("fix", "--reg", "EX2010.reg", "--os", "10.0", "--plan", "none.reg")
check(rc == 3 and "no port qualifies" in out and "1023 in the dynamic port range" in out,
      "exit 3 with the reason (%s %r)" % (rc, out))
check(not os.path.exists(os.path.join(WORK, "none.reg")) and
      "no plan file was written" in err, "no plan file written, and fix says so (%r)" % err)
# A stale plan beside a failed fix invites its import: with --force the
# earlier file goes; without, it is refused before anything.
with open(os.path.join(WORK, "none.reg"), "wb") as f:
    f.write(b"an old plan")
rc, out, err = run("fix", "--reg", "EX2010.reg", "--os", "10.0", "--plan", "none.reg", "--force")
check(rc == 3 and not os.path.exists(os.path.join(WORK, "none.reg")) and "was removed" in err,
      "exit 3 with --force: the earlier plan file removed (%s %r)" % (rc, err))

print("usage")
rc, out, err = run("fix", "--reg", "EX01.reg", "--apply", "--undo", "u.reg")
check(rc == 3 and "--apply changes this computer's registry" in err, "--apply with --reg (%r)" % err)
rc, out, err = run("fix", "--reg", "EX01.reg", "--csv")
check(rc == 3 and "unknown option \"--csv\"" in err, "--csv is check's (%r)" % err)
rc, out, err = run("fix")
check(rc == 3 and "give --reg FILE" in err, "no export (%r)" % err)
rc, out, err = run("fix", "--reg", "EX01.reg", "--force")
check(rc == 3 and "--force goes with --plan" in err, "--force without --plan (%r)" % err)

finish("test_fix_reg")

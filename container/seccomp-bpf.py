#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""A container runtime's default seccomp profile, letting CAP_BPF use bpf(2)
and CAP_PERFMON perf_event_open(2), as newer profiles do.

  container/seccomp-bpf.py [DEFAULT.json] > seccomp-bpf.json
  podman run --security-opt seccomp=seccomp-bpf.json ...

Older profiles (Debian 12's containers-common) allow both to CAP_SYS_ADMIN
only, so a container given CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON instead of
privileges gets EPERM from bpf(2). DEFAULT.json defaults to
/usr/share/containers/seccomp.json. The rest of the profile is unchanged.
"""
import json
import sys

NEEDS = {"bpf": "CAP_BPF", "perf_event_open": "CAP_PERFMON"}


def widen(profile):
    out = []
    for rule in profile["syscalls"]:
        names = rule.get("names", [])
        mine = [n for n in names if n in NEEDS]
        if not mine:
            out.append(rule)
            continue
        rest = [n for n in names if n not in NEEDS]
        if rest:
            out.append(dict(rule, names=rest))
        for n in mine:
            r = dict(rule, names=[n])
            excl = r.get("excludes", {}).get("caps")
            if r.get("action") != "SCMP_ACT_ALLOW" and excl:
                # the refusal no longer applies to a holder of the capability
                r["excludes"] = dict(r["excludes"], caps=sorted(set(excl) | {NEEDS[n]}))
            out.append(r)
    for n, cap in NEEDS.items():
        allowed = any(n in r.get("names", []) and r.get("action") == "SCMP_ACT_ALLOW"
                      and r.get("includes", {}).get("caps") == [cap] for r in out)
        if not allowed:
            out.append({"names": [n], "action": "SCMP_ACT_ALLOW", "args": [],
                        "includes": {"caps": [cap]}, "excludes": {}})
    return dict(profile, syscalls=out)


def main(argv):
    if len(argv) > 1 and argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0
    path = argv[1] if len(argv) > 1 else "/usr/share/containers/seccomp.json"
    with open(path, encoding="utf-8") as f:
        profile = json.load(f)
    json.dump(widen(profile), sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# What ships in monitoring/, with the real tools: promtool checks the alert
# rules and runs their unit tests (and a rule made wrong fails them), checks
# every query of the Grafana dashboard as PromQL, and the dashboard has what
# Grafana imports. Whether the metric names exist is for a live daemon:
# tests/netns/test_metric_names.sh.
set -u
SRC=${VXP_TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
M=$SRC/monitoring
PY=${PYTHON:-python3}
TMP=$(mktemp -d /tmp/vxp-monitoring.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

require_tool "promtool (Debian: prometheus)" "command -v promtool"
require_tool "python3-yaml (Fedora: python3-pyyaml)" "'$PY' -c 'import yaml'"

promtool check rules "$M/vxlan-pipeline.rules.yml" >"$TMP/check.txt" 2>&1
ok $? "promtool check rules: $(grep -o 'SUCCESS: .*' "$TMP/check.txt")"
diag "$(grep -v SUCCESS "$TMP/check.txt")"

# the unit tests run from a copy, beside the rules they name
cp "$M/vxlan-pipeline.rules.yml" "$M/vxlan-pipeline.rules.test.yml" "$TMP/"
promtool test rules "$TMP/vxlan-pipeline.rules.test.yml" >"$TMP/test.txt" 2>&1
ok $? "promtool test rules: every alert's unit tests pass"
diag "$(grep -v -e SUCCESS -e '^Unit Testing' "$TMP/test.txt" | head -n 20)"
alerts=$(sed -n 's/^ *- alert: //p' "$M/vxlan-pipeline.rules.yml" | sort)
tested=$(sed -n 's/^ *alertname: //p' "$M/vxlan-pipeline.rules.test.yml" | sort -u)
[ -n "$alerts" ] && [ "$alerts" = "$tested" ]
ok $? "every alert has unit tests ($(echo "$alerts" | wc -l) alerts)"
diag "$(comm -3 <(echo "$alerts") <(echo "$tested"))"

# mutant RULE-SED WHAT: the unit tests must fail on the rules changed so
mutant() {
	sed -e "$1" "$M/vxlan-pipeline.rules.yml" >"$TMP/vxlan-pipeline.rules.yml"
	if cmp -s "$M/vxlan-pipeline.rules.yml" "$TMP/vxlan-pipeline.rules.yml"; then
		ok 1 "the unit tests catch $2: the edit changed nothing"
		return
	fi
	! promtool test rules "$TMP/vxlan-pipeline.rules.test.yml" >/dev/null 2>&1
	ok $? "the unit tests catch $2"
}
mutant 's/^\( *\)> 0.01$/\1> 0.05/' "a drop ratio threshold five times too high"
mutant 's/reason!="nat_unmatched"/reason!="nat_unmatchd"/' "a misspelt reason"
mutant 's/result=~"redirect|kernel"/result="redirect"/' "forwarding that forgets the kernel path"
mutant 's/changes(vxlan_pipeline_start_time_seconds\[30m\]) >= 3/changes(vxlan_pipeline_start_time_seconds[30m]) >= 1/' \
	"an upgrade's one restart counted as repeated restarts"
cp "$M/vxlan-pipeline.rules.yml" "$TMP/"

# the dashboard: JSON Grafana imports, every query valid PromQL
D=$M/grafana-dashboard.json
"$PY" - "$D" >"$TMP/dash.txt" 2>&1 <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
panels = [p for p in d["panels"] if p["type"] != "row"]
bad = [p.get("title") for p in panels
       if not p.get("targets") or p.get("datasource", {}).get("uid") != "${datasource}"
       or not all(t.get("expr") for t in p["targets"])]
ids = [p["id"] for p in d["panels"]]
names = [v["name"] for v in d["templating"]["list"]]
assert d["uid"] == "vxlan-pipeline" and d["schemaVersion"] >= 36, "uid and schemaVersion"
assert names == ["datasource", "job", "instance"], f"variables {names}"
assert len(ids) == len(set(ids)), "panel ids repeat"
assert not bad, f"panels without queries or the datasource variable: {bad}"
print(f"{len(panels)} panels")
PY
ok $? "grafana-dashboard.json: $(tail -n 1 "$TMP/dash.txt"), each with queries on the \${datasource} variable"
"$PY" "$M/metric_names.py" dashboard-rules "$D" >"$TMP/dash-rules.yml" &&
	promtool check rules "$TMP/dash-rules.yml" >"$TMP/check.txt" 2>&1
ok $? "promtool check rules: every dashboard query parses as PromQL ($(grep -o '[0-9]* rules' "$TMP/check.txt"))"
diag "$(grep -v SUCCESS "$TMP/check.txt")"
sed 's/ by (result) (rate(/ by (result) (rate((/' "$D" >"$TMP/broken.json"
"$PY" "$M/metric_names.py" dashboard-rules "$TMP/broken.json" >"$TMP/dash-rules.yml" &&
	! promtool check rules "$TMP/dash-rules.yml" >/dev/null 2>&1
ok $? "... and a query with a parenthesis too many fails it"

tap_done

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Every metric, label and label value that the alert rules, the Grafana
# dashboard, the CloudWatch agent's configuration and the CloudFormation
# alarms use is one a live daemon exports: the daemon runs on the testbed and
# its /metrics is the reference (monitoring/metric_names.py check). Metrics
# only ENA makes it export must be in its binary. promtool lints the
# exposition. And a name misspelt in any of those files fails the check.
set -u
BUILD=${VXP_BUILD_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
SRC=${VXP_TOP_SRCDIR:-$BUILD/..}
M=$SRC/monitoring
PY=${PYTHON:-python3}

require_root "the metric names test"
for tool in curl promtool; do
	command -v $tool >/dev/null ||
		{ echo "Bail out! $tool is missing (scripts/install-deps.sh installs it)"; exit 1; }
done
require_topology
TB_METRICS=10.100.0.1:9464 tb_conf
tb_daemon_start --config-dir "$TB_DIR/conf" ||
	{ echo "Bail out! the daemon did not start: $(cat "$TB_DIR/daemon.log")"; exit 1; }
tb_src "$TB_TRAFFICGEN" --dst 10.100.0.1 --vni 42 --rate 2000 --count 200 -q >/dev/null
# the 200 counted, waited for: the names are checked on a busy exposition
all_counted() {
	tb_src curl -s -m 30 http://10.100.0.1:9464/metrics >"$TB_DIR/metrics.txt" &&
		grep -q '^vxlan_pipeline_packets_total{result="redirect",reason="forwarded"} 200$' \
			"$TB_DIR/metrics.txt"
}
wait_until 30 all_counted
ok $? "the daemon's /metrics, after traffic: $(grep -c '^vxlan_pipeline_' "$TB_DIR/metrics.txt") samples"
promtool check metrics <"$TB_DIR/metrics.txt" >"$TB_DIR/lint.txt" 2>&1
ok $? "promtool check metrics: the exposition is clean"
diag "$(cat "$TB_DIR/lint.txt")"

# the process figures, against what the kernel says of the daemon's process
# (read by the test, between two reads of /metrics)
figure() { sed -n "s/^$1 \([0-9.]*\)$/\1/p" "$2"; }
process_figures_true() {
	local a=$TB_DIR/p1.txt b=$TB_DIR/p2.txt rss fds
	tb_src curl -s -m 30 http://10.100.0.1:9464/metrics >"$a" || return 1
	rss=$(($(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB$/\1/p' "/proc/$TB_DAEMON_PID/status") * 1024))
	fds=$(find "/proc/$TB_DAEMON_PID/fd" -mindepth 1 -maxdepth 1 | wc -l)
	tb_src curl -s -m 30 http://10.100.0.1:9464/metrics >"$b" || return 1
	diag "VmRSS $rss bytes, $fds fds; /metrics said $(figure process_resident_memory_bytes "$a") and $(figure process_resident_memory_bytes "$b") bytes, $(figure process_open_fds "$a") and $(figure process_open_fds "$b") fds"
	# RSS within 10% of either read (pages come and go between reads); fds
	# within 3 (the read's own directory fd, the scrape's connection)
	awk -v k="$rss" -v a="$(figure process_resident_memory_bytes "$a")" \
		-v b="$(figure process_resident_memory_bytes "$b")" \
		-v f="$fds" -v fa="$(figure process_open_fds "$a")" -v fb="$(figure process_open_fds "$b")" \
		'function near(x, y, t) { return x - y <= t && y - x <= t }
		 BEGIN { exit !(a > 0 && (near(a, k, k / 10) || near(b, k, k / 10)) &&
		                fa > 0 && (near(fa, f, 3) || near(fb, f, 3))) }'
}
process_figures_true
ok $? "process_resident_memory_bytes and process_open_fds agree with /proc/PID/status and /proc/PID/fd"
grep -q '^process_cpu_seconds_total [0-9]' "$TB_DIR/p1.txt" &&
	[ "$(figure process_max_fds "$TB_DIR/p1.txt")" = "$(sed -n 's/^Max open files *\([0-9]*\) .*/\1/p' "/proc/$TB_DAEMON_PID/limits")" ]
ok $? "process_cpu_seconds_total is there, and process_max_fds is the daemon's own limit"

FILES=("$M/vxlan-pipeline.rules.yml" "$M/grafana-dashboard.json" "$M/cloudwatch-agent.json"
	"$SRC/deploy/vxlan-pipeline.cfn.yaml")
names() { # names METRICS FILE...: the check, against the daemon and the agent's scrape labels
	"$PY" "$M/metric_names.py" check "$1" --daemon "$TB_DAEMON" \
		--scrape "$M/cloudwatch-prometheus.yaml" "${@:2}"
}
names "$TB_DIR/metrics.txt" "${FILES[@]}" >"$TB_DIR/names.txt" 2>&1
ok $? "rules, dashboard, CloudWatch agent and alarms use only what it exports: $(tail -n 1 "$TB_DIR/names.txt")"
diag "$(head -n -1 "$TB_DIR/names.txt")"

# misspelt FILE SED WANT: a copy of FILE with one name misspelt fails the
# check, and the message says what
misspelt() {
	local copy
	copy=$TB_DIR/$(basename "$1")
	sed -e "$2" "$1" >"$copy"
	if cmp -s "$1" "$copy"; then
		ok 1 "$(basename "$1"): the misspelling '$2' changed nothing"
		return
	fi
	local files=()
	for f in "${FILES[@]}"; do
		if [ "$f" = "$1" ]; then files+=("$copy"); else files+=("$f"); fi
	done
	! names "$TB_DIR/metrics.txt" "${files[@]}" >"$TB_DIR/names.txt" 2>&1 &&
		grep -qF -- "$3" "$TB_DIR/names.txt"
	ok $? "$(basename "$1"): the check catches $3"
	rm -f "$copy"
}
misspelt "$M/vxlan-pipeline.rules.yml" 's/vxlan_pipeline_xdp_attached == 0/vxlan_pipeline_xdp_atached == 0/' \
	"vxlan_pipeline_xdp_atached is not exported"
misspelt "$M/vxlan-pipeline.rules.yml" 's/reason!="nat_unmatched"/reason!="nat_unmached"/' \
	'{reason!="nat_unmached"} matches no exported value'
# shellcheck disable=SC2016 # a Prometheus template, not a shell expansion
misspelt "$M/vxlan-pipeline.rules.yml" 's/{{ $labels.interface }}:/{{ $labels.iface }}:/' \
	"label 'iface' is on none of"
misspelt "$M/vxlan-pipeline.rules.yml" 's/vxlan_pipeline_ena_allowance_exceeded_total{/vxlan_pipeline_ena_allowances_exceeded_total{/' \
	"vxlan_pipeline_ena_allowances_exceeded_total is not exported"
misspelt "$M/grafana-dashboard.json" 's/result=\\"kernel\\"/result=\\"kernal\\"/' \
	'{result="kernal"} matches no exported value'
misspelt "$M/grafana-dashboard.json" 's/sum by (event)/sum by (evnt)/' "label 'evnt' is on none of"
misspelt "$M/grafana-dashboard.json" 's/process_resident_memory_bytes/process_resident_memory/' \
	"process_resident_memory is not exported"
misspelt "$M/vxlan-pipeline.rules.yml" 's/event="redirect_failed"/event="redirect_fail"/' \
	'{event="redirect_fail"} matches no exported value'
misspelt "$M/cloudwatch-agent.json" 's/"\^vxlan_pipeline_bytes_total\$"/"^vxlan_pipeline_byte_total$"/' \
	"selects no exported metric"
misspelt "$M/cloudwatch-agent.json" 's/^\( *\)"reason"$/\1"reasons"/' "has no label reasons"
misspelt "$SRC/deploy/vxlan-pipeline.cfn.yaml" 's/{Name: result, Value: redirect}/{Name: result, Value: redirected}/' \
	'{result="redirected"} matches no exported value'
misspelt "$SRC/deploy/vxlan-pipeline.cfn.yaml" 's/{Name: reason, Value: nat_unmatched}/{Name: reasons, Value: nat_unmatched}/' \
	"the agent publishes"

tb_daemon_stop
tap_done

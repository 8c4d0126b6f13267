#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The daemon under Valgrind's memcheck through start, 100 reloads under
# traffic and stop: no invalid access, no uninitialised value used, no leak.
set -u
BUILD=${VXP_BUILD_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
TG=$BUILD/src/vxlan-trafficgen
RELOADS=${VXP_MEMCHECK_RELOADS:-100}
HERE=$(cd "$(dirname "$0")" && pwd)

require_root "the memcheck test"
command -v valgrind >/dev/null || { echo "Bail out! valgrind is missing (scripts/install-deps.sh installs it)"; exit 1; }
require_topology
# under memcheck a start or a reload takes many times as long, and more on
# a loaded machine: READY=1 is waited for 5 min at most, not 30 s
TB_NOTIFY_WAIT=300
METRICS=10.100.0.1:9464
TB_METRICS=$METRICS tb_conf "10.200.0.2:6000" "feature_sampling = 10;"

# --child-silent-after-fork: the privilege probe's child exits without freeing
TB_DAEMON_ENV="valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite,indirect,possible \
	--errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 --track-fds=no \
	--child-silent-after-fork=yes --suppressions=$HERE/memcheck.supp \
	--log-file=$TB_DIR/memcheck.log" \
	tb_daemon_start --config-dir "$TB_DIR/conf" --foreground
ok $? "the daemon starts under memcheck"

ip netns exec "$TB_SRC" "$TG" --dst 10.100.0.1 --vni 42 --rate 2000 --duration 30 -q >/dev/null &
SEND=$!
tb_track $SEND
done_reloads=0
for i in $(seq "$RELOADS"); do
	# every other reload changes the rules, so both tables get filled and freed
	TB_METRICS=$METRICS tb_conf "10.200.0.2:$((6000 + i % 2))" "feature_sampling = 10;"
	kill -HUP "$TB_DAEMON_PID"
	tb_notify_wait '^READY=1$' $((i + 1)) || break
	done_reloads=$i
done
[ "$done_reloads" = "$RELOADS" ]
ok $? "$done_reloads reloads, each confirmed by READY=1"
"$BUILD/src/vxlan-pipeline" --socket "$TB_DIR/control.sock" status >"$TB_DIR/status.txt" &&
	"$BUILD/src/vxlan-pipeline" --socket "$TB_DIR/control.sock" nat >"$TB_DIR/nat.txt" &&
	grep -q "vxlan-pipelined is running" "$TB_DIR/status.txt" &&
	[ "$(grep -c "10.200.0.2:600$((RELOADS % 2))" "$TB_DIR/nat.txt")" = 2 ]
ok $? "the control socket answers meanwhile: status, and nat with the rules of the last reload"
tb_src curl -sf -m 60 "http://$METRICS/metrics" >"$TB_DIR/metrics.txt" &&
	grep -q "^vxlan_pipeline_reloads_total $done_reloads$" "$TB_DIR/metrics.txt"
ok $? "and /metrics, with the $done_reloads reloads counted"
kill "$SEND" 2>/dev/null
wait "$SEND" 2>/dev/null
tb_daemon_stop
[ "$TB_DAEMON_STATUS" = 0 ]
ok $? "stops with status 0 (memcheck exits 99 on any error or leak)"
grep -q "ERROR SUMMARY: 0 errors from 0 contexts" "$TB_DIR/memcheck.log"
ok $? "memcheck: $(grep -o 'ERROR SUMMARY: .*' "$TB_DIR/memcheck.log" | head -n 1)"
grep -qE "definitely lost: 0 bytes|All heap blocks were freed" "$TB_DIR/memcheck.log" &&
	! grep -qE "(indirectly|possibly) lost: [1-9]" "$TB_DIR/memcheck.log"
ok $? "no leak: $(grep -E 'definitely lost|All heap blocks' "$TB_DIR/memcheck.log" | sed 's/==[0-9]*== *//' | head -n 1)"
[ "${TB_DAEMON_STATUS:-}" = 0 ] || diag "$(grep -vE '^==[0-9]+== *$' "$TB_DIR/memcheck.log" | tail -n 40)"
tap_done

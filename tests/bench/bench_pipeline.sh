#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make bench: on the testbed, with one generator (vxlan-trafficgen's in-kernel
# raw sender, as fast as it goes) and one counting sink (an XDP drop program),
# in one run, interleaved, median of ROUNDS rounds:
#   ceiling   the sink on the ingress itself: what this generator can deliver
#   floor     a program that only strips the outer headers and redirects the
#             inner frame to the egress (no checks, no NAT, no FIB: xdpsink
#             strip), counted at the sink: the best any XDP forwarder does here
#   pipeline  vxlan-pipelined forwarding, NAT hit, 64- and 1400-byte inner packets,
#             counted at the sink behind the egress
#   kernel    the same job by the kernel: a vxlan device, nftables DNAT, IP
#             forwarding, counted at the same sink
# with CPU per forwarded packet (the whole machine, generator included), the
# daemon's RSS, the packets lost across 10 reloads under load, and a soak
# (BENCH_SOAK_SECONDS, default 180) under traffic with a reload every 2 s and
# the CLI and /metrics asked every second, sampling the daemon's RSS and open
# fds every 10 s, and counting the daemon's watchdog pings (WATCHDOG_USEC
# 200 ms). Then the figures of speed make check does not assert
# (bench_figures.sh): the generator's rate accuracy, the raw senders'
# delivery, a restart and a kill -9 under 500 kpps, feature record latency
# and a stuck reader, /healthz's reaction and the idle-connection timeout,
# and TCP echoes across start, reload and stop. Last line: a JSON object.
# Also: the time from SIGHUP to a new table of 8192 NAT rules in force and
# what 100 kpps lost across 10 such reloads; how long packets still go the
# old way after a neighbour change. The rates and CPU costs also go into a
# bar chart, BENCH_SVG (default bench.svg in the build tree), when gnuplot
# is there.
# Targets: pipeline >= 3x kernel, >= 90% of the floor and >= 60% of the
# ceiling (64 B), reload <= 50 ms with 0 lost, RSS < 10 MB, 0 lost
# across reloads, RSS growth under 512 kB and no fd growth in the soak, a
# watchdog ping every 100 ms; and those each figure states.
set -u
BUILD=${VXP_BUILD_DIR:-$(cd "$(dirname "$0")/../.." && pwd)/build}
TB_BUILD=$BUILD
# shellcheck source=scripts/testbed.sh
. "$(dirname "$0")/../../scripts/testbed.sh"
# shellcheck source=tests/bench/bench_figures.sh
. "$(dirname "$0")/bench_figures.sh"
TG=$BUILD/src/vxlan-trafficgen
SINK=$BUILD/tests/bench/xdpsink
ROUNDS=${BENCH_ROUNDS:-5}
SECONDS_EACH=${BENCH_SECONDS:-2}
RELOAD_RATE=${BENCH_RELOAD_RATE:-100000}
SOAK=${BENCH_SOAK_SECONDS:-180}

[ "$(id -u)" = 0 ] || { echo "bench: needs root" >&2; exit 77; }
command -v nft >/dev/null || { echo "bench: nft is missing (apt-get install nftables)" >&2; exit 1; }
tb_up || { echo "bench: building the testbed failed" >&2; exit 1; }
progress() { [ -t 2 ] && printf '\r%-70s' "$*" >&2; }

busy_jiffies() { # all CPUs: user nice system irq softirq steal
	awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat
}

# measure NS IFACE SIZE: the generator at full speed for SECONDS_EACH into the
# sink on IFACE; prints "pps cpu_ns_per_packet"
measure() {
	local ns=$1 ifc=$2 size=$3 sink before after pkts hz
	ip netns exec "$ns" "$SINK" "$ifc" 60 >"$TB_DIR/sink.json" &
	sink=$!
	for _ in $(seq 50); do grep -q attached "$TB_DIR/sink.json" && break; sleep 0.1; done
	before=$(busy_jiffies)
	tb_src "$TG" --raw s-eth0 --dst 10.100.0.1 --vni 42 --rate 0 --size "$size" --flows 8 \
		--duration "$SECONDS_EACH" --json -q >"$TB_DIR/send.json"
	after=$(busy_jiffies)
	kill -TERM "$sink"
	wait "$sink"
	pkts=$(sed -n 's/.*"packets": \([0-9]*\).*/\1/p' "$TB_DIR/sink.json")
	hz=$(getconf CLK_TCK)
	awk -v p="${pkts:-0}" -v s="$(sed -n 's/.*"seconds": \([0-9.]*\).*/\1/p' "$TB_DIR/send.json")" \
		-v j=$((after - before)) -v hz="$hz" \
		'BEGIN { printf "%.0f %.0f\n", p / s, p ? j / hz * 1e9 / p : 0 }'
}

# The floor: xdpsink's strip program on the ingress, to the sink's MAC.
floor_on() {
	ip netns exec "$TB_DUT" "$SINK" strip d-in0 600 d-out0 \
		"$(tb_sink cat /sys/class/net/k-eth0/address)" \
		"$(tb_dut cat /sys/class/net/d-out0/address)" >"$TB_DIR/strip.json" &
	FLOOR_PID=$!
	for _ in $(seq 50); do grep -q attached "$TB_DIR/strip.json" && break; sleep 0.1; done
}
floor_off() {
	kill -TERM "$FLOOR_PID"
	wait "$FLOOR_PID"
}

pipeline_on() {
	tb_conf "10.200.0.2:6000"
	tb_daemon_start --config-dir "$TB_DIR/conf" ||
		{ echo "bench: the daemon did not start: $(cat "$TB_DIR/daemon.log")" >&2; exit 1; }
}

# The kernel's way: outer UDP 4789 to a vxlan device whose MAC is the inner
# frames' destination (else the stack drops them as another host's), DNAT in
# prerouting, forwarding. GRO on d-in0 lets the veth take XDP-sent frames.
kernel_on() {
	tb_dut ip link add vxk0 type vxlan id 42 dstport 4789 dev d-in0 local 10.100.0.1 nolearning &&
	tb_dut ip link set vxk0 address 02:00:5e:00:00:02 &&
	tb_dut ip link set vxk0 up &&
	tb_dut sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.vxk0.rp_filter=0 &&
	tb_dut ethtool -K d-in0 gro on >/dev/null &&
	tb_dut nft -f - <<'EOF'
table ip vxpbench {
	chain pre {
		type nat hook prerouting priority dstnat;
		iifname "vxk0" udp dport 5000 dnat to 10.200.0.2:6000
	}
}
EOF
}

kernel_off() {
	tb_dut nft delete table ip vxpbench
	tb_dut ip link del vxk0
	tb_dut ethtool -K d-in0 gro off >/dev/null
}

median() { sort -n | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

declare -A pps cpu
# at_sizes NAME: 64- and 1400-byte runs received at the sink, into
# pps[NAME64], pps[NAME1400] and cpu[...] (round r)
at_sizes() {
	local size p c
	for size in 64 1400; do
		progress "round $r/$ROUNDS: $1 $size"
		read -r p c < <(measure "$TB_SINK" k-eth0 "$size")
		pps[$1$size]+="$p "
		cpu[$1$size]+="$c "
	done
}
for r in $(seq "$ROUNDS"); do
	progress "round $r/$ROUNDS: ceiling"
	read -r p c < <(measure "$TB_DUT" d-in0 64)
	pps[ceiling]+="$p "; cpu[ceiling]+="$c "
	floor_on
	at_sizes floor
	floor_off
	pipeline_on
	at_sizes pipeline
	rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$TB_DAEMON_PID/status")
	tb_daemon_stop
	kernel_on || { echo "bench: setting up the kernel's path failed" >&2; exit 1; }
	at_sizes kernel
	kernel_off
done

# reloads under load: a checking receiver must see every packet
progress "10 reloads at $RELOAD_RATE pps"
pipeline_on
ip netns exec "$TB_SINK" "$TG" --receive 10.200.0.2:6000 --idle 2 --duration 20 --json -q \
	>"$TB_DIR/recv.json" &
recv=$!
sleep 0.3
ip netns exec "$TB_SRC" "$TG" --dst 10.100.0.1 --vni 42 --rate "$RELOAD_RATE" --duration 6 \
	--flows 8 --json -q >"$TB_DIR/send.json" &
send=$!
sleep 0.5
for _ in $(seq 10); do
	kill -HUP "$TB_DAEMON_PID"
	sleep 0.5
done
wait "$send"
wait "$recv"
reloads=$(grep -c '^RELOADING=1' "$TB_DIR/notify.log")
sent=$(sed -n 's/.*"sent": \([0-9]*\).*/\1/p' "$TB_DIR/send.json")
received=$(sed -n 's/.*"received": \([0-9]*\).*/\1/p' "$TB_DIR/recv.json")
lost=$((sent - received))
tb_daemon_stop

# the soak: does anything grow?
progress "soak: $SOAK s"
TB_METRICS=10.100.0.1:9464 tb_conf "10.200.0.2:6000"
TB_DAEMON_ENV="WATCHDOG_USEC=200000" tb_daemon_start --config-dir "$TB_DIR/conf" ||
	{ echo "bench: the daemon did not start: $(cat "$TB_DIR/daemon.log")" >&2; exit 1; }
ip netns exec "$TB_SRC" "$TG" --dst 10.100.0.1 --vni 42 --rate 50000 --duration "$SOAK" \
	--flows 8 -q >/dev/null &
soak_send=$!
samples=""
fds=""
start=$SECONDS
next_reload=$((start + 2))
next_sample=$((start + 10))
while [ $SECONDS -lt $((start + SOAK)) ]; do
	"$BUILD/src/vxlan-pipeline" --socket "$TB_DIR/control.sock" status >/dev/null 2>&1
	tb_src curl -s -m 2 -o /dev/null http://10.100.0.1:9464/metrics
	if [ $SECONDS -ge $next_reload ]; then
		kill -HUP "$TB_DAEMON_PID"
		next_reload=$((next_reload + 2))
	fi
	if [ $SECONDS -ge $next_sample ]; then
		samples+="$(awk '/^VmRSS/ { print $2 }' "/proc/$TB_DAEMON_PID/status") "
		fds+="$(ls "/proc/$TB_DAEMON_PID/fd" | wc -l) "
		next_sample=$((next_sample + 10))
		progress "soak: $((SECONDS - start))/$SOAK s, RSS ${samples% } kB"
	fi
	sleep 0.5
done
wait "$soak_send"
soak_reloads=$(grep -c '^RELOADING=1' "$TB_DIR/notify.log")
soak_watchdogs=$(grep -c '^WATCHDOG=1$' "$TB_DIR/notify.log")
soak_secs=$((SECONDS - start))
tb_daemon_stop
first() { echo "$1" | awk '{ print $1 }'; }
last() { echo "$1" | awk '{ print $NF }'; }
rss_growth=$(( $(last "$samples") - $(first "$samples") ))
fd_growth=$(( $(last "$fds") - $(first "$fds") ))
watchdog_ms=$(awk -v n="$soak_watchdogs" -v s="$soak_secs" 'BEGIN { printf "%.0f", n ? s * 1000 / n : 0 }')

fig_reload_big
fig_staleness
fig_rate_accuracy
fig_raw_senders
fig_restart
fig_features
fig_http
fig_tcp
progress ""
[ -t 2 ] && printf '\r' >&2

# The bar chart: pps and CPU ns per packet of each path, 64 and 1400 B side
# by side, as SVG; said where it went, or why not.
bench_chart() {
	local svg=${BENCH_SVG:-$BUILD/bench.svg} dat=$TB_DIR/chart.dat k
	command -v gnuplot >/dev/null ||
		{ echo "chart: gnuplot is missing (scripts/install-deps.sh installs it): no $svg"; return; }
	{
		echo "path 64-byte 1400-byte 64-byte 1400-byte"
		echo "ceiling $(m ceiling) 0 $(mc ceiling) 0"
		for k in floor pipeline kernel; do
			echo "$k $(m "${k}64") $(m "${k}1400") $(mc "${k}64") $(mc "${k}1400")"
		done
	} >"$dat"
	gnuplot <<GP 2>"$TB_DIR/gnuplot.log" && echo "chart: $svg" || echo "chart: gnuplot failed: $(tail -n 2 "$TB_DIR/gnuplot.log")"
set terminal svg size 900,420 dynamic font "sans,11"
set output "$svg"
set multiplot layout 1,2 title "make bench: median of $ROUNDS rounds of $SECONDS_EACH s (ceiling: the generator into a drop program)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set key top right autotitle columnhead
set grid ytics
set xtics nomirror
set title "packets per second at the sink"
set format y "%.1s%c"
plot "$dat" using 2:xtic(1) lc rgb "#4477aa", "" using 3 lc rgb "#66ccee"
set title "CPU ns per packet (whole machine)"
set format y "%g"
plot "$dat" using 4:xtic(1) lc rgb "#ee6677", "" using 5 lc rgb "#ccbb44"
unset multiplot
GP
}

m() { echo "${pps[$1]}" | tr ' ' '\n' | grep . | median; }
mc() { echo "${cpu[$1]}" | tr ' ' '\n' | grep . | median; }
ceiling=$(m ceiling); p64=$(m pipeline64); p1400=$(m pipeline1400); k64=$(m kernel64); k1400=$(m kernel1400)
f64=$(m floor64); f1400=$(m floor1400)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b ? a / b : 0 }'; }

printf 'median of %s rounds of %s s each; pps at the sink, CPU ns per forwarded packet\n' \
	"$ROUNDS" "$SECONDS_EACH"
printf '(the whole machine, generator included; the generator alone is the ceiling row)\n'
printf '  %-28s %12s %10s   %s\n' "path" "pps" "CPU ns" "rounds"
for k in ceiling floor64 floor1400 pipeline64 pipeline1400 kernel64 kernel1400; do
	printf '  %-28s %12s %10s   %s\n' "$k" "$(m "$k")" "$(mc "$k")" "${pps[$k]}"
done
printf 'pipeline / kernel: %s (64 B), %s (1400 B); target >= 3\n' "$(ratio "$p64" "$k64")" "$(ratio "$p1400" "$k1400")"
printf 'pipeline / ceiling: %s (64 B); target >= 0.60\n' "$(ratio "$p64" "$ceiling")"
printf 'pipeline / floor: %s (64 B), %s (1400 B); target >= 0.90\n' "$(ratio "$p64" "$f64")" "$(ratio "$p1400" "$f1400")"
printf 'reload of 8192 NAT rules, SIGHUP to READY=1: median %s ms (%s); target <= 50; %s sent at 100 kpps, %s lost; target 0\n' \
	"$FIG_RELOAD_MS" "${FIG_RELOAD_ALL% }" "${FIG_RELOAD_SENT:-0}" "${FIG_RELOAD_LOST:-0}"
printf 'a neighbour change, from the first unmatched packet the new way: the last NAT packet the old way %s ms after it, the first the new way %s ms after it\n' \
	"$FIG_STALE_OLD_MS" "$FIG_STALE_NEW_MS"
bench_chart
printf 'daemon RSS: %s kB; target < 10240\n' "$rss"
printf 'reloads under %s pps: %s reloads, %s sent, %s received, %s lost; target 0\n' \
	"$RELOAD_RATE" "$reloads" "$sent" "$received" "$lost"
printf 'soak: %s s at 50 kpps, %s reloads; RSS every 10 s: %s kB (growth %s kB; target < 512); open fds: %s (growth %s; target 0)\n' \
	"$SOAK" "$soak_reloads" "$samples" "$rss_growth" "$fds" "$fd_growth"
printf 'watchdog: %s pings in %s s of soak with WATCHDOG_USEC=200000, one every %s ms; target 100\n' \
	"$soak_watchdogs" "$soak_secs" "$watchdog_ms"
acc() { ratio "$1" "$2"; }
printf 'generator rate accuracy (achieved / asked, sender and receiver): 10 kpps %s and %s, 100 kpps %s and %s; target 0.99 to 1.01\n' \
	"$(acc "$FIG_RATE_SEND_10000" 10000)" "$(acc "$FIG_RATE_RECV_10000" 10000)" \
	"$(acc "$FIG_RATE_SEND_100000" 100000)" "$(acc "$FIG_RATE_RECV_100000" 100000)"
printf 'raw senders (AF_PACKET 50 kpps, in-kernel as fast as it goes): %s sent, %s counted at the ingress; target all\n' \
	"$FIG_RAW_SENT" "$FIG_RAW_GOT"
printf 'restart under 500 kpps (svcman, fd store): %s sent, %s lost; kill -9: %s sent, %s lost; target 0\n' \
	"$FIG_RESTART_SENT" "$FIG_RESTART_LOST" "$FIG_KILL9_SENT" "$FIG_KILL9_LOST"
printf 'feature records at 20 kpps: %s of 20000 read, %s lost to the ring, latency avg %s us, max %s us; target 0 lost, max < 1000000\n' \
	"$FIG_FEAT_RECORDS" "$FIG_FEAT_LOST" "$FIG_FEAT_LAT_AVG" "$FIG_FEAT_LAT_MAX"
printf 'a stuck feature reader: %s of 40000 packets at 20 kpps forwarded; target all\n' "$FIG_STUCK_FWD"
printf '/healthz 503 %s s after a blackhole route under 1000 pps; target <= 2\n' "${FIG_HEALTH_S:-never}"
printf '12 idle connections: closed by the daemon after %s s (target 5, +-1.5), RSS +%s kB (target < 1024)\n' \
	"${FIG_IDLE_S:-never}" "$FIG_IDLE_RSS"
printf 'TCP across start, reload and stop: slowest echo %s ms, %s lines failed; target < 1000 ms, 0 failed\n' \
	"$FIG_TCP_MS" "$FIG_TCP_FAILED"
within1() { awk -v v="$1" -v t="$2" 'BEGIN { exit !(v >= t * 0.99 && v <= t * 1.01) }'; }
figs_met=true
within1 "$FIG_RATE_SEND_10000" 10000 && within1 "$FIG_RATE_RECV_10000" 10000 &&
	within1 "$FIG_RATE_SEND_100000" 100000 && within1 "$FIG_RATE_RECV_100000" 100000 &&
	[ "$FIG_RAW_GOT" = "$FIG_RAW_SENT" ] && [ "$FIG_RESTART_LOST" = 0 ] && [ "$FIG_KILL9_LOST" = 0 ] &&
	[ "${FIG_FEAT_LOST:-1}" = 0 ] &&
	awk -v m="${FIG_FEAT_LAT_MAX:-1e9}" 'BEGIN { exit !(m < 1e6) }' && [ "$FIG_STUCK_FWD" = 40000 ] &&
	awk -v h="${FIG_HEALTH_S:-99}" -v i="${FIG_IDLE_S:-99}" -v r="$FIG_IDLE_RSS" -v t="${FIG_TCP_MS:-1e9}" \
		-v w="$watchdog_ms" \
		'BEGIN { exit !(h <= 2 && i >= 3.5 && i <= 6.5 && r < 1024 && t < 1000 && w <= 100) }' &&
	[ "$FIG_TCP_FAILED" = 0 ] || figs_met=false
met=$(awk -v a="$(ratio "$p64" "$k64")" -v b="$(ratio "$p64" "$ceiling")" -v r="$rss" -v l="$lost" \
	-v g="$rss_growth" -v f="$fd_growth" -v m="$figs_met" -v fl="$(ratio "$p64" "$f64")" \
	-v rl="${FIG_RELOAD_MS:-1e9}" -v rll="${FIG_RELOAD_LOST:-1}" \
	'BEGIN { print (a >= 3 && b >= 0.6 && fl >= 0.9 && rl <= 50 && rll == 0 && r < 10240 && l == 0 && g < 512 && f == 0 && m == "true") ? "true" : "false" }')
printf '{"rounds": %s, "seconds": %s, "ceiling_pps": %s, "floor_64_pps": %s, "floor_1400_pps": %s, "pipeline_over_floor_64": %s, "pipeline_over_floor_1400": %s, "reload_8192_ms": %s, "reload_8192_sent": %s, "reload_8192_lost": %s, "stale_last_old_ms": %s, "stale_first_new_ms": %s, "pipeline_64_pps": %s, "pipeline_1400_pps": %s, "kernel_64_pps": %s, "kernel_1400_pps": %s, "cpu_ns": {"ceiling": %s, "pipeline_64": %s, "pipeline_1400": %s, "kernel_64": %s, "kernel_1400": %s}, "pipeline_over_kernel_64": %s, "pipeline_over_kernel_1400": %s, "pipeline_over_ceiling": %s, "daemon_rss_kb": %s, "reloads": %s, "reload_lost": %s, "soak_seconds": %s, "soak_reloads": %s, "soak_rss_growth_kb": %s, "soak_fd_growth": %s, "watchdog_ms": %s, "rate_10k_send_pps": %s, "rate_10k_recv_pps": %s, "rate_100k_send_pps": %s, "rate_100k_recv_pps": %s, "raw_sent": %s, "raw_counted": %s, "restart_500k_sent": %s, "restart_500k_lost": %s, "kill9_500k_sent": %s, "kill9_500k_lost": %s, "feature_records": %s, "feature_lost": %s, "feature_latency_avg_us": %s, "feature_latency_max_us": %s, "stuck_reader_forwarded": %s, "healthz_503_s": %s, "idle_closed_s": %s, "idle_rss_kb": %s, "tcp_slowest_ms": %s, "tcp_failed": %s, "met": %s}\n' \
	"$ROUNDS" "$SECONDS_EACH" "$ceiling" "$f64" "$f1400" "$(ratio "$p64" "$f64")" "$(ratio "$p1400" "$f1400")" \
	"${FIG_RELOAD_MS:-null}" "${FIG_RELOAD_SENT:-0}" "${FIG_RELOAD_LOST:-0}" "${FIG_STALE_OLD_MS:-null}" "${FIG_STALE_NEW_MS:-null}" \
	"$p64" "$p1400" "$k64" "$k1400" \
	"$(mc ceiling)" "$(mc pipeline64)" "$(mc pipeline1400)" "$(mc kernel64)" "$(mc kernel1400)" \
	"$(ratio "$p64" "$k64")" "$(ratio "$p1400" "$k1400")" "$(ratio "$p64" "$ceiling")" \
	"$rss" "$reloads" "$lost" "$SOAK" "$soak_reloads" "$rss_growth" "$fd_growth" "$watchdog_ms" \
	"${FIG_RATE_SEND_10000:-0}" "${FIG_RATE_RECV_10000:-0}" "${FIG_RATE_SEND_100000:-0}" "${FIG_RATE_RECV_100000:-0}" \
	"${FIG_RAW_SENT:-0}" "${FIG_RAW_GOT:-0}" "${FIG_RESTART_SENT:-0}" "${FIG_RESTART_LOST:-0}" \
	"${FIG_KILL9_SENT:-0}" "${FIG_KILL9_LOST:-0}" "${FIG_FEAT_RECORDS:-0}" "${FIG_FEAT_LOST:-0}" \
	"${FIG_FEAT_LAT_AVG:-0}" "${FIG_FEAT_LAT_MAX:-0}" "${FIG_STUCK_FWD:-0}" "${FIG_HEALTH_S:-null}" \
	"${FIG_IDLE_S:-null}" "${FIG_IDLE_RSS:-0}" "${FIG_TCP_MS:-null}" "${FIG_TCP_FAILED:-0}" "$met"

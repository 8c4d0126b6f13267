#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# vxlan-pipeline-setup: first boot of a vxlan-pipeline instance, run once by
# cloud-init. deploy/cloud-init.yaml carries a copy: edit this file, then run
# deploy/cfn_check.py embed. deploy/README.md explains the whole deployment.
#
# Interfaces by role, from instance metadata (IMDSv2), never by name:
#  ingress  the ENI at device-number 0. The NLB sends the mirrored VXLAN and its
#           health checks to the primary address of the primary ENI (the only
#           one instance targets get, and an ASG allows no other), so that is
#           where the traffic arrives; it also has the default route (SSM, SSH).
#  egress   the interface `ip route get COLLECTOR` names, once the collector's
#           route is pinned to the ENI at device-number 1; its source/dest
#           check is switched off, or the VPC drops what it forwards.
# ENA limits: the daemon applies them (ena_fix = true, src/libvxp/netdev.c): MTU 3498
# and half the maximum combined channels on ingress and egress, checked at
# every start before attaching; so no ip/ethtool here.
#
# Test knobs (defaults are the real thing): VXP_IMDS metadata URL, VXP_SYSFS
# sysfs root, VXP_ROOT prefix of every file written, VXP_DRY_RUN=1 prints the
# commands that change the system instead of running them, VXP_PKG_MANAGER
# (apt, dnf, yum), VXP_WAIT seconds to wait for an interface, VXP_SHARE the
# package's data directory (the CloudWatch agent's configuration),
# VXP_DRY_PACKAGE a file a dry run takes as the downloaded package (its
# PACKAGE_SHA256 is checked for real).
#
# Nothing read from the metadata service reaches a command, an arithmetic
# expansion or a configuration file before it matched a strict pattern: a
# crafted value stops the setup (md_get).
set -euo pipefail
# the daemon trusts only files that nobody but root can write (StrictModes)
umask 022

imds=${VXP_IMDS:-http://169.254.169.254}
# set from the metadata by md_get, once it matched its pattern
region="" domain="" instance_id=""
sysfs=${VXP_SYSFS:-/sys}
dry=${VXP_DRY_RUN:-0}
done_note=
if [ "$dry" = 1 ]; then done_note=" (dry run: nothing changed)"; fi
wait_s=${VXP_WAIT:-60}
conf=${VXP_ROOT:-}/etc/vxlan-pipeline
dropin=${VXP_ROOT:-}/etc/systemd/system/vxlan-pipeline.service.d

log() { echo "vxlan-pipeline-setup: $*" >&2; }
die() {
	log "error: $*"
	exit 1
}
[ "$dry" != 1 ] || [ -n "${VXP_ROOT:-}" ] || die "a dry run writes its files under VXP_ROOT: set it"
# run CMD...: a command that changes the system; a dry run prints it
run() {
	if [ "$dry" = 1 ]; then
		echo "+ $*"
	else
		log "+ $*"
		"$@"
	fi
}

# ---- settings: KEY=VALUE lines cloud-init wrote from the stack's parameters.
# Read, never sourced: they are data.
env_file=$conf/deploy.env
keys="PACKAGE_URL COLLECTOR_ADDRESS COLLECTOR_PORT MATCH_PROTOCOL MATCH_ON MATCH_PORTS TARGET_PPS UNMATCHED HEALTH_CHECK_CIDR"
# optional: the stack and the ASG's logical id, to signal success or failure;
# CLOUDWATCH=true installs the CloudWatch agent to scrape /metrics;
# PACKAGE_SHA256, the package's checksum, checked before it is installed
optional="CFN_STACK CFN_RESOURCE CLOUDWATCH PACKAGE_SHA256"
declare -A cfg
# shellcheck disable=SC2317 # the EXIT trap calls it
finish() { # a failed setup tells CloudFormation, which stops a rollout
	if [ "$1" != 0 ] && [ -n "${token:-}" ]; then signal FAILURE || true; fi
}
trap 'finish $?' EXIT
[ -r "$env_file" ] || die "cannot read $env_file"
while IFS= read -r line || [ -n "$line" ]; do
	case $line in '' | '#'*) continue ;; esac
	key=${line%%=*}
	val=${line#*=}
	case " $keys $optional " in *" $key "*) ;; *) die "$env_file: unknown setting '$line'" ;; esac
	case $val in *"\${"*) die "$env_file: $key is still the placeholder '$val': fill it in (the CloudFormation template does)" ;; esac
	cfg[$key]=$val
done <"$env_file"
for key in $keys; do
	[ -n "${cfg[$key]:-}" ] || die "$env_file: $key is missing or empty"
done

bad() { die "$env_file: $1 is '${cfg[$1]}'; expected $2"; }
port_ok() { [[ $1 =~ ^[0-9]{1,5}$ ]] && [ "$1" -ge 1 ] && [ "$1" -le 65535 ]; }
collector=${cfg[COLLECTOR_ADDRESS]}
if [[ $collector =~ ^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$ ]]; then
	family=4
	for o in "${BASH_REMATCH[@]:1}"; do [ "$o" -le 255 ] || bad COLLECTOR_ADDRESS "an IPv4 or IPv6 address"; done
elif [[ $collector =~ ^[0-9A-Fa-f:.]+$ && $collector == *:* ]]; then
	family=6
else
	bad COLLECTOR_ADDRESS "an IPv4 or IPv6 address"
fi
port_ok "${cfg[COLLECTOR_PORT]}" || bad COLLECTOR_PORT "a port from 1 to 65535"
[[ ${cfg[MATCH_PROTOCOL]} =~ ^(tcp|udp)$ ]] || bad MATCH_PROTOCOL "tcp or udp"
[[ ${cfg[MATCH_ON]} =~ ^(src_port|dst_port)$ ]] || bad MATCH_ON "src_port or dst_port"
[[ ${cfg[TARGET_PPS]} =~ ^[0-9]{1,9}$ ]] || bad TARGET_PPS "a packet rate"
[[ ${cfg[UNMATCHED]} =~ ^(forward|drop)$ ]] || bad UNMATCHED "forward or drop"
[[ ${cfg[CLOUDWATCH]:-false} =~ ^(true|false)$ ]] || bad CLOUDWATCH "true or false"
[[ ${cfg[CFN_STACK]:-} =~ ^([A-Za-z][-A-Za-z0-9]{0,127})?$ ]] || bad CFN_STACK "a stack name"
[[ ${cfg[CFN_RESOURCE]:-} =~ ^([A-Za-z0-9]{1,255})?$ ]] || bad CFN_RESOURCE "a logical resource id"
# http:// is refused: what it brings is installed as root
[[ ${cfg[PACKAGE_URL]} =~ ^(https|s3)://[[:graph:]]+\.(deb|rpm)$ ]] ||
	bad PACKAGE_URL "an https:// or s3:// URL of a .deb or .rpm"
[[ ${cfg[PACKAGE_SHA256]:-} =~ ^([0-9a-f]{64})?$ ]] || bad PACKAGE_SHA256 "64 lower-case hex digits, or nothing"
cidr4() { # cidr4 VALUE: an IPv4 CIDR, each number in its range
	local o
	[[ $1 =~ ^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})/([0-9]{1,2})$ ]] || return 1
	for o in "${BASH_REMATCH[@]:1:4}"; do [ "$o" -le 255 ] || return 1; done
	[ "${BASH_REMATCH[5]}" -le 32 ]
}
cidr4 "${cfg[HEALTH_CHECK_CIDR]}" || bad HEALTH_CHECK_CIDR "an IPv4 CIDR such as 10.0.0.0/16"
IFS=, read -ra ranges <<<"${cfg[MATCH_PORTS]}"
[ "${#ranges[@]}" -gt 0 ] || bad MATCH_PORTS "ports or ranges: 42844,5000-5010"
for r in "${ranges[@]}"; do
	if ! { port_ok "${r%-*}" && port_ok "${r#*-}" && [ "${r%-*}" -le "${r#*-}" ]; }; then
		bad MATCH_PORTS "ports or ranges: 42844,5000-5010"
	fi
done

# ---- instance metadata, IMDSv2 only
token=$(curl -fsS --retry 10 --retry-delay 1 --retry-connrefused -X PUT \
	-H 'X-aws-ec2-metadata-token-ttl-seconds: 3600' "$imds/latest/api/token") ||
	die "no IMDSv2 token from $imds"
md() { curl -fsS --retry 5 --retry-delay 1 -H "X-aws-ec2-metadata-token: $token" "$imds/latest/meta-data/$1"; }
# md_get VAR PATH PATTERN WHAT: VAR set to the metadata at PATH, which must
# match PATTERN whole, else the setup stops; fails as md does when there is
# none. In the main shell, so that a refusal stops the setup.
md_get() {
	local -n md_out=$1
	local md_v
	md_v=$(md "$2") || return 1
	[[ $md_v =~ $3 ]] || die "instance metadata $2 is $(printf '%q' "${md_v:0:80}"); expected $4: refused"
	# shellcheck disable=SC2034 # a nameref: the caller's variable
	md_out=$md_v
}
re_mac='^[0-9a-f]{2}(:[0-9a-f]{2}){5}$'
re_cidr4='^([0-9]{1,3}\.){3}[0-9]{1,3}/[0-9]{1,2}$'
re_ifname='^[A-Za-z0-9_.-]{1,15}$'
md_get region placement/region '^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$' "an AWS region" ||
	die "no region in the instance metadata"
md_get domain services/domain '^[a-z0-9-]+(\.[a-z0-9-]+)+$' "a domain" || domain=amazonaws.com
md_get instance_id instance-id '^i-[0-9a-f]{8,17}$' "an instance id" ||
	die "no instance-id in the instance metadata"

# ---- AWS API calls with the instance role: the AWS CLI if installed (Amazon
# Linux), else curl's SigV4 with the role's credentials from the metadata
aws_cli() { [ "${VXP_AWS_CLI:-}" != no ] && command -v aws >/dev/null; }
# field NAME VAR: VAR set to the credential NAME of $creds, which must be made
# of what credentials are made of (it goes into curl's configuration)
field() {
	local -n f_out=$2
	# shellcheck disable=SC2034 # a nameref: the caller's variable
	f_out=$(sed -n "s/.*\"$1\" *: *\"\([^\"]*\)\".*/\1/p" <<<"$creds")
	[[ $f_out =~ ^[A-Za-z0-9/+=]{1,4096}$ ]] || die "instance metadata: the role's $1 is not a credential: refused"
}
signed() { # signed SERVICE URL OUTPUT-FILE CURL-ARGS...
	local service=$1 url=$2 out=$3 role creds key_id="" secret="" session=""
	shift 3
	if [ "$dry" = 1 ]; then
		echo "+ curl --aws-sigv4 aws:amz:$region:$service -o $out $* $url"
		return 0
	fi
	md_get role iam/security-credentials/ '^[A-Za-z0-9+=,.@_-]{1,128}$' "an IAM role name" ||
		die "no instance role: the stack's instance profile grants what this needs"
	creds=$(md "iam/security-credentials/$role")
	field AccessKeyId key_id
	field SecretAccessKey secret
	field Token session
	log "+ curl --aws-sigv4 aws:amz:$region:$service -o $out $* $url"
	curl -fsS --retry 3 -K - -o "$out" "$@" "$url" <<EOF
aws-sigv4 = "aws:amz:$region:$service"
user = "$key_id:$secret"
header = "x-amz-security-token: $session"
EOF
}

# signal STATUS: to the ASG's CreationPolicy / rolling update, if there is one
signal() {
	[ -n "${cfg[CFN_STACK]:-}" ] && [ -n "${cfg[CFN_RESOURCE]:-}" ] || return 0
	local id=$instance_id
	[ -n "$id" ] || return 1
	if aws_cli; then
		run aws --region "$region" cloudformation signal-resource --stack-name "${cfg[CFN_STACK]}" \
			--logical-resource-id "${cfg[CFN_RESOURCE]}" --unique-id "$id" --status "$1"
	else
		signed cloudformation "https://cloudformation.$region.$domain/" /dev/null --data "Action=SignalResource&Version=2010-05-15&StackName=${cfg[CFN_STACK]}&LogicalResourceId=${cfg[CFN_RESOURCE]}&UniqueId=$id&Status=$1"
	fi
}

# ifname MAC: the local interface with that address, waiting for it to appear
ifname() {
	local i f
	for ((i = 0; i <= wait_s; i++)); do
		for f in "$sysfs"/class/net/*/address; do
			if [ -r "$f" ] && [ "$(tr 'A-F' 'a-f' <"$f")" = "${1,,}" ]; then
				basename "${f%/address}"
				return 0
			fi
		done
		if [ "$i" -lt "$wait_s" ]; then sleep 1; fi
	done
	return 1
}

declare -A name eni cidr
devs=()
macs=$(md network/interfaces/macs/) || die "no network interfaces in the instance metadata"
while read -r mac; do
	mac=${mac%/}
	[ -n "$mac" ] || continue
	[[ $mac =~ $re_mac ]] ||
		die "instance metadata network/interfaces/macs/ lists $(printf '%q' "${mac:0:80}"); expected MAC addresses: refused"
	m=network/interfaces/macs/$mac
	md_get dev "$m/device-number" '^[0-9]{1,2}$' "a device number" || die "no device-number for $mac"
	devs+=("$dev")
	name[$dev]=$(ifname "$mac") ||
		die "no interface in $sysfs/class/net has the MAC $mac of device-number $dev (waited ${wait_s}s)"
	[[ ${name[$dev]} =~ $re_ifname ]] || die "the interface with the MAC $mac has a name this setup does not write into a configuration: refused"
	md_get "eni[$dev]" "$m/interface-id" '^eni-[0-9a-f]{8,17}$' "an ENI id" || die "no interface-id for $mac"
	md_get "cidr[$dev]" "$m/subnet-ipv4-cidr-block" "$re_cidr4" "an IPv4 CIDR" || cidr[$dev]=
	if [ -n "${cidr[$dev]}" ] && ! cidr4 "${cidr[$dev]}"; then
		die "instance metadata $m/subnet-ipv4-cidr-block is ${cidr[$dev]}; expected an IPv4 CIDR: refused"
	fi
	log "device-number $dev: ${name[$dev]} (${eni[$dev]}, $mac, subnet ${cidr[$dev]:-none})"
done <<<"$macs"
[ -n "${name[0]:-}" ] || die "the metadata lists no ENI at device-number 0"
ingress=${name[0]}

# ---- the collector's route: pinned to device-number 1 (IPv4), so forwarded
# packets leave through the ENI whose source/dest check is off. A systemd
# drop-in puts it back whenever the daemon starts.
ip2int() {
	local a b c d
	IFS=. read -r a b c d <<<"$1"
	# digits only by now (cidr4, COLLECTOR_ADDRESS); 10#: "010" is not octal
	echo $(((10#$a << 24) | (10#$b << 16) | (10#$c << 8) | 10#$d))
}
int2ip() { echo "$(($1 >> 24 & 255)).$(($1 >> 16 & 255)).$(($1 >> 8 & 255)).$(($1 & 255))"; }
pinned=
if [ "$family" = 4 ] && [ -n "${name[1]:-}" ] && [[ ${cidr[1]} == */* ]]; then
	len=$((10#${cidr[1]#*/}))
	mask=$(((0xffffffff << (32 - len)) & 0xffffffff))
	net=$(($(ip2int "${cidr[1]%/*}") & mask))
	route=("$collector/32" dev "${name[1]}")
	if [ $(($(ip2int "$collector") & mask)) != "$net" ]; then
		route+=(via "$(int2ip $((net + 1)))") # the VPC router: the subnet's first address
	fi
	pinned=${name[1]}
	for ((i = 0; i < wait_s; i++)); do # its DHCP may still be at work
		if [ -n "$(ip -4 -o addr show dev "$pinned")" ]; then break; fi
		sleep 1
	done
	mkdir -p "$dropin"
	printf '%s\n' "# Written by vxlan-pipeline-setup: the collector's route, through the egress ENI." \
		"[Service]" "ExecStartPre=+$(command -v ip) route replace ${route[*]}" >"$dropin/50-collector-route.conf"
	run ip route replace "${route[@]}"
elif [ -z "${name[1]:-}" ]; then
	log "warning: no ENI at device-number 1; the collector's route decides the egress"
fi
route_to=$(ip route get "$collector") || die "no route to the collector $collector (ip route get $collector)"
[[ $route_to =~ \ dev\ ([^[:space:]]+) ]] || die "ip route get $collector names no device: $route_to"
egress=${BASH_REMATCH[1]}
[[ $egress =~ $re_ifname ]] || die "ip route get $collector names a device this setup does not write into a configuration: refused"
if [ "$dry" = 1 ] && [ -n "$pinned" ]; then
	log "dry run: the pinned route is not installed; egress is the route as it is now"
elif [ -n "$pinned" ] && [ "$egress" != "$pinned" ]; then
	log "warning: the routing sends $collector through $egress, not the pinned $pinned"
fi
egress_dev=
for dev in "${devs[@]}"; do
	if [ "${name[$dev]}" = "$egress" ]; then egress_dev=$dev; fi
done
[ -n "$egress_dev" ] || die "the route to $collector leaves through $egress, which is no ENI of this instance"
log "ingress $ingress (device-number 0), egress $egress (device-number $egress_dev), collector $collector"

# The daemon refuses an interface that carries a default route unless told;
# here the ingress always does (the primary ENI), and that is expected.
allow_default=false
defaults=$({ ip -4 route show default; ip -6 route show default; } 2>/dev/null) || true
for i in "$ingress" "$egress"; do
	if grep -qw -- "dev $i" <<<"$defaults"; then allow_default=true; fi
done

# ---- configuration: every *.conf in $conf is read; these two say it all
nat_to=$collector:${cfg[COLLECTOR_PORT]}
[ "$family" = 4 ] || nat_to="[$collector]:${cfg[COLLECTOR_PORT]}"
mkdir -p "$conf"
cat >"$conf/pipeline.conf" <<EOF
# Written by vxlan-pipeline-setup from the instance metadata and the stack's
# parameters (deploy/README.md); conf/pipeline.conf explains every setting.
# ingress: device-number 0 (${eni[0]}), where the NLB delivers the VXLAN.
ingress = "$ingress";
# egress: the route to the collector $collector (${eni[$egress_dev]}).
egress = "$egress";
xdp_mode = "auto";
vxlan_port = 4789;
vni = "any";
unmatched = "${cfg[UNMATCHED]}";
target_pps = ${cfg[TARGET_PPS]};
# the NLB's health check asks for /healthz from its own subnets
metrics_listen = "0.0.0.0:9464";
# the primary ENI carries the default route; management keeps working since
# the program passes every frame that is not mirrored VXLAN untouched
allow_default_route = $allow_default;
# ENA: MTU 3498 and half the combined channels, applied at every start
ena_fix = true;
EOF
{
	echo "# Written by vxlan-pipeline-setup: ${cfg[MATCH_PROTOCOL]} ${cfg[MATCH_ON]} ${cfg[MATCH_PORTS]} -> $nat_to"
	echo "nat = ("
	sep=
	for r in "${ranges[@]}"; do
		if [ "${r%-*}" = "${r#*-}" ]; then p=${r%-*}; else p="\"$r\""; fi
		printf '%s\t{ proto = "%s"; %s = %s; to = "%s"; }' "$sep" "${cfg[MATCH_PROTOCOL]}" \
			"${cfg[MATCH_ON]}" "$p" "$nat_to"
		sep=$',\n'
	done
	printf '\n);\n'
} >"$conf/nat.conf"
log "wrote $conf/pipeline.conf and $conf/nat.conf"
# The unit lets the daemon talk to loopback alone (IPAddressAllow=): the NLB's
# health checks come from HEALTH_CHECK_CIDR (the stack's LoadBalancerCidr).
mkdir -p "$dropin"
printf '%s\n' "# Written by vxlan-pipeline-setup: the NLB's health checks reach /healthz." \
	"[Service]" "IPAddressAllow=${cfg[HEALTH_CHECK_CIDR]}" >"$dropin/60-health-check.conf"

# The egress ENI sends packets with the mirrored hosts' addresses as source.
eni_out=${eni[$egress_dev]}
if aws_cli; then
	run aws --region "$region" ec2 modify-network-interface-attribute \
		--network-interface-id "$eni_out" --no-source-dest-check
else
	signed ec2 "https://ec2.$region.$domain/" /dev/null --data "Action=ModifyNetworkInterfaceAttribute&Version=2016-11-15&NetworkInterfaceId=$eni_out&SourceDestCheck.Value=false"
fi

# ---- the package, after the configuration: a package that starts its
# service on install then starts it with the files above (kept: confold)
pm=${VXP_PKG_MANAGER:-}
if [ -z "$pm" ]; then
	for pm in apt-get dnf yum none; do
		if command -v "$pm" >/dev/null; then break; fi
	done
fi
case $pm in
apt | apt-get) pm=apt ext=deb ;;
dnf | yum) ext=rpm ;;
*) die "no apt-get, dnf or yum here" ;;
esac
url=${cfg[PACKAGE_URL]}
[[ $url == *.$ext ]] || die "PACKAGE_URL $url is not a .$ext, which $pm installs"
pkg=$(mktemp -d -t vxlan-pipeline.XXXXXX)/vxlan-pipeline.$ext
case $url in
s3://*)
	bucket=${url#s3://}
	if aws_cli; then
		run aws --region "$region" s3 cp --only-show-errors "$url" "$pkg"
	else
		signed s3 "https://${bucket%%/*}.s3.$region.$domain/${bucket#*/}" "$pkg" \
			-H "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	fi
	;;
*) run curl -fsSL --proto =https --retry 5 -o "$pkg" "$url" ;;
esac
# PACKAGE_SHA256: what was downloaded is what was meant, before root installs it
if [ -n "${cfg[PACKAGE_SHA256]:-}" ]; then
	if [ "$dry" = 1 ] && [ -n "${VXP_DRY_PACKAGE:-}" ]; then pkg=$VXP_DRY_PACKAGE; fi
	if [ "$dry" = 1 ] && [ -z "${VXP_DRY_PACKAGE:-}" ]; then
		echo "+ sha256sum $pkg (expecting ${cfg[PACKAGE_SHA256]})"
	else
		got=$(sha256sum <"$pkg" | cut -d' ' -f1) || die "cannot read the downloaded package $pkg"
		[ "$got" = "${cfg[PACKAGE_SHA256]}" ] ||
			die "the package from $url has sha256 $got, not PACKAGE_SHA256 ${cfg[PACKAGE_SHA256]}: not installed"
		log "the package's sha256 is PACKAGE_SHA256's: $got"
	fi
else
	log "warning: no PACKAGE_SHA256: the package from $url is installed unchecked"
fi
if [ "$pm" = apt ]; then
	run apt-get update -q
	run env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		-o Dpkg::Options::=--force-confold -o Dpkg::Options::=--force-confdef "$pkg"
else
	run "$pm" install -y "$pkg"
fi

# ---- the CloudWatch agent: scrapes /metrics into the stack's log group in
# the embedded metric format (the VxlanPipeline namespace the alarms watch);
# its configuration comes with the package (monitoring/cloudwatch-*)
if [ "${cfg[CLOUDWATCH]:-false}" = true ]; then
	share=${VXP_SHARE:-/usr/share/vxlan-pipeline}/monitoring
	cwa=/opt/aws/amazon-cloudwatch-agent
	stack=${cfg[CFN_STACK]:-standalone}
	if [ "$pm" = apt ]; then
		os=$(sed -n 's/^ID="\{0,1\}\([a-z]*\).*/\1/p' /etc/os-release 2>/dev/null) || true
		agent=$(mktemp -d -t cwagent.XXXXXX)/amazon-cloudwatch-agent.deb
		run curl -fsSL --proto =https --retry 5 -o "$agent" \
			"https://amazoncloudwatch-agent-$region.s3.$region.$domain/${os:-debian}/$(dpkg --print-architecture)/latest/amazon-cloudwatch-agent.deb"
		run env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$agent"
	else
		run "$pm" install -y amazon-cloudwatch-agent
	fi
	mkdir -p "${VXP_ROOT:-}$cwa/etc"
	fill() { sed -e "s|@STACK_NAME@|$stack|g" -e "s|@INSTANCE_ID@|$instance_id|g" \
		-e "s|@LOG_GROUP@|/vxlan-pipeline/$stack|g" "$1"; }
	fill "$share/cloudwatch-prometheus.yaml" >"${VXP_ROOT:-}$cwa/etc/vxlan-pipeline-prometheus.yaml"
	fill "$share/cloudwatch-agent.json" >"${VXP_ROOT:-}$cwa/etc/vxlan-pipeline.json"
	run "$cwa/bin/amazon-cloudwatch-agent-ctl" -a fetch-config -m ec2 -s \
		-c "file:${VXP_ROOT:-}$cwa/etc/vxlan-pipeline.json"
	log "CloudWatch agent: /metrics into log group /vxlan-pipeline/$stack, namespace VxlanPipeline"
fi

# ---- check, start, and wait until healthy
run vxlan-pipelined --check-config --config-dir "$conf"
run sysctl --system
run systemctl daemon-reload
run systemctl enable --now vxlan-pipeline
for _ in $(seq 30); do
	if run vxlan-pipeline status; then
		log "vxlan-pipeline is running and healthy$done_note"
		signal SUCCESS || log "warning: no signal to CloudFormation (expected outside a stack create or update)"
		exit 0
	fi
	sleep 2
done
systemctl --no-pager status vxlan-pipeline || true
die "vxlan-pipeline is not healthy after a minute: journalctl -u vxlan-pipeline"

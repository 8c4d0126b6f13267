#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The deployment files in deploy/, without privileges and without AWS:
#  - the CloudFormation template: parses with the short-form tags, every
#    reference resolves (deploy/cfn_check.py lint), it is what this deployment
#    needs (contract), and the checker does catch each kind of mistake;
#  - the user data: the template's is deploy/cloud-init.yaml byte for byte,
#    cloud-init's schema accepts it, it carries deploy/vxlan-pipeline-setup.sh
#    byte for byte, shellcheck accepts that, and it fits EC2's 16 KB;
#  - the setup script, run dry against a fake IMDSv2 (deploy/fake_imds.py on
#    127.0.0.1) and a fake /sys/class/net: interfaces found by role, the NAT
#    rules, the commands it would run, nothing run; and vxlan-pipelined
#    --check-config accepts what it wrote.
# A missing tool is a failure that names the package to install.
# shellcheck disable=SC2016 # single-quoted dollar-braces here are CloudFormation's
set -u
SRC=${VXP_TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
if [ -n "${VXP_BUILD_DIR:-}" ]; then
	BUILD=$VXP_BUILD_DIR
elif [ -x src/vxlan-pipelined ]; then
	BUILD=$(pwd)
else
	BUILD=$SRC/build
fi
D=$SRC/deploy
# what --check-config reads must be writable by nobody else (StrictModes)
umask 022
PY=${PYTHON:-python3}
TMP=$(mktemp -d /tmp/vxp-deploy.XXXXXX)
imds_pids= # every fake IMDS started, killed at exit
cleanup() {
	# shellcheck disable=SC2086 # a list of PIDs
	if [ -n "$imds_pids" ]; then kill $imds_pids 2>/dev/null; fi
	rm -rf "$TMP"
}
trap cleanup EXIT
n=0
failed=0

ok() { # ok STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}
skip() {
	n=$((n + 1))
	echo "ok $n # SKIP $1"
}
diag() { sed 's/^/# /' "$@"; }

# ---- tools: a missing one fails, naming its package
declare -A have
tool() { # tool NAME CHECK-COMMAND DEBIAN-PACKAGE FEDORA-PACKAGE
	if eval "$2" >/dev/null 2>&1; then
		have[$1]=1
		ok 0 "tool: $1"
	else
		have[$1]=0
		ok 1 "tool: $1 is missing: apt-get install $3 (Fedora: dnf install $4)"
	fi
}
tool python3-yaml "$PY -c 'import yaml'" python3-yaml python3-pyyaml
tool shellcheck "command -v shellcheck" shellcheck ShellCheck
tool cloud-init "cloud-init schema --help" cloud-init cloud-init
tool curl "command -v curl" curl curl
needs() { # needs TOOL...: true if all are there, else a skip line
	local t
	for t in "$@"; do
		if [ "${have[$t]}" != 1 ]; then
			skip "needs $t"
			return 1
		fi
	done
}
cfn() { "$PY" "$D/cfn_check.py" "$@"; }
T=$D/vxlan-pipeline.cfn.yaml

# ---- the template
if needs python3-yaml; then
	cfn lint "$T" 2>"$TMP/err"
	ok $? "template: every Ref, GetAtt, Sub variable, condition and resource resolves"
	diag "$TMP/err"
fi
if needs python3-yaml; then
	cfn contract "$T" 2>"$TMP/err"
	ok $? "template: NLB UDP 4789, health check HTTP 9464 /healthz, two ENIs, IMDSv2, mirror target on the NLB, least privilege"
	diag "$TMP/err"
fi

# mutate NAME SED-EXPRESSION EXPECTED-MESSAGE [CHECK]: the checker must refuse
# the template with that one change, and say why
mutate() {
	local name=$1 expr=$2 want=$3 check=${4:-lint} copy=$TMP/mutant.yaml
	sed -e "$expr" "$T" >"$copy"
	if cmp -s "$T" "$copy"; then
		ok 1 "checker catches $name: the edit '$expr' changed nothing"
		return
	fi
	if cfn "$check" "$copy" 2>"$TMP/err"; then
		ok 1 "checker catches $name: $check accepted it"
		return
	fi
	grep -q -- "$want" "$TMP/err"
	ok $? "checker catches $name ($check: $want)"
	diag "$TMP/err"
}
if needs python3-yaml; then
	mutate "a Ref to nothing" 's/\[!Ref IngressSecurityGroup\]/[!Ref IngresSecurityGroup]/' \
		"refers to 'IngresSecurityGroup'"
	mutate "a Sub variable that is nothing" 's/\${AWS::StackName}-ingress/${StackNam}-ingress/' \
		"refers to 'StackNam'"
	mutate "a user data placeholder that is no parameter" 's/=\${CollectorPort}$/=${CollectorPrt}/' \
		"refers to 'CollectorPrt'"
	mutate "an undefined condition" 's/!If \[HasKeyName,/!If [HasKeyNam,/' \
		"condition 'HasKeyNam', which is not defined"
	mutate "an attribute the type does not have" 's/LoadBalancer\.DNSName/LoadBalancer.DnsName/' \
		"GetAtt LoadBalancer.DnsName"
	mutate "an unknown resource type" 's/AWS::EC2::TrafficMirrorTarget$/AWS::EC2::TrafficMirrorTargt/' \
		"unknown resource type AWS::EC2::TrafficMirrorTargt"
	mutate "a security group nothing uses" 's/\[!Ref EgressSecurityGroup\]/[!Ref IngressSecurityGroup]/' \
		"EgressSecurityGroup: a AWS::EC2::SecurityGroup nothing refers to"
	mutate "an unused parameter" 's/Value: !Ref CrossZone}/Value: "true"}/' \
		"Parameters.CrossZone: is never used"
	mutate "a DependsOn on nothing" 's/DependsOn: Listener/DependsOn: Listenr/' "'Listenr' is no resource"
	mutate "a duplicate key" 's/^      HealthCheckPort: "9464"$/&\n      HealthCheckPort: "9465"/' \
		"duplicate key 'HealthCheckPort'"
	mutate "an unknown tag" 's/!Ref VpcId/!Reff VpcId/' "could not determine a constructor"
	mutate "the wrong health check path" 's#HealthCheckPath: /healthz#HealthCheckPath: /health#' \
		"HealthCheckPath is /healthz" contract
	mutate "a group outside the target group" 's/TargetGroupARNs: \[!Ref TargetGroup\]/TargetGroupARNs: []/' \
		"registers in the target group" contract
	mutate "a wildcard action" 's/Action: ec2:ModifyNetworkInterfaceAttribute/Action: "ec2:*"/' \
		"no wildcard actions" contract
	mutate "IMDSv1" 's/HttpTokens: required/HttpTokens: optional/' "IMDSv2 is required" contract
	mutate "VXLAN from everywhere" 's#CidrIp: !Ref MirrorSourceCidr#CidrIp: 0.0.0.0/0#' \
		"admits nothing from everywhere" contract
	mutate "a reload alarm on a misspelt metric" \
		's/MetricName: vxlan_pipeline_reload_failures_total/MetricName: vxlan_pipeline_reload_failure_total/' \
		"an alarm on reload failures" contract
	mutate "the agent's log group under another name" \
		's#LogGroupName: !Sub /vxlan-pipeline/${AWS::StackName}#LogGroupName: !Sub /vxlan/${AWS::StackName}#' \
		"a log group /vxlan-pipeline/" contract
	mutate "EnableCloudWatch not passed to the setup" '/^ *CLOUDWATCH=\${EnableCloudWatch}$/d' \
		"passes EnableCloudWatch" contract
fi

# ---- the user data and the script in it
CI=$D/cloud-init.yaml
if needs python3-yaml; then
	cfn userdata "$T" >"$TMP/userdata.yaml"
	cmp "$TMP/userdata.yaml" "$CI" >"$TMP/err" 2>&1
	ok $? "the template's user data is deploy/cloud-init.yaml, byte for byte"
	diag "$TMP/err"
	cfn script "$CI" >"$TMP/shipped-setup.sh"
	cmp "$TMP/shipped-setup.sh" "$D/vxlan-pipeline-setup.sh" >"$TMP/err" 2>&1
	ok $? "the user data carries deploy/vxlan-pipeline-setup.sh, byte for byte (else: cfn_check.py embed)"
	diag "$TMP/err"
	sum=$(sha256sum <"$D/vxlan-pipeline-setup.sh" | cut -d' ' -f1)
	grep -q "# deploy/vxlan-pipeline-setup.sh, sha256 $sum\$" "$CI"
	ok $? "cloud-init.yaml names the script's sha256"
	cfn render "$T" PackageUrl=https://packages.example.com/vxlan-pipeline-1.0-1.x86_64.rpm \
		CollectorAddress=10.2.41.17 >"$TMP/rendered.yaml"
	size=$(wc -c <"$TMP/rendered.yaml")
	[ "$size" -lt 16384 ]
	ok $? "the rendered user data is $size bytes, below EC2's 16384"
	grep -n '\${' "$TMP/rendered.yaml" >"$TMP/err"
	[ ! -s "$TMP/err" ]
	ok $? "every placeholder is filled once Fn::Sub ran"
	diag "$TMP/err"
fi
if needs shellcheck python3-yaml; then
	shellcheck -s bash "$TMP/shipped-setup.sh" >"$TMP/err" 2>&1
	ok $? "shellcheck: the setup script as it ships"
	diag "$TMP/err"
fi
if needs shellcheck; then
	shellcheck -x "$0" >"$TMP/err" 2>&1
	ok $? "shellcheck: this test"
	diag "$TMP/err"
fi
if needs cloud-init; then
	cloud-init schema --config-file "$CI" >"$TMP/err" 2>&1
	ok $? "cloud-init schema: deploy/cloud-init.yaml"
	diag "$TMP/err"
fi
if needs cloud-init python3-yaml; then
	cloud-init schema --config-file "$TMP/rendered.yaml" >"$TMP/err" 2>&1
	ok $? "cloud-init schema: the user data as EC2 gets it"
	diag "$TMP/err"
	# cloud-init's own write_files decoder, in cloud-init's own Python
	ci_py=$(sed -n '1s/^#! *//p' "$(command -v cloud-init)")
	${ci_py:-python3} - "$TMP/rendered.yaml" "$D/vxlan-pipeline-setup.sh" >"$TMP/err" 2>&1 <<'EOF'
import sys, yaml
from cloudinit.config import cc_write_files as w
doc = yaml.safe_load(open(sys.argv[1]))
f = [f for f in doc["write_files"] if f["path"] == "/usr/local/sbin/vxlan-pipeline-setup"][0]
data = w.extract_contents(f["content"], w.canonicalize_extraction(f.get("encoding")))
sys.exit(0 if data == open(sys.argv[2], "rb").read() and w.decode_perms(f["permissions"], 0) == 0o755
         else "cloud-init would write something else, or not mode 0755")
EOF
	ok $? "cloud-init's own decoder writes deploy/vxlan-pipeline-setup.sh, mode 0755"
	diag "$TMP/err"
	printf '#cloud-config\nwrite_files: {path: /x}\nruncmd: 7\n' >"$TMP/bad.yaml"
	! cloud-init schema --config-file "$TMP/bad.yaml" >/dev/null 2>&1
	ok $? "cloud-init schema refuses a broken cloud-config (the check can fail)"
fi

# ---- the setup script against a fake metadata service and a fake sysfs
if ! needs python3-yaml curl; then
	echo "1..$n"
	exit 1
fi
# Interface names must exist here for --check-config: two of this host's,
# device 0 the one that sorts last, so name order proves nothing.
mapfile -t real < <(for f in /sys/class/net/*/address; do basename "${f%/address}"; done | sort)
if [ "${#real[@]}" -ge 2 ]; then
	if1=${real[0]} if0=${real[1]} renamed=0
else
	if0=vxp-ingress if1=vxp-egress renamed=1
fi
mac0=0a:1b:2c:3d:4e:01 mac1=0a:1b:2c:3d:4e:02
mkdir -p "$TMP/sys/class/net/$if0" "$TMP/sys/class/net/$if1" "$TMP/sys/class/net/decoy9" "$TMP/bin"
echo "$mac0" >"$TMP/sys/class/net/$if0/address"
echo "${mac1^^}" >"$TMP/sys/class/net/$if1/address" # sysfs is lower case; be lenient anyway
echo 0a:1b:2c:3d:4e:09 >"$TMP/sys/class/net/decoy9/address"
md=network/interfaces/macs
cat >"$TMP/imds.json" <<EOF
{"$md/": "$mac1/\n$mac0/",
 "$md/$mac0/device-number": "0", "$md/$mac0/interface-id": "eni-00000000000000aaa",
 "$md/$mac0/subnet-ipv4-cidr-block": "10.0.1.0/24",
 "$md/$mac1/device-number": "1", "$md/$mac1/interface-id": "eni-00000000000000bbb",
 "$md/$mac1/subnet-ipv4-cidr-block": "10.0.1.0/24",
 "placement/region": "eu-west-1", "services/domain": "amazonaws.com",
 "instance-id": "i-0123456789abcdef0"}
EOF
# Fakes: ip answers the queries the script makes; every command that would
# change the system is a fake that records that it ran, and fails.
cat >"$TMP/bin/ip" <<'EOF'
#!/bin/bash
echo "ip $*" >>"$FAKE_LOG"
case "$*" in
"route get "*) printf '%s via 10.0.1.1 dev %s src 10.0.1.20 uid 0\n    cache\n' "$3" "$FAKE_ROUTE_DEV" ;;
"-4 route show default") echo "default via 10.0.1.1 dev $FAKE_DEFAULT_DEV proto dhcp metric 512" ;;
"-6 route show default") ;;
"-4 -o addr show dev "*) echo "3: $6    inet 10.0.1.20/24 brd 10.0.1.255 scope global $6" ;;
*) echo "EXECUTED ip $*" >>"$FAKE_LOG"; exit 1 ;;
esac
EOF
for c in ethtool systemctl apt-get dnf yum sysctl vxlan-pipelined vxlan-pipeline aws; do
	printf '#!/bin/sh\necho "EXECUTED %s $*" >>"$FAKE_LOG"\nexit 1\n' "$c" >"$TMP/bin/$c"
done
chmod +x "$TMP/bin"/*
# imds_start NAME DATA: a fake IMDS serving DATA, its port in $TMP/port-NAME
# once it listens (30 s at most), its log in $TMP/imds-NAME.log; IMDS_PID.
# Bounded, and killed by the caller (or at exit): its lifetime is long
# enough for the slowest machine to get through every case.
imds_start() {
	rm -f "$TMP/port-$1"
	timeout 960 "$PY" "$D/fake_imds.py" --data "$2" --port-file "$TMP/port-$1" \
		--log "$TMP/imds-$1.log" --lifetime 900 &
	IMDS_PID=$!
	imds_pids+=" $IMDS_PID"
	for _ in $(seq 300); do
		if [ -s "$TMP/port-$1" ]; then break; fi
		sleep 0.1
	done
}
imds_start all "$TMP/imds.json"
[ -s "$TMP/port-all" ]
ok $? "fake IMDS listens on 127.0.0.1:$(cat "$TMP/port-all" 2>/dev/null)"
IMDS=http://127.0.0.1:$(cat "$TMP/port-all" 2>/dev/null)
! curl -fsS "$IMDS/latest/meta-data/placement/region" >/dev/null 2>&1
ok $? "fake IMDS refuses a GET without an IMDSv2 token"

# setup NAME [VAR=VALUE...] -- [KEY=VALUE...]: a dry run with deploy.env made of
# the defaults and the KEY=VALUEs, the environment made of the VAR=VALUEs;
# output in $TMP/NAME/{out,err}, files under $TMP/NAME/root
setup() {
	local name=$1 dir=$TMP/$1 envs=() key
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		envs+=("$1")
		shift
	done
	shift
	mkdir -p "$dir/root/etc/vxlan-pipeline" "$dir/tmp"
	declare -A kv=([PACKAGE_URL]=https://packages.example.com/vxlan-pipeline_1.0-1_amd64.deb
		[COLLECTOR_ADDRESS]=10.2.41.17 [COLLECTOR_PORT]=8081 [MATCH_PROTOCOL]=udp [MATCH_ON]=src_port
		[MATCH_PORTS]="42844,5000-5010" [TARGET_PPS]=123456 [UNMATCHED]=drop [CFN_STACK]=vxp-test
		[CFN_RESOURCE]=AutoScalingGroup [HEALTH_CHECK_CIDR]=10.0.0.0/16)
	for key in "$@"; do kv[${key%%=*}]=${key#*=}; done
	for key in "${!kv[@]}"; do echo "$key=${kv[$key]}"; done >"$dir/root/etc/vxlan-pipeline/deploy.env"
	: >"$dir/fake.log"
	env PATH="$TMP/bin:$PATH" FAKE_LOG="$dir/fake.log" FAKE_ROUTE_DEV="$if1" FAKE_DEFAULT_DEV="$if0" \
		VXP_IMDS="$IMDS" VXP_SYSFS="$TMP/sys" VXP_ROOT="$dir/root" VXP_DRY_RUN=1 VXP_WAIT=1 \
		VXP_PKG_MANAGER=apt VXP_AWS_CLI=no TMPDIR="$dir/tmp" "${envs[@]}" \
		timeout 60 bash "$TMP/shipped-setup.sh" >"$dir/out" 2>"$dir/err"
}
has() { grep -qxF -- "$2" "$TMP/$1/$3"; } # has RUN LINE FILE: that exact line
conf_has() { grep -qxF -- "$2" "$TMP/$1/root/etc/vxlan-pipeline/$3"; }
check_config() { # check_config RUN
	local dir=$TMP/$1/root/etc/vxlan-pipeline
	if [ "$renamed" = 1 ]; then # no two interfaces here: lo stands in for both
		mkdir -p "$TMP/$1/lo" && sed -e "s/\"$if0\"/\"lo\"/; s/\"$if1\"/\"lo\"/" "$dir/pipeline.conf" \
			>"$TMP/$1/lo/pipeline.conf" && cp "$dir/nat.conf" "$TMP/$1/lo/" && dir=$TMP/$1/lo
	fi
	"$BUILD/src/vxlan-pipelined" --check-config --config-dir "$dir" >"$TMP/err" 2>&1
	ok $? "$1: vxlan-pipelined --check-config accepts what it wrote$([ "$renamed" = 1 ] && echo ' (interfaces renamed lo)')"
	diag "$TMP/err"
}
if [ ! -x "$BUILD/src/vxlan-pipelined" ]; then
	ok 1 "vxlan-pipelined is built in $BUILD/src (make first, or set VXP_BUILD_DIR)"
fi

# 1. IPv4 collector outside the subnet, apt, https, curl's SigV4
imds_seen=$(wc -l <"$TMP/imds-all.log")
setup v4 --
ok $? "v4: the dry run succeeds"
diag "$TMP/v4/err"
conf_has v4 "ingress = \"$if0\";" pipeline.conf
ok $? "v4: ingress is $if0, the interface with device-number 0's MAC"
conf_has v4 "egress = \"$if1\";" pipeline.conf
ok $? "v4: egress is $if1, where the route to the collector goes (device-number 1)"
conf_has v4 'metrics_listen = "0.0.0.0:9464";' pipeline.conf &&
	conf_has v4 'target_pps = 123456;' pipeline.conf && conf_has v4 'ena_fix = true;' pipeline.conf &&
	conf_has v4 'unmatched = "drop";' pipeline.conf && conf_has v4 'allow_default_route = true;' pipeline.conf
ok $? "v4: metrics on 0.0.0.0:9464, target_pps, ena_fix, unmatched, allow_default_route"
[ "$(grep -c '{ proto' "$TMP/v4/root/etc/vxlan-pipeline/nat.conf")" = 2 ] &&
	conf_has v4 $'\t{ proto = "udp"; src_port = 42844; to = "10.2.41.17:8081"; },' nat.conf &&
	conf_has v4 $'\t{ proto = "udp"; src_port = "5000-5010"; to = "10.2.41.17:8081"; }' nat.conf
ok $? "v4: nat.conf holds the two rules to 10.2.41.17:8081"
has v4 "+ ip route replace 10.2.41.17/32 dev $if1 via 10.0.1.1" out &&
	grep -qx "ExecStartPre=+$TMP/bin/ip route replace 10.2.41.17/32 dev $if1 via 10.0.1.1" \
		"$TMP/v4/root/etc/systemd/system/vxlan-pipeline.service.d/50-collector-route.conf"
ok $? "v4: the collector's route is pinned to $if1 through the VPC router, now and at every start"
grep -qx "IPAddressAllow=10.0.0.0/16" "$TMP/v4/root/etc/systemd/system/vxlan-pipeline.service.d/60-health-check.conf"
ok $? "v4: a drop-in lets the NLB's health checks (HEALTH_CHECK_CIDR) through the unit's IPAddressAllow"
grep -q '^+ curl --aws-sigv4 aws:amz:eu-west-1:ec2 .*Action=ModifyNetworkInterfaceAttribute.*NetworkInterfaceId=eni-00000000000000bbb&SourceDestCheck.Value=false https://ec2.eu-west-1.amazonaws.com/$' "$TMP/v4/out" &&
	! grep -q eni-00000000000000aaa "$TMP/v4/out"
ok $? "v4: source/dest check off on the egress ENI only (signed EC2 call)"
grep -q '^+ curl -fsSL --proto =https --retry 5 -o .*/vxlan-pipeline.deb https://packages.example.com/vxlan-pipeline_1.0-1_amd64.deb$' "$TMP/v4/out" &&
	grep -q '^+ env DEBIAN_FRONTEND=noninteractive apt-get install -y -q .*--force-confold.*/vxlan-pipeline.deb$' "$TMP/v4/out"
ok $? "v4: downloads the .deb and installs it with apt-get, keeping the configuration"
has v4 "+ vxlan-pipelined --check-config --config-dir $TMP/v4/root/etc/vxlan-pipeline" out &&
	has v4 "+ systemctl enable --now vxlan-pipeline" out && has v4 "+ vxlan-pipeline status" out
ok $? "v4: checks the configuration, enables and starts the service, asks its status"
grep -q 'Action=SignalResource.*StackName=vxp-test&LogicalResourceId=AutoScalingGroup&UniqueId=i-0123456789abcdef0&Status=SUCCESS' "$TMP/v4/out"
ok $? "v4: signals SUCCESS to the stack's AutoScalingGroup"
! grep -q EXECUTED "$TMP/v4/fake.log" && ! grep -qE '^\+ (ethtool|ip link)' "$TMP/v4/out"
ok $? "v4: a dry run runs nothing (and leaves ENA to ena_fix)"
diag "$TMP/v4/fake.log"
tail -n +$((imds_seen + 1)) "$TMP/imds-all.log" >"$TMP/v4/imds.log"
head -n 1 "$TMP/v4/imds.log" | grep -qx 'PUT /latest/api/token ttl=[0-9]*' &&
	! grep -q '^GET .* token=\(missing\|bad\)' "$TMP/v4/imds.log" && grep -q '^GET .*device-number token=ok' "$TMP/v4/imds.log"
ok $? "v4: IMDSv2: a token first, and every GET carries it"
check_config v4

# 2. IPv6 collector routed through device 0, dnf, s3, the AWS CLI
setup v6 FAKE_ROUTE_DEV="$if0" VXP_PKG_MANAGER=dnf VXP_AWS_CLI= -- COLLECTOR_ADDRESS=fd00:2::17 \
	COLLECTOR_PORT=443 MATCH_PROTOCOL=tcp MATCH_ON=dst_port MATCH_PORTS=8443 \
	PACKAGE_URL=s3://vxp-bucket/pkgs/vxlan-pipeline-1.0-1.x86_64.rpm UNMATCHED=forward
ok $? "v6: the dry run succeeds"
diag "$TMP/v6/err"
conf_has v6 "ingress = \"$if0\";" pipeline.conf && conf_has v6 "egress = \"$if0\";" pipeline.conf &&
	conf_has v6 $'\t{ proto = "tcp"; dst_port = 8443; to = "[fd00:2::17]:443"; }' nat.conf &&
	conf_has v6 'unmatched = "forward";' pipeline.conf
ok $? "v6: egress follows ip route get ($if0); the rule goes to [fd00:2::17]:443"
! grep -q '^+ ip route' "$TMP/v6/out" && [ ! -e "$TMP/v6/root/etc/systemd/system/vxlan-pipeline.service.d/50-collector-route.conf" ]
ok $? "v6: no route pinned for an IPv6 collector"
has v6 "+ aws --region eu-west-1 ec2 modify-network-interface-attribute --network-interface-id eni-00000000000000aaa --no-source-dest-check" out &&
	grep -q '^+ aws --region eu-west-1 s3 cp --only-show-errors s3://vxp-bucket/pkgs/vxlan-pipeline-1.0-1.x86_64.rpm .*/vxlan-pipeline.rpm$' "$TMP/v6/out" &&
	grep -q '^+ dnf install -y .*/vxlan-pipeline.rpm$' "$TMP/v6/out"
ok $? "v6: the AWS CLI when there is one: source/dest check, the package from S3; dnf installs it"
! grep -q EXECUTED "$TMP/v6/fake.log"
ok $? "v6: a dry run runs nothing"
check_config v6

# 3. the CloudWatch agent (EnableCloudWatch=true): installed, and given the
# package's configuration with this stack and instance filled in
cwa=$TMP/cw/root/opt/aws/amazon-cloudwatch-agent/etc
setup cw VXP_SHARE="$SRC" -- CLOUDWATCH=true
ok $? "cw: the dry run succeeds"
diag "$TMP/cw/err"
grep -q '^+ curl -fsSL --proto =https --retry 5 -o .*/amazon-cloudwatch-agent.deb https://amazoncloudwatch-agent-eu-west-1.s3.eu-west-1.amazonaws.com/[a-z]*/[a-z0-9]*/latest/amazon-cloudwatch-agent.deb$' "$TMP/cw/out" &&
	grep -q '^+ env DEBIAN_FRONTEND=noninteractive apt-get install -y -q .*/amazon-cloudwatch-agent.deb$' "$TMP/cw/out" &&
	has cw "+ /opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:$cwa/vxlan-pipeline.json" out
ok $? "cw: downloads the agent from the region, installs it, loads the configuration"
"$PY" - "$cwa" >"$TMP/err" 2>&1 <<'PYEOF'
import json, re, sys, yaml
d = sys.argv[1]
agent = json.load(open(f"{d}/vxlan-pipeline.json"))
prom = agent["logs"]["metrics_collected"]["prometheus"]
scrape = yaml.safe_load(open(f"{d}/vxlan-pipeline-prometheus.yaml"))
labels = scrape["scrape_configs"][0]["static_configs"][0]["labels"]
assert prom["log_group_name"] == "/vxlan-pipeline/vxp-test", prom["log_group_name"]
assert prom["prometheus_config_path"] == "/opt/aws/amazon-cloudwatch-agent/etc/vxlan-pipeline-prometheus.yaml"
assert prom["emf_processor"]["metric_namespace"] == "VxlanPipeline"
assert labels == {"StackName": "vxp-test", "Ec2InstanceId": "i-0123456789abcdef0"}, labels
assert scrape["scrape_configs"][0]["static_configs"][0]["targets"] == ["127.0.0.1:9464"]
for f in ("vxlan-pipeline.json", "vxlan-pipeline-prometheus.yaml"):
    assert not re.search("@[A-Z_]+@", open(f"{d}/{f}").read()), f"a placeholder left in {f}"
PYEOF
ok $? "cw: the agent scrapes 127.0.0.1:9464 into /vxlan-pipeline/vxp-test, labelled with stack and instance"
diag "$TMP/err"
if command -v promtool >/dev/null; then
	promtool check config "$cwa/vxlan-pipeline-prometheus.yaml" >"$TMP/err" 2>&1
	ok $? "cw: promtool check config accepts the agent's scrape configuration"
	diag "$TMP/err"
else
	ok 1 "cw: promtool is missing: apt-get install prometheus (Fedora: golang-github-prometheus)"
fi
! grep -q amazon-cloudwatch "$TMP/v4/out"
ok $? "v4: without CLOUDWATCH no agent"

# 4. a collector in the egress ENI's own subnet: on link, no router
setup onlink -- COLLECTOR_ADDRESS=10.0.1.77
has onlink "+ ip route replace 10.0.1.77/32 dev $if1" out
ok $? "onlink: a collector in the subnet is reached on link"

# 5. what must fail, and say why
fails() { # fails NAME MESSAGE: the last setup failed, and said so
	local st=$1
	shift
	[ "$st" != 0 ] && grep -qF -- "$2" "$TMP/$1/err"
	ok $? "$1: refused: $2"
	[ "$st" != 0 ] || diag "$TMP/$1/out"
}
installs() { grep -q '^+ env DEBIAN_FRONTEND=noninteractive apt-get install -y -q .*\.deb$' "$TMP/$1/out"; }

# 5a. the package: http:// refused; PACKAGE_SHA256 checked before install
# (a dry run takes VXP_DRY_PACKAGE as what the download brought)
setup http -- PACKAGE_URL=http://packages.example.com/vxlan-pipeline_1.0-1_amd64.deb
fails $? http "PACKAGE_URL is 'http://packages.example.com/vxlan-pipeline_1.0-1_amd64.deb'; expected an https:// or s3:// URL"
! grep -q 'curl' "$TMP/http/out"
ok $? "http: nothing downloaded"
echo "not the package that was meant" >"$TMP/evil.deb"
good_sum=$(printf 'the package that was meant\n' | sha256sum | cut -d' ' -f1)
setup shabad VXP_DRY_PACKAGE="$TMP/evil.deb" -- PACKAGE_SHA256="$good_sum"
fails $? shabad "has sha256 $(sha256sum <"$TMP/evil.deb" | cut -d' ' -f1), not PACKAGE_SHA256 $good_sum: not installed"
! installs shabad
ok $? "shabad: a package whose checksum differs is not installed"
setup shaok VXP_DRY_PACKAGE="$TMP/evil.deb" -- PACKAGE_SHA256="$(sha256sum <"$TMP/evil.deb" | cut -d' ' -f1)"
ok $? "shaok: the dry run succeeds when the checksum matches"
installs shaok && grep -q "the package's sha256 is PACKAGE_SHA256's" "$TMP/shaok/err"
ok $? "shaok: and installs it, saying it was checked"
grep -q "warning: no PACKAGE_SHA256" "$TMP/v4/err"
ok $? "v4: without PACKAGE_SHA256 the log says the package goes in unchecked"
setup shaform -- PACKAGE_SHA256=ABC
fails $? shaform "PACKAGE_SHA256 is 'ABC'; expected 64 lower-case hex digits"

# 5b. crafted instance metadata: each value matches a strict pattern before
# the script uses it; nothing in it runs. A fake IMDS of its own per case.
hostile() { # hostile NAME PATH VALUE: a dry run against metadata with PATH set to VALUE
	local name=$1 pid rc
	"$PY" - "$TMP/imds.json" "$2" "$3" >"$TMP/imds-$name.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
d[sys.argv[2]] = sys.argv[3]
print(json.dumps(d))
PYEOF
	imds_start "$name" "$TMP/imds-$name.json"
	pid=$IMDS_PID
	# from $TMP: the payloads name files relative to it (no '/' nor '.' in them,
	# which the old arithmetic would have split on)
	(cd "$TMP" && IMDS=http://127.0.0.1:$(cat "$TMP/port-$name") setup "$name" --)
	rc=$?
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return $rc
}
# names of arrays the script has, so that the old arithmetic would expand
# the subscript (before, 10.0.1.0/devs[$(touch pwned)] ran touch, and the
# setup went on and succeeded)
pwned=$TMP/pwned
hostile cidrhost "$md/$mac1/subnet-ipv4-cidr-block" 'devs[$(touch pwned1)].0.0.0/24'
fails $? cidrhost "instance metadata $md/$mac1/subnet-ipv4-cidr-block is"
hostile cidrlen "$md/$mac1/subnet-ipv4-cidr-block" '10.0.1.0/devs[$(touch pwned2)]'
fails $? cidrlen "expected an IPv4 CIDR: refused"
hostile cidrrange "$md/$mac1/subnet-ipv4-cidr-block" "10.0.1.0/99"
fails $? cidrrange "expected an IPv4 CIDR: refused"
hostile devnum "$md/$mac0/device-number" 'devs[$(touch pwned3)]'
fails $? devnum "instance metadata $md/$mac0/device-number is"
hostile region placement/region $'eu-west-1"\nurl = "http://evil.example/'
fails $? region "instance metadata placement/region is"
hostile eni "$md/$mac0/interface-id" $'eni-00000000000000aaa\n# injected'
fails $? eni "expected an ENI id: refused"
hostile macs "$md/" $'0a:1b:2c:3d:4e:02/\n$(touch pwned4)/'
fails $? macs "expected MAC addresses: refused"
hostile instance instance-id 'i-0123456789abcdef0|g;e touch pwned5;#'
fails $? instance "expected an instance id: refused"
[ ! -e "${pwned}1" ] && [ ! -e "${pwned}2" ] && [ ! -e "${pwned}3" ] && [ ! -e "${pwned}4" ] &&
	[ ! -e "${pwned}5" ] &&
	! grep -q EXECUTED "$TMP"/cidrhost/fake.log "$TMP"/cidrlen/fake.log "$TMP"/devnum/fake.log \
		"$TMP"/region/fake.log "$TMP"/eni/fake.log "$TMP"/macs/fake.log "$TMP"/instance/fake.log
ok $? "crafted metadata: none of it ran (no ${pwned}N), and nothing was executed"
setup placeholder -- 'COLLECTOR_ADDRESS=${CollectorAddress}'
fails $? placeholder "COLLECTOR_ADDRESS is still the placeholder"
setup ports -- MATCH_PORTS=42844,70000
fails $? ports "MATCH_PORTS is '42844,70000'"
setup wrongpkg VXP_PKG_MANAGER=dnf --
fails $? wrongpkg "is not a .rpm, which dnf installs"
rm "$TMP/sys/class/net/$if1/address"
setup nomac --
fails $? nomac "no interface in $TMP/sys/class/net has the MAC $mac1 of device-number 1"
echo "$mac1" >"$TMP/sys/class/net/$if1/address"
setup noroot VXP_ROOT= --
fails $? noroot "a dry run writes its files under VXP_ROOT"
setup cwbad -- CLOUDWATCH=yes
fails $? cwbad "CLOUDWATCH is 'yes'; expected true or false"
setup nostack -- CFN_STACK=
ok $? "nostack: without a stack the setup still succeeds"
! grep -q SignalResource "$TMP/nostack/out"
ok $? "nostack: and signals nothing"

echo "1..$n"
[ "$failed" = 0 ]

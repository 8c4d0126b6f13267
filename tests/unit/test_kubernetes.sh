#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# container/kubernetes/vxlan-pipeline.yaml, without a cluster: the DaemonSet
# runs on the host network with CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON and
# nothing else, not privileged; its configuration is the ConfigMap's, mounted
# where the daemon reads it, and vxlan-pipelined --check-config accepts it;
# /healthz is the liveness and readiness probe on the port metrics_listen
# opens; Prometheus is told where to scrape. Each rule is shown to fail on a
# manifest broken that way.
set -u
BUILD=${VXP_BUILD_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
SRC=${VXP_TOP_SRCDIR:-$BUILD/..}
K=$SRC/container/kubernetes/vxlan-pipeline.yaml
PY=${PYTHON:-python3}
TMP=$(mktemp -d /tmp/vxp-k8s.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/../lib/tap.sh"

require_tool "python3-yaml (Fedora: python3-pyyaml)" "'$PY' -c 'import yaml'"

# check MANIFEST: the problems, one a line; the ConfigMap's files in $TMP/conf
check() {
	rm -rf "$TMP/conf"
	"$PY" - "$1" "$TMP/conf" <<'PYEOF'
import os, re, sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
kinds = {d["kind"]: d for d in docs}
p = []
def need(ok, what):
    if not ok:
        p.append(what)
    return ok
need(sorted(kinds) == ["ConfigMap", "DaemonSet", "Namespace"], f"a Namespace, a ConfigMap, a DaemonSet ({sorted(kinds)})")
ns = kinds.get("Namespace", {}).get("metadata", {}).get("name")
ds, cm = kinds.get("DaemonSet", {}), kinds.get("ConfigMap", {})
need(ds.get("metadata", {}).get("namespace") == ns == cm.get("metadata", {}).get("namespace"), "one namespace for all")
spec = ds.get("spec", {})
tpl = spec.get("template", {})
pod = tpl.get("spec", {})
sel = spec.get("selector", {}).get("matchLabels", {})
need(sel and all(tpl.get("metadata", {}).get("labels", {}).get(k) == v for k, v in sel.items()),
     "the selector matches the pod's labels")
need(pod.get("hostNetwork") is True, "hostNetwork: true (XDP on the node's interfaces)")
need(not pod.get("hostPID") and not pod.get("hostIPC"), "no hostPID, no hostIPC")
cs = pod.get("containers", [])
if need(len(cs) == 1, "one container"):
    c = cs[0]
    sc = c.get("securityContext", {})
    caps = sc.get("capabilities", {})
    need(not sc.get("privileged"), "not privileged")
    need(sorted(caps.get("add", [])) == ["BPF", "NET_ADMIN", "PERFMON"],
         f"capabilities added: BPF, NET_ADMIN, PERFMON and no other ({caps.get('add')})")
    need(caps.get("drop") == ["ALL"], "every other capability dropped")
    conf = data = cm.get("data", {})
    pipeline = data.get("pipeline.conf", "")
    m = re.search(r'^\s*metrics_listen\s*=\s*"([^"]*):(\d+)"', pipeline, re.M)
    need(m and m.group(1) == "0.0.0.0", "metrics_listen on 0.0.0.0: kubelet and Prometheus reach it")
    port = int(m.group(2)) if m else None
    for probe in ("livenessProbe", "readinessProbe"):
        g = c.get(probe, {}).get("httpGet", {})
        need(g.get("path") == "/healthz" and g.get("port") == port,
             f"{probe}: GET /healthz on metrics_listen's port {port} ({g})")
    ann = tpl.get("metadata", {}).get("annotations", {})
    need(ann.get("prometheus.io/scrape") == "true" and ann.get("prometheus.io/path") == "/metrics"
         and ann.get("prometheus.io/port") == str(port), f"Prometheus annotations: /metrics on {port}")
    need(any(pt.get("containerPort") == port for pt in c.get("ports", [])), f"the container port {port}")
    mounts = {v.get("name"): v for v in c.get("volumeMounts", [])}
    vols = {v.get("name"): v for v in pod.get("volumes", [])}
    cfg = [n for n, v in vols.items() if v.get("configMap", {}).get("name") == cm.get("metadata", {}).get("name")]
    need(len(cfg) == 1 and mounts.get(cfg[0], {}).get("mountPath") == "/etc/vxlan-pipeline"
         and mounts[cfg[0]].get("readOnly") is True,
         "the ConfigMap is mounted read-only at /etc/vxlan-pipeline")
    need(not c.get("command") and not c.get("args"), "the image's entrypoint runs (vxlan-pipelined --foreground)")
    need(re.search(r'^\s*control_socket\s*=\s*"";', pipeline, re.M) is not None,
         'control_socket = "" (its group would need CAP_CHOWN)')
    os.makedirs(sys.argv[2])
    for name, text in data.items():
        need(name.endswith(".conf"), f"ConfigMap key {name}: the daemon reads *.conf only")
        open(os.path.join(sys.argv[2], name), "w").write(text)
for x in p:
    print(x)
PYEOF
}

check "$K" >"$TMP/problems.txt" 2>&1
[ ! -s "$TMP/problems.txt" ]
ok $? "the DaemonSet: host network, CAP_BPF/NET_ADMIN/PERFMON only, ConfigMap at /etc/vxlan-pipeline, /healthz probes, scrape annotations"
diag "$(cat "$TMP/problems.txt")"

# the ConfigMap's files as the daemon reads them, with interfaces this host has
if [ -x "$BUILD/src/vxlan-pipelined" ] && [ -d "$TMP/conf" ]; then
	sed -i -e 's/^ingress = .*/ingress = "lo";/' -e 's/^egress = .*/egress = "lo";/' "$TMP/conf/pipeline.conf"
	"$BUILD/src/vxlan-pipelined" --check-config --config-dir "$TMP/conf" >"$TMP/check.txt" 2>&1
	ok $? "vxlan-pipelined --check-config accepts the ConfigMap (interfaces renamed lo)"
	diag "$(cat "$TMP/check.txt")"
else
	ok 1 "vxlan-pipelined is built in $BUILD/src and the ConfigMap was read"
fi

# broken SED WANT: the manifest changed so is refused, for that reason
broken() {
	sed -e "$1" "$K" >"$TMP/broken.yaml"
	if cmp -s "$K" "$TMP/broken.yaml"; then
		ok 1 "the check refuses $2: the edit changed nothing"
		return
	fi
	check "$TMP/broken.yaml" >"$TMP/problems.txt" 2>&1
	grep -qF -- "$2" "$TMP/problems.txt"
	ok $? "the check refuses $2"
}
broken 's/privileged: false/privileged: true/' "not privileged"
broken 's/add: \[BPF, NET_ADMIN, PERFMON\]/add: [BPF, NET_ADMIN, PERFMON, SYS_ADMIN]/' "capabilities added"
broken 's/hostNetwork: true/hostNetwork: false/' "hostNetwork: true"
broken '0,/path: \/healthz/s//path: \/health/' "livenessProbe: GET /healthz"
broken 's/metrics_listen = "0.0.0.0:9464"/metrics_listen = "127.0.0.1:9464"/' "metrics_listen on 0.0.0.0"
broken 's/prometheus.io\/port: "9464"/prometheus.io\/port: "9100"/' "Prometheus annotations"
broken 's/mountPath: \/etc\/vxlan-pipeline/mountPath: \/etc\/vxlan/' "mounted read-only at /etc/vxlan-pipeline"

tap_done

# SPDX-License-Identifier: GPL-2.0-only
# Container fleets: the Containerfile (the .deb in Debian 12, the daemon in the
# foreground), a seccomp profile helper for runtimes that keep bpf(2) from
# CAP_BPF, and a Kubernetes DaemonSet. Tested by tests/system/test_container.sh
# (podman) and tests/unit/test_kubernetes.sh.
EXTRA_DIST += container/Containerfile container/seccomp-bpf.py \
	container/kubernetes/vxlan-pipeline.yaml

# SPDX-License-Identifier: GPL-2.0-only
# What ships around the daemon for monitoring, installed under
# $(datadir)/vxlan-pipeline/monitoring: Prometheus alert rules and their
# promtool unit tests, a Grafana dashboard, and the CloudWatch agent's
# configuration (deploy/ fills it in on EC2). metric_names.py holds them all
# to the metrics a live daemon exports (tests/netns/test_metric_names.sh).
monitoringdir = $(datadir)/vxlan-pipeline/monitoring
dist_monitoring_DATA = \
	monitoring/vxlan-pipeline.rules.yml \
	monitoring/vxlan-pipeline.rules.test.yml \
	monitoring/grafana-dashboard.json \
	monitoring/cloudwatch-agent.json \
	monitoring/cloudwatch-prometheus.yaml
EXTRA_DIST += monitoring/metric_names.py

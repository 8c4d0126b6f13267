# SPDX-License-Identifier: GPL-2.0-only
# What systemd needs: the unit (its paths from configure), the service user
# and the sysctl that the kernel-assisted path needs.
systemdsystemunit_DATA = systemd/vxlan-pipeline.service
sysusers_DATA = systemd/vxlan-pipeline.conf
sysctl_DATA = systemd/50-vxlan-pipeline.conf
EXTRA_DIST += systemd/vxlan-pipeline.service.in systemd/vxlan-pipeline.sysusers \
	systemd/vxlan-pipeline.sysctl
CLEANFILES += $(systemdsystemunit_DATA) $(sysusers_DATA) $(sysctl_DATA)

systemd/vxlan-pipeline.service: systemd/vxlan-pipeline.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) systemd && \
	sed -e 's|@sbindir[@]|$(sbindir)|g' -e 's|@vxpconfdir[@]|$(sysconfdir)/vxlan-pipeline|g' \
		$(srcdir)/systemd/vxlan-pipeline.service.in >$@.tmp && \
	mv $@.tmp $@
systemd/vxlan-pipeline.conf: systemd/vxlan-pipeline.sysusers
	$(AM_V_GEN)$(MKDIR_P) systemd && cp $(srcdir)/systemd/vxlan-pipeline.sysusers $@
systemd/50-vxlan-pipeline.conf: systemd/vxlan-pipeline.sysctl
	$(AM_V_GEN)$(MKDIR_P) systemd && cp $(srcdir)/systemd/vxlan-pipeline.sysctl $@

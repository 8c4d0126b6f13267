# SPDX-License-Identifier: GPL-2.0-only
# Deployment on AWS: cloud-init user-data and a CloudFormation template, and
# the tests that validate them.
# vxlan-pipeline-setup.sh is the source of the script cloud-init.yaml carries,
# and cloud-init.yaml that of the template's user data: after editing either,
# run deploy/cfn_check.py embed (test_deploy.sh fails until they agree).
DEPLOY_FILES = \
	deploy/README.md \
	deploy/cloud-init.yaml \
	deploy/vxlan-pipeline.cfn.yaml \
	deploy/vxlan-pipeline-setup.sh \
	deploy/cfn_check.py \
	deploy/fake_imds.py

TESTS += deploy/test_deploy.sh
EXTRA_DIST += $(DEPLOY_FILES) deploy/test_deploy.sh

# SPDX-License-Identifier: GPL-2.0-only
# Deployment on AWS: cloud-init user-data and a CloudFormation template, and
# the tests that validate them.

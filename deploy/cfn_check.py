#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Checks and builds the deployment files in deploy/, with nothing but PyYAML.

  cfn_check.py lint TEMPLATE       every reference resolves, every condition
                                   exists, nothing is left dangling
  cfn_check.py contract TEMPLATE   what this deployment needs of the template
  cfn_check.py userdata TEMPLATE   print the launch template's user data (the
                                   Fn::Sub text, placeholders unfilled)
  cfn_check.py render TEMPLATE [Name=value...]
                                   print the user data with every placeholder
                                   filled (values given, else the defaults,
                                   else a stand-in)
  cfn_check.py script CLOUD-INIT   print the setup script the user data
                                   carries, decoded as cloud-init decodes it
  cfn_check.py embed [DIR]         copy vxlan-pipeline-setup.sh into
                                   cloud-init.yaml and that into the template

Exit status: 0 fine, 1 problems (one per line on stderr), 2 usage errors.
"""
import base64
import gzip
import hashlib
import os
import re
import sys

try:
    import yaml
except ImportError:
    sys.exit("cfn_check.py: PyYAML is missing: apt-get install python3-yaml "
             "(Fedora: dnf install python3-pyyaml)")

# ---- a YAML loader that knows CloudFormation's short forms ----------------

SHORT_FORMS = ["Ref", "Condition", "Base64", "Cidr", "FindInMap", "GetAtt", "GetAZs",
               "ImportValue", "Join", "Select", "Split", "Sub", "Transform", "If",
               "Equals", "Not", "And", "Or", "Length", "ToJsonString"]


class CfnLoader(yaml.SafeLoader):
    """SafeLoader plus !Ref & co., refusing duplicate keys as CloudFormation does."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _short_form(name):
    long_name = name if name in ("Ref", "Condition") else "Fn::" + name

    def construct(loader, node):
        if isinstance(node, yaml.ScalarNode):
            value = loader.construct_scalar(node)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        if name == "GetAtt" and isinstance(value, str):
            value = value.split(".", 1)
        return {long_name: value}
    return construct


for _name in SHORT_FORMS:
    CfnLoader.add_constructor("!" + _name, _short_form(_name))


def load(path):
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=CfnLoader)  # noqa: S506 (CfnLoader is a SafeLoader)

# ---- what CloudFormation knows ----------------------------------------------


PSEUDO = {"AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition",
          "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix"}
TOP_LEVEL = {"AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Rules",
             "Mappings", "Conditions", "Transform", "Resources", "Outputs"}
RESOURCE_KEYS = {"Type", "Properties", "DependsOn", "Condition", "CreationPolicy",
                 "UpdatePolicy", "DeletionPolicy", "UpdateReplacePolicy", "Metadata"}
FUNCTIONS = {"Ref", "Fn::Base64", "Fn::Cidr", "Fn::FindInMap", "Fn::GetAtt", "Fn::GetAZs",
             "Fn::ImportValue", "Fn::Join", "Fn::Select", "Fn::Split", "Fn::Sub",
             "Fn::Transform", "Fn::If", "Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or",
             "Fn::Length", "Fn::ToJsonString", "Condition"}
PARAMETER_TYPES = re.compile(
    r"^(String|Number|List<Number>|CommaDelimitedList|AWS::[A-Za-z0-9:]+|"
    r"List<AWS::[A-Za-z0-9:]+>|AWS::SSM::Parameter::(Name|Value<[A-Za-z0-9:<>]+>))$")
# Resource types: those a deployment like this one uses, and their
# Fn::GetAtt attributes where the list is short and stable.
TYPES = {
    "AWS::AutoScaling::AutoScalingGroup": None,
    "AWS::AutoScaling::LaunchConfiguration": None,
    "AWS::AutoScaling::LifecycleHook": None,
    "AWS::AutoScaling::ScalingPolicy": {"Arn", "PolicyName"},
    "AWS::CloudWatch::Alarm": {"Arn"},
    "AWS::EC2::EIP": {"AllocationId", "PublicIp"},
    "AWS::EC2::Instance": None,
    "AWS::EC2::InternetGateway": {"InternetGatewayId"},
    "AWS::EC2::LaunchTemplate": {"DefaultVersionNumber", "LatestVersionNumber", "LaunchTemplateId"},
    "AWS::EC2::NatGateway": {"NatGatewayId"},
    "AWS::EC2::NetworkInterface": {"Id", "PrimaryPrivateIpAddress", "SecondaryPrivateIpAddresses",
                                   "PrimaryIpv6Address", "Ipv6Addresses"},
    "AWS::EC2::Route": None,
    "AWS::EC2::RouteTable": {"RouteTableId"},
    "AWS::EC2::SecurityGroup": {"GroupId", "VpcId"},
    "AWS::EC2::SecurityGroupEgress": {"Id"},
    "AWS::EC2::SecurityGroupIngress": {"Id"},
    "AWS::EC2::Subnet": None,
    "AWS::EC2::SubnetRouteTableAssociation": {"Id"},
    "AWS::EC2::TrafficMirrorFilter": {"Id"},
    "AWS::EC2::TrafficMirrorFilterRule": {"Id"},
    "AWS::EC2::TrafficMirrorSession": {"Id"},
    "AWS::EC2::TrafficMirrorTarget": {"Id"},
    "AWS::EC2::VPC": None,
    "AWS::EC2::VPCEndpoint": None,
    "AWS::ElasticLoadBalancingV2::Listener": {"ListenerArn"},
    "AWS::ElasticLoadBalancingV2::LoadBalancer": {
        "CanonicalHostedZoneID", "DNSName", "LoadBalancerArn", "LoadBalancerFullName",
        "LoadBalancerName", "SecurityGroups"},
    "AWS::ElasticLoadBalancingV2::TargetGroup": {
        "LoadBalancerArns", "TargetGroupArn", "TargetGroupFullName", "TargetGroupName"},
    "AWS::IAM::InstanceProfile": {"Arn"},
    "AWS::IAM::ManagedPolicy": {"PolicyArn"},
    "AWS::IAM::Policy": {"Id"},
    "AWS::IAM::Role": {"Arn", "RoleId"},
    "AWS::Logs::LogGroup": {"Arn"},
    "AWS::S3::Bucket": None,
    "AWS::SNS::Topic": {"TopicArn", "TopicName"},
    "AWS::SSM::Parameter": {"Type", "Value"},
}
# Types that do nothing on their own: one nobody refers to is a mistake.
MUST_BE_REFERENCED = {
    "AWS::EC2::SecurityGroup", "AWS::EC2::LaunchTemplate", "AWS::IAM::Role",
    "AWS::IAM::InstanceProfile", "AWS::IAM::ManagedPolicy", "AWS::ElasticLoadBalancingV2::LoadBalancer",
    "AWS::ElasticLoadBalancingV2::TargetGroup", "AWS::EC2::TrafficMirrorFilter",
    "AWS::EC2::RouteTable", "AWS::EC2::EIP", "AWS::EC2::NetworkInterface"}
SUB_VAR = re.compile(r"\$\{([^}]*)\}")


def sub_vars(text):
    """The names a Fn::Sub string refers to; ${!x} is a literal ${x}."""
    return [v.strip() for v in SUB_VAR.findall(text) if not v.startswith("!")]

# ---- lint ----------------------------------------------------------------------


class Linter:
    def __init__(self, t):
        self.t = t
        self.problems = []
        self.params = t.get("Parameters") or {}
        self.resources = t.get("Resources") or {}
        self.conditions = t.get("Conditions") or {}
        self.mappings = t.get("Mappings") or {}
        self.used = set()             # parameters and resources referred to
        self.conditions_used = set()

    def problem(self, where, what):
        self.problems.append(f"{where}: {what}")

    def ref(self, where, name, local=()):
        if name in local or name in PSEUDO:
            return
        if name in self.params or name in self.resources:
            self.used.add(name)
        else:
            self.problem(where, f"refers to '{name}', which is no parameter, resource "
                                "or pseudo parameter")

    def getatt(self, where, res, attr):
        if res not in self.resources:
            return self.problem(where, f"Fn::GetAtt of '{res}', which is no resource")
        self.used.add(res)
        known = TYPES.get(self.resources[res].get("Type"))
        if known is not None and isinstance(attr, str) and attr not in known:
            self.problem(where, f"Fn::GetAtt {res}.{attr}: a {self.resources[res]['Type']} "
                                f"has {', '.join(sorted(known))}")

    def condition(self, where, name):
        if not isinstance(name, str) or name not in self.conditions:
            self.problem(where, f"uses the condition '{name}', which is not defined")
        else:
            self.conditions_used.add(name)

    def walk(self, where, node, local=()):
        if isinstance(node, list):
            for i, item in enumerate(node):
                self.walk(f"{where}[{i}]", item, local)
            return
        if not isinstance(node, dict):
            return
        fn = [k for k in node if isinstance(k, str) and (k.startswith("Fn::") or k == "Ref")]
        if len(node) == 1 and fn:
            return self.function(where, fn[0], node[fn[0]], local)
        for k, v in node.items():
            if isinstance(k, str) and k.startswith("Fn::"):
                self.problem(where, f"{k} shares its mapping with other keys")
            self.walk(f"{where}.{k}", v, local)

    def function(self, where, fn, arg, local):
        w = f"{where}.{fn}"
        if fn not in FUNCTIONS:
            return self.problem(w, f"unknown function {fn}")
        if fn == "Ref":
            if not isinstance(arg, str):
                return self.problem(w, "Ref takes a name")
            return self.ref(w, arg, local)
        if fn == "Fn::GetAtt":
            if not (isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str)):
                return self.problem(w, "Fn::GetAtt takes [resource, attribute]")
            self.getatt(w, arg[0], arg[1])
            return self.walk(w, arg[1], local)
        if fn == "Fn::Sub":
            text, names = (arg, {}) if isinstance(arg, str) else (arg + [None, None])[:2]
            if not isinstance(text, str) or not isinstance(names, dict):
                return self.problem(w, "Fn::Sub takes a string or [string, {name: value}]")
            self.walk(w, names, local)
            for v in sub_vars(text):
                if "." in v and v.split(".", 1)[0] in self.resources:
                    self.getatt(w, *v.split(".", 1))
                else:
                    self.ref(w, v, tuple(local) + tuple(names))
            for v in names:
                if v not in sub_vars(text):
                    self.problem(w, f"Fn::Sub defines '{v}' and does not use it")
            return None
        if fn == "Fn::If":
            if not (isinstance(arg, list) and len(arg) == 3):
                return self.problem(w, "Fn::If takes [condition, if true, if false]")
            self.condition(w, arg[0])
            return self.walk(w, arg[1:], local)
        if fn == "Condition":
            return self.condition(w, arg)
        if fn == "Fn::FindInMap":
            if not (isinstance(arg, list) and len(arg) in (3, 4)):
                return self.problem(w, "Fn::FindInMap takes [map, key, key]")
            if isinstance(arg[0], str):
                if arg[0] not in self.mappings:
                    return self.problem(w, f"Fn::FindInMap of '{arg[0]}', which is no mapping")
                m = self.mappings[arg[0]]
                if isinstance(arg[1], str) and arg[1] not in m:
                    self.problem(w, f"mapping {arg[0]} has no key '{arg[1]}'")
                elif isinstance(arg[1], str) and isinstance(arg[2], str) and arg[2] not in m[arg[1]]:
                    self.problem(w, f"mapping {arg[0]}.{arg[1]} has no key '{arg[2]}'")
            return self.walk(w, arg, local)
        arity = {"Fn::Join": 2, "Fn::Select": 2, "Fn::Split": 2, "Fn::Equals": 2,
                 "Fn::Not": 1, "Fn::Cidr": 3}
        if fn in arity and not (isinstance(arg, list) and len(arg) == arity[fn]):
            return self.problem(w, f"{fn} takes a list of {arity[fn]}")
        if fn in ("Fn::And", "Fn::Or") and not (isinstance(arg, list) and 2 <= len(arg) <= 10):
            return self.problem(w, f"{fn} takes 2 to 10 conditions")
        return self.walk(w, arg, local)

    def check_parameter(self, name, p):
        w = f"Parameters.{name}"
        if not isinstance(p, dict) or "Type" not in p:
            return self.problem(w, "has no Type")
        if not PARAMETER_TYPES.match(str(p["Type"])):
            self.problem(w, f"unknown parameter type {p['Type']}")
        if "Default" not in p:
            return None
        default = str(p["Default"]).lower() if isinstance(p["Default"], bool) else str(p["Default"])
        if "AllowedValues" in p and default not in [str(v) for v in p["AllowedValues"]]:
            self.problem(w, f"Default {default!r} is not among the AllowedValues")
        if "AllowedPattern" in p and default and not re.fullmatch(p["AllowedPattern"], default):
            self.problem(w, f"Default {default!r} does not match the AllowedPattern")
        if p["Type"] == "Number":
            try:
                n = float(default)
            except ValueError:
                return self.problem(w, f"Default {default!r} is not a number")
            if "MinValue" in p and n < float(p["MinValue"]) or "MaxValue" in p and n > float(p["MaxValue"]):
                self.problem(w, f"Default {default} is outside MinValue..MaxValue")
        return None

    def run(self):
        t = self.t
        if not isinstance(t, dict):
            return ["the template is not a mapping"]
        for k in t:
            if k not in TOP_LEVEL:
                self.problem(k, "unknown top-level section")
        if not self.resources:
            self.problem("Resources", "no resources")
        for name, p in self.params.items():
            self.check_parameter(name, p)
        for name, c in self.conditions.items():
            self.walk(f"Conditions.{name}", c)
        for name, r in self.resources.items():
            w = f"Resources.{name}"
            if not isinstance(r, dict):
                self.problem(w, "is not a mapping")
                continue
            for k in r:
                if k not in RESOURCE_KEYS:
                    self.problem(w, f"unknown resource attribute {k}")
            if r.get("Type") not in TYPES and not str(r.get("Type", "")).startswith("Custom::"):
                self.problem(w, f"unknown resource type {r.get('Type')}")
            if "Condition" in r:
                self.condition(f"{w}.Condition", r["Condition"])
            deps = r.get("DependsOn", [])
            for d in [deps] if isinstance(deps, str) else deps:
                if d not in self.resources:
                    self.problem(f"{w}.DependsOn", f"'{d}' is no resource")
            for k in ("Properties", "CreationPolicy", "UpdatePolicy", "Metadata"):
                self.walk(f"{w}.{k}", r.get(k))
        for name, o in (t.get("Outputs") or {}).items():
            if not isinstance(o, dict) or "Value" not in o:
                self.problem(f"Outputs.{name}", "has no Value")
                continue
            if "Condition" in o:
                self.condition(f"Outputs.{name}.Condition", o["Condition"])
            self.walk(f"Outputs.{name}", o)
        for name in self.params:
            if name not in self.used:
                self.problem(f"Parameters.{name}", "is never used")
        for name in self.conditions:
            if name not in self.conditions_used:
                self.problem(f"Conditions.{name}", "is never used")
        for name, r in self.resources.items():
            if isinstance(r, dict) and r.get("Type") in MUST_BE_REFERENCED and name not in self.used:
                self.problem(f"Resources.{name}", f"a {r['Type']} nothing refers to")
        return self.problems


def lint(t):
    return Linter(t).run()

# ---- this deployment's contract ------------------------------------------------


def of_type(t, typ):
    return {n: r for n, r in t.get("Resources", {}).items() if r.get("Type") == typ}


def is_ref(node, name):
    return node == {"Ref": name}


def user_data(t):
    """The launch template's Fn::Base64 / Fn::Sub user data text."""
    for lt in of_type(t, "AWS::EC2::LaunchTemplate").values():
        ud = lt.get("Properties", {}).get("LaunchTemplateData", {}).get("UserData")
        if isinstance(ud, dict) and isinstance(ud.get("Fn::Base64"), dict):
            sub = ud["Fn::Base64"].get("Fn::Sub")
            if isinstance(sub, str):
                return sub
    return None


def contract(t):
    p = []

    def need(ok, what):
        if not ok:
            p.append(what)
        return ok

    res = t.get("Resources", {})
    lbs = of_type(t, "AWS::ElasticLoadBalancingV2::LoadBalancer")
    if need(len(lbs) == 1, "one AWS::ElasticLoadBalancingV2::LoadBalancer"):
        lb_name, lb = next(iter(lbs.items()))
        props = lb.get("Properties", {})
        need(props.get("Type") == "network", "the load balancer is a network load balancer")
        need(props.get("Scheme") == "internal", "the load balancer is internal")
    else:
        lb_name = None
    tgs = of_type(t, "AWS::ElasticLoadBalancingV2::TargetGroup")
    tg_name = next(iter(tgs), None)
    if need(len(tgs) == 1, "one target group"):
        tg = tgs[tg_name].get("Properties", {})
        for key, want in [("Protocol", "UDP"), ("Port", 4789), ("TargetType", "instance"),
                          ("HealthCheckProtocol", "HTTP"), ("HealthCheckPort", "9464"),
                          ("HealthCheckPath", "/healthz")]:
            need(str(tg.get(key)) == str(want), f"target group {key} is {want} (is {tg.get(key)})")
    listeners = of_type(t, "AWS::ElasticLoadBalancingV2::Listener")
    if need(len(listeners) == 1, "one listener"):
        li = next(iter(listeners.values())).get("Properties", {})
        need(li.get("Protocol") == "UDP" and li.get("Port") == 4789, "the listener is UDP 4789")
        need(is_ref(li.get("LoadBalancerArn"), lb_name), "the listener is the NLB's")
        acts = li.get("DefaultActions", [])
        need(any(a.get("Type") == "forward" and is_ref(a.get("TargetGroupArn"), tg_name)
                 for a in acts), "the listener forwards to the target group")
    mts = of_type(t, "AWS::EC2::TrafficMirrorTarget")
    if need(len(mts) == 1, "one AWS::EC2::TrafficMirrorTarget"):
        mt = next(iter(mts.values())).get("Properties", {})
        need(is_ref(mt.get("NetworkLoadBalancerArn"), lb_name),
             "the traffic mirror target is the NLB (NetworkLoadBalancerArn: !Ref it)")
    lts = of_type(t, "AWS::EC2::LaunchTemplate")
    lt_name = next(iter(lts), None)
    if need(len(lts) == 1, "one launch template"):
        data = lts[lt_name].get("Properties", {}).get("LaunchTemplateData", {})
        nics = data.get("NetworkInterfaces", [])
        need(sorted(n.get("DeviceIndex") for n in nics) == [0, 1],
             "the launch template has two ENIs, device 0 and device 1")
        need(all("SubnetId" not in n for n in nics),
             "no ENI names a subnet (the group picks it, in every zone)")
        need(data.get("MetadataOptions", {}).get("HttpTokens") == "required", "IMDSv2 is required")
        need(user_data(t) is not None, "the user data is Fn::Base64 of a Fn::Sub string")
        tags = [tag.get("Key") for s in data.get("TagSpecifications", [])
                if s.get("ResourceType") == "network-interface" for tag in s.get("Tags", [])]
        need("vxlan-pipeline-stack" in tags, "the ENIs are tagged vxlan-pipeline-stack (IAM condition)")
    asgs = of_type(t, "AWS::AutoScaling::AutoScalingGroup")
    if need(list(asgs) == ["AutoScalingGroup"],
            "one Auto Scaling group, logical id AutoScalingGroup (the user data signals it)"):
        g = asgs["AutoScalingGroup"]
        props = g.get("Properties", {})
        need(is_ref(props.get("LaunchTemplate", {}).get("LaunchTemplateId"), lt_name),
             "the group launches the launch template")
        need({"Ref": tg_name} in props.get("TargetGroupARNs", []), "the group registers in the target group")
        need(props.get("HealthCheckType") == "ELB", "the group replaces instances the NLB finds unhealthy")
        need(g.get("UpdatePolicy", {}).get("AutoScalingRollingUpdate", {}).get("WaitOnResourceSignals"),
             "rolling updates wait for the instances' signals")
        need("ResourceSignal" in g.get("CreationPolicy", {}), "creation waits for the instances' signals")
    for name, sg in of_type(t, "AWS::EC2::SecurityGroup").items():
        for rule in sg.get("Properties", {}).get("SecurityGroupIngress", []):
            need(rule.get("CidrIp") not in ("0.0.0.0/0",) and rule.get("CidrIpv6") != "::/0",
                 f"{name} admits nothing from everywhere")
    rules = [r for sg in of_type(t, "AWS::EC2::SecurityGroup").values()
             for r in sg.get("Properties", {}).get("SecurityGroupIngress", [])]
    need(any(r.get("IpProtocol") == "udp" and r.get("FromPort") == 4789 and
             is_ref(r.get("CidrIp"), "MirrorSourceCidr") for r in rules),
         "UDP 4789 is admitted from MirrorSourceCidr")
    need(any(r.get("IpProtocol") == "tcp" and r.get("FromPort") == 9464 for r in rules),
         "TCP 9464 is admitted for the health check")
    for name, role in of_type(t, "AWS::IAM::Role").items():
        for pol in role.get("Properties", {}).get("Policies", []):
            stmts = pol.get("PolicyDocument", {}).get("Statement", []) if isinstance(pol, dict) else []
            for s in stmts:
                s = s.get("Fn::If", [None, s])[1] if "Fn::If" in s else s
                acts = s.get("Action") if isinstance(s, dict) else None
                acts = [acts] if isinstance(acts, str) else acts or []
                need(not any(a == "*" or a.endswith(":*") for a in acts),
                     f"{name}: no wildcard actions ({acts})")
                need(s.get("Resource") != "*", f"{name}: no Resource '*' ({acts})")
    outs = t.get("Outputs", {})
    need(any(is_ref(o.get("Value"), n) for o in outs.values() for n in mts),
         "an output gives the traffic mirror target id")
    need(any(o.get("Value") == {"Fn::GetAtt": [lb_name, "DNSName"]} for o in outs.values()),
         "an output gives the NLB's DNS name")
    text = user_data(t) or ""
    for v in sub_vars(text):
        need(v in t.get("Parameters", {}) or v in PSEUDO,
             f"the user data's placeholder ${{{v}}} is a parameter")
    need("AutoScalingGroup" in res, "the resource the user data signals exists")
    package_contract(t, need)
    cloudwatch_contract(t, need)
    return p


def package_contract(t, need):
    """What root installs comes over https or from S3, and can be checked; the
    health checks' range reaches /healthz through the unit's IPAddressAllow."""
    params = t.get("Parameters", {})
    text = user_data(t) or ""
    pattern = params.get("PackageUrl", {}).get("AllowedPattern", "")
    ok = bool(pattern) and all(re.match(pattern, u) for u in
                               ("https://h.example/p.deb", "s3://b/k.rpm"))
    need(ok and not re.match(pattern, "http://h.example/p.deb"),
         "PackageUrl takes https:// and s3:// URLs, and refuses http://")
    sha = params.get("PackageSha256", {})
    need(bool(sha) and re.match(sha.get("AllowedPattern", "^$"), "0" * 64) is not None
         and re.match(sha.get("AllowedPattern", ".*"), "x" * 64) is None,
         "a PackageSha256 parameter: 64 hex digits")
    need("PACKAGE_SHA256=${PackageSha256}" in text,
         "the user data passes PackageSha256 to the setup (PACKAGE_SHA256=)")
    need("HEALTH_CHECK_CIDR=${LoadBalancerCidr}" in text,
         "the user data passes LoadBalancerCidr to the setup (HEALTH_CHECK_CIDR=)")


def alarm_metrics(alarm):
    """(metric name, {dimension: value}) of each metric an alarm reads."""
    props = alarm.get("Properties", {})
    if "MetricName" in props:
        yield props["MetricName"], {d.get("Name"): d.get("Value") for d in props.get("Dimensions", [])}
    for q in props.get("Metrics", []):
        m = q.get("MetricStat", {}).get("Metric", {})
        if m:
            yield m.get("MetricName"), {d.get("Name"): d.get("Value") for d in m.get("Dimensions", [])}


def cloudwatch_contract(t, need):
    """The agent's log group, the instances' right to write it, the alarms."""
    params = t.get("Parameters", {})
    if not need("EnableCloudWatch" in params, "an EnableCloudWatch parameter"):
        return
    need("CLOUDWATCH=${EnableCloudWatch}" in (user_data(t) or ""),
         "the user data passes EnableCloudWatch to the setup (CLOUDWATCH=)")
    groups = of_type(t, "AWS::Logs::LogGroup")
    need(any(g.get("Properties", {}).get("LogGroupName") == {"Fn::Sub": "/vxlan-pipeline/${AWS::StackName}"}
             for g in groups.values()),
         "a log group /vxlan-pipeline/${AWS::StackName}, where the setup points the agent")
    stmts = [s.get("Fn::If", [None, s])[1] for role in of_type(t, "AWS::IAM::Role").values()
             for pol in role.get("Properties", {}).get("Policies", [])
             for s in pol.get("PolicyDocument", {}).get("Statement", [])]
    need(any(isinstance(s, dict) and "logs:PutLogEvents" in s.get("Action", [])
             and s.get("Resource") in [{"Fn::GetAtt": [g, "Arn"]} for g in groups] for s in stmts),
         "the instances may put log events into that log group, and no other")
    alarms = of_type(t, "AWS::CloudWatch::Alarm")
    for name, a in alarms.items():
        need(a.get("Condition") == "CloudWatchEnabled", f"{name} exists only with EnableCloudWatch")
    read = {n: list(alarm_metrics(a)) for n, a in alarms.items()}
    for what, metric, dims in [
            ("forwarding stopped", "vxlan_pipeline_packets_total", {"result": "redirect"}),
            ("drops above a ratio", "vxlan_pipeline_packets_total", {"result": "drop"}),
            ("reload failures", "vxlan_pipeline_reload_failures_total", {})]:
        need(any(m == metric and all(d.get(k) == v for k, v in dims.items())
                 and d.get("StackName") == {"Ref": "AWS::StackName"}
                 for ms in read.values() for m, d in ms),
             f"an alarm on {what} ({metric} {dims or ''} of this stack)")
    need(any(m == "UnHealthyHostCount" for ms in read.values() for m, _ in ms),
         "an alarm on the NLB's unhealthy instances")

# ---- the user data -------------------------------------------------------------


def render(t, values):
    text = user_data(t)
    if text is None:
        sys.exit("cfn_check.py: the template has no Fn::Base64 / Fn::Sub user data")
    params = t.get("Parameters", {})
    pseudo = {"AWS::StackName": "vxlan-test", "AWS::Region": "us-east-1",
              "AWS::AccountId": "123456789012", "AWS::Partition": "aws",
              "AWS::URLSuffix": "amazonaws.com"}

    def fill(m):
        v = m.group(1)
        if v.startswith("!"):
            return "${" + v[1:] + "}"
        if v in values:
            return values[v]
        if v in params and "Default" in params[v]:
            return str(params[v]["Default"])
        return pseudo.get(v, "stand-in-" + v)
    return SUB_VAR.sub(fill, text)


def setup_script(cloud_init_path):
    """The setup script as cloud-init writes it (write_files encoding)."""
    with open(cloud_init_path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    for wf in doc.get("write_files", []):
        if wf.get("path") == "/usr/local/sbin/vxlan-pipeline-setup":
            content, enc = wf.get("content", ""), wf.get("encoding", "text/plain")
            if enc in ("gz+b64", "gzip+base64", "gz+base64", "gzip+b64"):
                return gzip.decompress(base64.b64decode(content)).decode()
            if enc in ("b64", "base64"):
                return base64.b64decode(content).decode()
            if enc in ("gz", "gzip"):
                return gzip.decompress(content.encode()).decode()
            return content
    sys.exit(f"cfn_check.py: {cloud_init_path} writes no /usr/local/sbin/vxlan-pipeline-setup")

# ---- embed: the build step -------------------------------------------------


def replace_block(lines, header_index, text, indent):
    """Replace the block scalar that follows lines[header_index] by text."""
    end = header_index + 1
    while end < len(lines) and (not lines[end].strip() or lines[end].startswith(" " * indent)):
        end += 1
    while end > header_index + 1 and not lines[end - 1].strip():
        end -= 1  # blank lines before the next key are not the block's
    body = [(" " * indent + line if line else "") + "\n" for line in text.rstrip("\n").split("\n")]
    return lines[:header_index + 1] + body + lines[end:]


def embed(directory):
    script_path = os.path.join(directory, "vxlan-pipeline-setup.sh")
    ci_path = os.path.join(directory, "cloud-init.yaml")
    cfn_path = os.path.join(directory, "vxlan-pipeline.cfn.yaml")
    with open(script_path, "rb") as f:
        script = f.read()
    packed = base64.b64encode(gzip.compress(script, compresslevel=9, mtime=0)).decode()
    packed = "\n".join(packed[i:i + 76] for i in range(0, len(packed), 76))
    with open(ci_path, encoding="utf-8") as f:
        lines = f.readlines()
    at = [i for i, line in enumerate(lines) if line.strip() == "- path: /usr/local/sbin/vxlan-pipeline-setup"]
    if len(at) != 1:
        sys.exit(f"cfn_check.py: {ci_path}: no single write_files entry for the setup script")
    i = at[0]
    if lines[i - 1].lstrip().startswith("# deploy/vxlan-pipeline-setup.sh"):
        lines[i - 1] = (lines[i - 1][:lines[i - 1].index("#")] + "# deploy/vxlan-pipeline-setup.sh, sha256 " +
                        hashlib.sha256(script).hexdigest() + "\n")
    while not lines[i].strip().startswith("content:"):
        i += 1
    lines = replace_block(lines, i, packed, len(lines[i]) - len(lines[i].lstrip()) + 2)
    cloud_init = "".join(lines)
    with open(ci_path, "w", encoding="utf-8") as f:
        f.write(cloud_init)
    with open(cfn_path, encoding="utf-8") as f:
        lines = f.readlines()
    at = [i for i, line in enumerate(lines) if line.strip() == "Fn::Sub: |"
          and any(x.strip() == "UserData:" for x in lines[max(0, i - 3):i])]
    if len(at) != 1:
        sys.exit(f"cfn_check.py: {cfn_path}: no single 'UserData: Fn::Base64: Fn::Sub: |'")
    indent = len(lines[at[0]]) - len(lines[at[0]].lstrip()) + 2
    lines = replace_block(lines, at[0], cloud_init, indent)
    with open(cfn_path, "w", encoding="utf-8") as f:
        f.writelines(lines)
    print(f"embedded {script_path} ({len(script)} bytes, {len(packed)} packed) in {ci_path} "
          f"({len(cloud_init)} bytes), and that in {cfn_path}")

# ---- main ----------------------------------------------------------------------


def report(problems):
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0 if len(argv) >= 2 else 2
    cmd, args = argv[1], argv[2:]
    try:
        if cmd == "embed":
            embed(args[0] if args else os.path.dirname(os.path.abspath(__file__)))
            return 0
        if cmd == "script" and len(args) == 1:
            sys.stdout.write(setup_script(args[0]))
            return 0
        if not args:
            print(__doc__, file=sys.stderr)
            return 2
        t = load(args[0])
        if cmd == "lint" and len(args) == 1:
            return report(lint(t))
        if cmd == "contract" and len(args) == 1:
            return report(contract(t))
        if cmd == "userdata" and len(args) == 1:
            text = user_data(t)
            if text is None:
                return report(["the template has no Fn::Base64 / Fn::Sub user data"])
            sys.stdout.write(text)
            return 0
        if cmd == "render":
            values = dict(a.split("=", 1) for a in args[1:])
            sys.stdout.write(render(t, values))
            return 0
    except (OSError, yaml.YAMLError) as e:
        return report([f"{args[0] if args else ''}: {e}"])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))

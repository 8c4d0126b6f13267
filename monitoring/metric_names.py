#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Holds what ships around vxlan-pipelined to the metrics it really exports.

  metric_names.py check METRICS [--daemon BINARY] [--scrape PROMETHEUS.yaml] FILE...
      every metric, label and label value the FILEs use must be in METRICS
      (the text of a live /metrics). FILEs: Prometheus rule files (.yml),
      Grafana dashboards (.json), CloudWatch agent configurations
      (cloudwatch-agent.json) and CloudFormation templates (.cfn.yaml).
  metric_names.py dashboard-rules DASHBOARD.json
      print the dashboard's queries as a rule file, for promtool check rules
  metric_names.py list FILE...
      print each metric the FILEs use, with the file

Exit status: 0 all found, 1 something used is not exported (one line each on
stderr), 2 usage errors.
"""
import json
import re
import sys

try:
    import yaml
except ImportError:
    sys.exit("metric_names.py: PyYAML is missing: apt-get install python3-yaml "
             "(Fedora: dnf install python3-pyyaml)")

# Metrics only an ENA interface makes the daemon export (ethtool -S), so a
# testbed on veth never shows them: they must be in the daemon binary
# instead, with the labels given here. One line per such metric.
ONLY_ON_ENA = {
    "vxlan_pipeline_ena_allowance_exceeded_total": {"interface", "counter"},
}
# Labels the scraper adds to every series, not the daemon.
TARGET_LABELS = {"job", "instance"}
NAME = re.compile(r"(?<![A-Za-z0-9_:])((?:vxlan_pipeline|process)_[A-Za-z0-9_]*)(?![A-Za-z0-9_:(])")
MATCHER = re.compile(r'\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*,?')
GROUPING = re.compile(r"\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)")
TEMPLATE_LABEL = re.compile(r"\$labels\.([A-Za-z_][A-Za-z0-9_]*)|\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
SAMPLE = re.compile(r"^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{(.*)\})?\s+\S+")
LABEL = re.compile(r'([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"')


def read_metrics(path):
    """{metric name: {label: {values}}} from a Prometheus text exposition."""
    found = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = SAMPLE.match(line)
            if not m or line.startswith("#"):
                continue
            labels = found.setdefault(m.group(1), {})
            for k, v in LABEL.findall(m.group(2) or ""):
                labels.setdefault(k, set()).add(v)
    return found


# ---- what each kind of file uses ----------------------------------------------

def rule_exprs(doc):
    """(where, expr, templates) of each rule of a Prometheus rule file."""
    for g in doc.get("groups", []):
        for r in g.get("rules", []):
            name = r.get("alert") or r.get("record")
            texts = list((r.get("annotations") or {}).values()) + list((r.get("labels") or {}).values())
            yield f"{g.get('name')}/{name}", r.get("expr", ""), texts


def dashboard_exprs(doc):
    """(where, expr, legend formats) of each query of a Grafana dashboard."""
    def panels(ps):
        for p in ps:
            yield p
            yield from panels(p.get("panels", []))
    for p in panels(doc.get("panels", [])):
        for t in p.get("targets", []):
            if "expr" in t:
                yield f"panel '{p.get('title')}' {t.get('refId')}", t["expr"], [t.get("legendFormat", "")]
    for a in doc.get("annotations", {}).get("list", []):
        if "expr" in a:
            yield f"annotation '{a.get('name')}'", a["expr"], [a.get("titleFormat", ""), a.get("textFormat", "")]
    for v in doc.get("templating", {}).get("list", []):
        q = v.get("query")
        q = q.get("query") if isinstance(q, dict) else q
        if v.get("type") == "query" and isinstance(q, str):
            yield f"variable '{v.get('name')}'", q, []


def grafana_plain(expr):
    """A dashboard query with Grafana's interval variables made PromQL."""
    for var, value in (("$__rate_interval", "5m"), ("$__interval", "1m"), ("$__range", "1h")):
        expr = expr.replace(var, value)
    return re.sub(r"label_values\(([^,()]*(?:\{[^}]*\})?)\s*,\s*[A-Za-z_]+\)", r"\1", expr)


def uses(expr):
    """Yield (name, [(label, op, value)]) for each vxlan_pipeline_ or process_ selector."""
    for m in NAME.finditer(expr):
        rest = expr[m.end():]
        matchers = []
        if rest.lstrip().startswith("{"):
            body = rest.lstrip()[1:]
            while True:
                mm = MATCHER.match(body)
                if not mm:
                    break
                matchers.append(mm.groups())
                body = body[mm.end():]
        yield m.group(1), matchers


def grouping_labels(expr):
    return {l.strip() for _, ls in GROUPING.findall(expr) for l in ls.split(",") if l.strip()}


# ---- the check ------------------------------------------------------------------

class Checker:
    def __init__(self, metrics, daemon_text, static_labels):
        self.metrics = metrics
        self.daemon_text = daemon_text
        self.static = static_labels
        self.problems = []

    def labels_of(self, name):
        if name in self.metrics:
            return set(self.metrics[name])
        return set(ONLY_ON_ENA.get(name, ()))

    def known(self, where, name):
        if name in self.metrics:
            return True
        if name in ONLY_ON_ENA:
            if self.daemon_text is None:
                self.problems.append(f"{where}: {name} is exported on ENA only: give --daemon BINARY")
                return False
            if re.search(re.escape(name).encode() + rb"[{ ]", self.daemon_text):
                return True
            self.problems.append(f"{where}: {name} (ENA only) is not in the daemon binary")
            return False
        self.problems.append(f"{where}: {name} is not exported (not in /metrics)")
        return False

    def selector(self, where, name, matchers):
        if not self.known(where, name):
            return
        values = self.metrics.get(name, {})
        for label, op, value in matchers:
            if label in TARGET_LABELS or label in self.static:
                continue
            if label not in self.labels_of(name):
                self.problems.append(f"{where}: {name} has no label '{label}' "
                                     f"(it has {', '.join(sorted(self.labels_of(name))) or 'none'})")
                continue
            if "$" in value or name not in self.metrics:
                continue  # a dashboard variable; an ENA driver's counter names
            have = values.get(label, set())
            if op in ("=", "!=") or re.fullmatch(r"[A-Za-z0-9_]+(\|[A-Za-z0-9_]+)+", value):
                ok = all(v in have for v in value.split("|"))  # each word of a|b|c too
            else:
                ok = any(re.fullmatch(value, v) for v in have)
            if not ok:
                self.problems.append(f"{where}: {name}{{{label}{op}\"{value}\"}} matches no exported "
                                     f"value ({', '.join(sorted(have))})")

    def expression(self, where, expr, texts=()):
        names = set()
        for name, matchers in uses(expr):
            names.add(name)
            self.selector(where, name, matchers)
        exported = set().union(*[self.labels_of(n) for n in names]) if names else set()
        wanted = grouping_labels(expr) | {a or b for t in texts for a, b in TEMPLATE_LABEL.findall(str(t))}
        for label in sorted(wanted - TARGET_LABELS - exported - {"value"}):
            if names:
                self.problems.append(f"{where}: label '{label}' is on none of {', '.join(sorted(names))}")
        return names

    def cloudwatch_agent(self, path, doc):
        prom = doc.get("logs", {}).get("metrics_collected", {}).get("prometheus", {})
        emf = prom.get("emf_processor", {})
        if not prom or not emf.get("metric_declaration"):
            self.problems.append(f"{path}: no logs.metrics_collected.prometheus.emf_processor.metric_declaration")
            return {}
        declared = {}
        for i, d in enumerate(emf["metric_declaration"]):
            where = f"{path}: metric_declaration[{i}]"
            hits = set()
            for sel in d.get("metric_selectors", []):
                these = {n for n in list(self.metrics) + list(ONLY_ON_ENA) if re.search(sel, n)}
                these = {n for n in these if n.startswith("vxlan_pipeline_")}
                if not these:
                    self.problems.append(f"{where}: the selector {sel!r} selects no exported metric")
                for n in these:
                    self.known(where, n)
                hits |= these
            for dims in d.get("dimensions", []):
                for n in hits:
                    missing = set(dims) - self.labels_of(n) - self.static - TARGET_LABELS
                    if missing:
                        self.problems.append(f"{where}: dimensions {dims}: {n} has no label "
                                             f"{', '.join(sorted(missing))}")
                    declared.setdefault(n, []).append(set(dims))
        for n in emf.get("metric_unit", {}):
            self.known(f"{path}: metric_unit", n)
        return declared

    def cloudformation(self, path, doc, declared):
        """Alarms on metrics the agent publishes, with a declared dimension set."""
        for rname, r in (doc.get("Resources") or {}).items():
            if r.get("Type") != "AWS::CloudWatch::Alarm":
                continue
            for q in r.get("Properties", {}).get("Metrics", []):
                stat = q.get("MetricStat", {}).get("Metric", {})
                name = stat.get("MetricName")
                if not isinstance(name, str) or not name.startswith("vxlan_pipeline_"):
                    continue
                where = f"{path}: {rname}.{q.get('Id')}"
                if not self.known(where, name):
                    continue
                dims = {d.get("Name"): d.get("Value") for d in stat.get("Dimensions", [])}
                if set(dims) not in declared.get(name, []):
                    self.problems.append(f"{where}: {name} with dimensions {sorted(dims)}: the agent "
                                         f"publishes {[sorted(s) for s in declared.get(name, [])]}")
                self.selector(where, name, [(k, "=", v) for k, v in dims.items() if isinstance(v, str)])


def static_labels(path):
    """The job name and the labels a Prometheus scrape configuration adds."""
    if not path:
        return set(), set()
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    jobs, labels = set(), set()
    for sc in doc.get("scrape_configs", []):
        jobs.add(sc.get("job_name"))
        for st in sc.get("static_configs", []):
            labels |= set((st.get("labels") or {}).keys())
    return jobs, labels


class CfnLoader(yaml.SafeLoader):
    pass


CfnLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def load(path):
    with open(path, encoding="utf-8") as f:
        if path.endswith(".json"):
            return json.load(f)
        return yaml.load(f, Loader=CfnLoader)  # noqa: S506 (a SafeLoader)


def check(argv):
    opts, files = {}, []
    while argv:
        a = argv.pop(0)
        if a in ("--daemon", "--scrape"):
            opts[a] = argv.pop(0)
        else:
            files.append(a)
    if len(files) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    daemon = None
    if "--daemon" in opts:
        with open(opts["--daemon"], "rb") as f:
            daemon = f.read()
    jobs, static = static_labels(opts.get("--scrape"))
    c = Checker(read_metrics(files[0]), daemon, static)
    if not c.metrics:
        c.problems.append(f"{files[0]}: no metric in it")
    declared, used = {}, set()
    for path in files[1:]:
        doc = load(path)
        if path.endswith(".cfn.yaml"):
            continue
        if isinstance(doc, dict) and "groups" in doc:
            for where, expr, texts in rule_exprs(doc):
                used |= c.expression(f"{path}: {where}", expr, texts)
        elif isinstance(doc, dict) and "panels" in doc:
            for where, expr, texts in dashboard_exprs(doc):
                used |= c.expression(f"{path}: {where}", grafana_plain(expr), texts)
        elif isinstance(doc, dict) and "logs" in doc:
            for d in doc["logs"]["metrics_collected"]["prometheus"]["emf_processor"].get("metric_declaration", []):
                lm = d.get("label_matcher", "")
                if d.get("source_labels") == ["job"] and not any(re.search(lm, j or "") for j in jobs):
                    c.problems.append(f"{path}: label_matcher {lm!r} matches no scrape job ({sorted(jobs)})")
            declared = c.cloudwatch_agent(path, doc)
            used |= set(declared)
        else:
            c.problems.append(f"{path}: neither rules, a dashboard nor a CloudWatch agent configuration")
    for path in files[1:]:
        if path.endswith(".cfn.yaml"):
            c.cloudformation(path, load(path), declared)
    for p in c.problems:
        print(p, file=sys.stderr)
    print(f"{len(used)} metrics used, {len(c.metrics)} exported, {len(c.problems)} problems")
    return 1 if c.problems else 0


def dashboard_rules(path):
    doc = load(path)
    rules = [{"record": f"dashboard:query_{i}", "expr": grafana_plain(expr)}
             for i, (_, expr, _) in enumerate(dashboard_exprs(doc))]
    print(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}, sort_keys=False))
    return 0


def main(argv):
    if len(argv) < 3 or argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0 if len(argv) >= 2 and argv[1] in ("-h", "--help") else 2
    if argv[1] == "check":
        return check(argv[2:])
    if argv[1] == "dashboard-rules" and len(argv) == 3:
        return dashboard_rules(argv[2])
    if argv[1] == "list":
        for path in argv[2:]:
            doc = load(path)
            exprs = rule_exprs(doc) if "groups" in doc else dashboard_exprs(doc)
            for name in sorted({n for _, e, _ in exprs for n, _ in uses(e)}):
                print(f"{path}\t{name}")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))

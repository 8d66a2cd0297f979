#!/usr/bin/python3
"""The Python half of tools/sweep: reads and checks the sweep spec, expands it into points, and merges the
points' summaries into one tidy CSV. tools/sweep runs the points; see docs/sweeps.md.

Usage (called by tools/sweep, not meant to be run by hand):
  sweep_lib.py expand SPEC DIR [--scenario FILE]   check SPEC, write DIR/sweep.json, DIR/points.csv and
                                                   DIR/args/NNNN; print the point count, then the indices
                                                   of the points not done yet, one a line (DIR "-": print
                                                   the points as CSV and write nothing)
  sweep_lib.py slurm-groups DIR MAX_ARRAY_SIZE     read pending indices on stdin; print "BASE ARRAY_SPEC"
                                                   lines, one per job array (Slurm caps task ids)
  sweep_lib.py finish DIR [--slurm-jobs FILE]      report failed points, write DIR/merged.csv (every point
                                                   done) or DIR/merged.partial.csv; exit 0, 1 or 2

Exit codes: 0 ok, 2 bad input (with file:line:column: key: expected ...), 1 points failed or internal error.
"""
import csv
import hashlib
import io
import itertools
import json
import os
import re
import sys
import tempfile

import yaml

TOP_KEYS = ("scenario", "product", "zip", "seeds", "set")
# Columns of merged.csv besides the swept keys: a swept key of one of these names would be ambiguous.
RESERVED = ("point", "choice", "metric", "value", "seed", "dir")
MAX_POINTS = 1_000_000
MAX_SEED = 2**53  # gigasim's --seed range
STR = "tag:yaml.org,2002:str"
INT = "tag:yaml.org,2002:int"
NULL = "tag:yaml.org,2002:null"


class BadInput(Exception):
    pass


def fail(msg, code=2):
    print(f"sweep: error: {msg}", file=sys.stderr)
    sys.exit(code)


def point_name(i):
    # The same format as tools/sweep's run_point (printf %04d).
    return f"{i:04d}"


def atomic_write(path, text):
    """Write through a temporary file in the same directory and rename it: a reader (or a kill) never sees half a
    file."""
    d = os.path.dirname(path) or "."
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=d)
    try:
        with os.fdopen(fd, "w", newline="") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


# ---------------------------------------------------------------------------------------------------- spec


class Spec:
    def __init__(self, path):
        self.path = path
        self.scenario = None  # absolute path
        self.columns = []  # swept keys, in column order
        self.fixed = []  # (key, argument text)
        self.seeds = None  # list of ints, or None when the scenario's own seed is used
        self.product = []  # (key, [(text, arg)])
        self.zips = []  # ([keys], [[(text, arg) per key] per row])


def where(spec, node):
    m = node.start_mark
    return f"{spec.path}:{m.line + 1}:{m.column + 1}"


def describe(node):
    if isinstance(node, yaml.MappingNode):
        return "a mapping" if node.value else "an empty mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list" if node.value else "an empty list"
    if node.tag == NULL:
        return "nothing" if node.value in ("", "~") else f"null ({node.value})"
    return f"'{node.value}'"


def err(spec, node, key, expected):
    raise BadInput(f"{where(spec, node)}: {key}: expected {expected}, got {describe(node)}")


def mapping_items(spec, node, key, expected):
    """The (key text, key node, value node) triples of a mapping node, refusing duplicates and non-text keys."""
    if not isinstance(node, yaml.MappingNode):
        err(spec, node, key, expected)
    seen = {}
    out = []
    for k, v in node.value:
        if not isinstance(k, yaml.ScalarNode) or k.tag != STR or k.value == "":
            err(spec, k, key, "text keys")
        if k.value in seen:
            raise BadInput(f"{where(spec, k)}: {key}.{k.value}: duplicate key (first at line {seen[k.value]})")
        seen[k.value] = k.start_mark.line + 1
        out.append((k.value, k, v))
    return out


def check_key(spec, knode, section):
    k = knode.value
    label = f"{section}: '{k}'"
    if re.search(r"[=\s]", k) or any(seg == "" for seg in k.split(".")):
        raise BadInput(f"{where(spec, knode)}: {label}: expected a gigasim --set key path (dotted, e.g. site.pue or "
                       f"hardware_choices.h100.chips; no spaces, no '=')")
    if k == "seed":
        raise BadInput(f"{where(spec, knode)}: {label}: expected the seeds in the top-level 'seeds:' list "
                       f"(it becomes the 'seed' column and gigasim's --seed)")
    if k in RESERVED:
        raise BadInput(f"{where(spec, knode)}: {label}: a column of merged.csv has this name; expected a scenario key path")
    return k


def scalar_arg(spec, node, key):
    """(text as written, the value text handed to `gigasim run --set key=value`). gigasim parses the value as YAML, so
    plain scalars go through as written and quoted ones stay quoted (gigasim tells text from numbers)."""
    if not isinstance(node, yaml.ScalarNode) or node.tag == NULL or node.value == "":
        err(spec, node, key, "a scalar value (a number, a word or quoted text)")
    if node.style in ("|", ">"):
        err(spec, node, key, "a one-line value (not a block scalar)")
    if node.style in ("'", '"'):
        return node.value, json.dumps(node.value, ensure_ascii=False)
    if "\n" in node.value:
        err(spec, node, key, "a one-line value")
    return node.value, node.value


def value_list(spec, node, key):
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        err(spec, node, key, "a non-empty list of values, e.g. [1.1, 1.2]")
    out = []
    seen = {}
    for item in node.value:
        text, arg = scalar_arg(spec, item, key)
        if arg in seen:
            raise BadInput(f"{where(spec, item)}: {key}: value '{text}' repeated (first at line {seen[arg]}); "
                           f"expected distinct values")
        seen[arg] = item.start_mark.line + 1
        out.append((text, arg))
    return out


def int_value(spec, node, key, lo, hi):
    if not isinstance(node, yaml.ScalarNode) or node.tag != INT:
        err(spec, node, key, f"an integer in [{lo}, {hi}]")
    v = yaml.constructor.SafeConstructor().construct_yaml_int(node)
    if not lo <= v <= hi:
        err(spec, node, key, f"an integer in [{lo}, {hi}]")
    return v


def parse_seeds(spec, node):
    if isinstance(node, yaml.SequenceNode):
        if not node.value:
            err(spec, node, "seeds", "a non-empty list of integers, or {count: N, start: S}")
        seeds, seen = [], {}
        for item in node.value:
            s = int_value(spec, item, "seeds", 0, MAX_SEED)
            if s in seen:
                raise BadInput(f"{where(spec, item)}: seeds: {s} repeated (first at line {seen[s]}); expected distinct seeds")
            seen[s] = item.start_mark.line + 1
            seeds.append(s)
        return seeds
    if isinstance(node, yaml.MappingNode):
        fields = {}
        for k, knode, v in mapping_items(spec, node, "seeds", "{count: N, start: S}"):
            if k not in ("count", "start"):
                raise BadInput(f"{where(spec, knode)}: seeds.{k}: unknown key (expected count and start)")
            fields[k] = (knode, v)
        for k in ("count", "start"):
            if k not in fields:
                raise BadInput(f"{where(spec, node)}: seeds: missing '{k}' (expected {{count: N, start: S}}, "
                               f"the seeds S, S+1, ..., S+N-1)")
        count = int_value(spec, fields["count"][1], "seeds.count", 1, MAX_POINTS)
        start = int_value(spec, fields["start"][1], "seeds.start", 0, MAX_SEED)
        if start + count - 1 > MAX_SEED:
            err(spec, fields["count"][1], "seeds.count", f"start + count - 1 <= {MAX_SEED}")
        return list(range(start, start + count))
    err(spec, node, "seeds", "a list of integers, or {count: N, start: S}")


def parse_spec(path, scenario_override):
    spec = Spec(path)
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise BadInput(f"{path}: cannot read the sweep spec: {e}")
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as e:
        m = e.problem_mark or e.context_mark
        raise BadInput(f"{path}:{m.line + 1}:{m.column + 1}: malformed YAML: {e.problem or e.context}")
    except yaml.YAMLError as e:
        raise BadInput(f"{path}: malformed YAML: {e}")
    if root is None:
        raise BadInput(f"{path}: empty sweep spec; expected a mapping with {', '.join(TOP_KEYS)}")
    top = {}
    for k, knode, v in mapping_items(spec, root, "<top level>", f"a mapping with the keys {', '.join(TOP_KEYS)}"):
        if k not in TOP_KEYS:
            raise BadInput(f"{where(spec, knode)}: {k}: unknown key (expected one of {', '.join(TOP_KEYS)})")
        top[k] = v

    # The scenario: the command line's --scenario (relative to the working directory) wins over the spec's
    # (relative to the spec file, like the paths inside a scenario).
    if scenario_override is not None:
        scenario, origin = os.path.abspath(scenario_override), "--scenario"
    elif "scenario" in top:
        n = top["scenario"]
        if not isinstance(n, yaml.ScalarNode) or n.tag != STR or not n.value:
            err(spec, n, "scenario", "the path of a scenario YAML file")
        scenario = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(path)), n.value))
        origin = f"{where(spec, n)}: scenario"
    else:
        raise BadInput(f"{path}: scenario: missing; expected 'scenario: FILE' in the spec (relative to it) or "
                       f"--scenario FILE on the command line")
    if not os.path.isfile(scenario):
        raise BadInput(f"{origin}: {scenario}: no such file; expected a scenario YAML file")
    spec.scenario = scenario

    keys_at = {}  # every key given, for duplicates across sections

    def claim(knode, section):
        k = check_key(spec, knode, section)
        if k in keys_at:
            raise BadInput(f"{where(spec, knode)}: {section}: '{k}' is also given at {keys_at[k]}; expected each key once")
        keys_at[k] = f"line {knode.start_mark.line + 1}"
        return k

    if "set" in top:
        items = mapping_items(spec, top["set"], "set", "a mapping of key paths to values, e.g. {horizon_days: 60}")
        for _, knode, v in items:
            k = claim(knode, "set")
            _, arg = scalar_arg(spec, v, f"set.{k}")
            spec.fixed.append((k, arg))

    if "product" in top:
        items = mapping_items(spec, top["product"], "product", "a mapping of key paths to lists of values")
        if not items:
            err(spec, top["product"], "product", "at least one key path with its list of values")
        for _, knode, v in items:
            k = claim(knode, "product")
            spec.product.append((k, value_list(spec, v, f"product.{k}")))

    if "zip" in top:
        z = top["zip"]
        # One group (a mapping) or several (a list of mappings): each group's lists advance together, and the
        # groups are crossed with each other and with the product.
        groups = z.value if isinstance(z, yaml.SequenceNode) else [z]
        if isinstance(z, yaml.SequenceNode) and not groups:
            err(spec, z, "zip", "a mapping of key paths to equally long lists, or a list of such mappings")
        for g in groups:
            items = mapping_items(spec, g, "zip", "a mapping of key paths to equally long lists (or a list of such mappings)")
            if not items:
                err(spec, g, "zip", "at least one key path with its list of values")
            keys, lists, first = [], [], None
            for _, knode, v in items:
                k = claim(knode, "zip")
                vals = value_list(spec, v, f"zip.{k}")
                if first is None:
                    first = (k, len(vals), v.start_mark.line + 1)
                elif len(vals) != first[1]:
                    raise BadInput(f"{where(spec, v)}: zip.{k}: expected {first[1]} values like zip.{first[0]} "
                                   f"(line {first[2]}), since the lists of a zip advance together; got {len(vals)}")
                keys.append(k)
                lists.append(vals)
            rows = [list(r) for r in zip(*lists)]
            seen = {}
            for i, r in enumerate(rows):
                t = tuple(a for _, a in r)
                if t in seen:
                    raise BadInput(f"{where(spec, g)}: zip: row {i + 1} ({', '.join(x for x, _ in r)}) repeats row "
                                   f"{seen[t] + 1}; expected distinct rows")
                seen[t] = i
            spec.zips.append((keys, rows))

    if "seeds" in top:
        spec.seeds = parse_seeds(spec, top["seeds"])

    spec.columns = [k for k, _ in spec.product] + [k for keys, _ in spec.zips for k in keys]
    count = 1
    for _, vals in spec.product:
        count *= len(vals)
    for _, rows in spec.zips:
        count *= len(rows)
    count *= len(spec.seeds) if spec.seeds else 1
    if count > MAX_POINTS:
        raise BadInput(f"{path}: the spec expands to {count:,} points; expected at most {MAX_POINTS:,}")
    return spec


def expand(spec):
    """The points in order: the product (its last key varying fastest), then each zip group, then the seeds."""
    axes = [[[(k, t, a)] for t, a in vals] for k, vals in spec.product]
    axes += [[[(k, t, a) for k, (t, a) in zip(keys, row)] for row in rows] for keys, rows in spec.zips]
    axes.append([[("seed", str(s), str(s))] for s in spec.seeds] if spec.seeds else [[]])
    points = []
    for combo in itertools.product(*axes):
        cells = [c for part in combo for c in part]
        sets = [f"{k}={a}" for k, a in spec.fixed] + [f"{k}={a}" for k, _, a in cells if k != "seed"]
        seed = next((int(a) for k, _, a in cells if k == "seed"), None)
        points.append({"values": [t for _, t, _ in cells], "sets": sets, "seed": seed})
    return points


def file_sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# ---------------------------------------------------------------------------------------------------- expand


def cmd_expand(argv):
    scenario_override = None
    if len(argv) == 4 and argv[2] == "--scenario":
        scenario_override = argv[3]
    elif len(argv) != 2:
        fail("internal: expand SPEC DIR [--scenario FILE]", 1)
    spec_path, out = argv[0], argv[1]
    try:
        spec = parse_spec(spec_path, scenario_override)
    except BadInput as e:
        fail(str(e))
    points = expand(spec)
    columns = spec.columns + (["seed"] if spec.seeds else [])
    if out == "-":  # tools/sweep --dry-run: the points, nothing written
        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(["point"] + columns)
        for i, p in enumerate(points):
            w.writerow([i] + p["values"])
        print(f"sweep: {len(points)} points of {spec.scenario}", file=sys.stderr)
        return
    scenario_sha = file_sha256(spec.scenario)
    # The fingerprint covers what decides each point's results: the scenario file's bytes and every point's
    # overrides and seed, in order. Not the scenario's path, so a moved checkout resumes.
    body = json.dumps({"scenario_sha256": scenario_sha, "columns": columns,
                       "points": [[p["sets"], p["seed"]] for p in points]}, sort_keys=True)
    fingerprint = hashlib.sha256(body.encode()).hexdigest()

    meta_path = os.path.join(out, "sweep.json")
    if os.path.exists(meta_path):
        try:
            with open(meta_path) as f:
                old = json.load(f)
            old_fp, old_scn, old_n = old["fingerprint"], old["scenario_sha256"], len(old["points"])
        except (OSError, ValueError, KeyError, TypeError) as e:
            fail(f"{meta_path}: unreadable ({e}); is {out} a sweep directory?")
        if old_fp != fingerprint:
            if old_scn != scenario_sha:
                why = f"the contents of the scenario {spec.scenario} changed"
            elif old_n != len(points):
                why = f"the spec now expands to {len(points)} points, not {old_n}"
            else:
                why = "the points' values changed"
                for i, p in enumerate(points):
                    o = old["points"][i]
                    a = o.get("sets", []) + ([f"seed={o['seed']}"] if o.get("seed") is not None else [])
                    b = p["sets"] + ([f"seed={p['seed']}"] if p["seed"] is not None else [])
                    if a != b:
                        gone = [x for x in a if x not in b] or ["(the same values in another order)"]
                        new = [x for x in b if x not in a] or ["(the same values in another order)"]
                        why = f"point {point_name(i)} had {' '.join(gone)}, now {' '.join(new)}"
                        break
            fail(f"{out}: holds the results of a different sweep ({why}; first run from {old.get('spec')}); "
                 f"expected the same spec and scenario to resume. Give another --out, or delete {out} to start over")
    else:
        extra = sorted(set(os.listdir(out)) - {".lock"})
        if extra:
            fail(f"{out}: exists and is not a sweep directory (it holds {', '.join(extra[:5])}"
                 f"{', ...' if len(extra) > 5 else ''}); expected a new or empty directory, or an earlier sweep's")

    # The per-point argument files first, sweep.json last: its presence means the directory is complete.
    args_dir = os.path.join(out, "args")
    os.makedirs(args_dir, exist_ok=True)
    for i, p in enumerate(points):
        args = ["run", spec.scenario]
        for s in p["sets"]:
            args += ["--set", s]
        if p["seed"] is not None:
            args += ["--seed", str(p["seed"])]
        text = "".join(a + "\n" for a in args)
        path = os.path.join(args_dir, point_name(i))
        try:
            with open(path) as f:
                same = f.read() == text
        except FileNotFoundError:
            same = False
        if not same:
            atomic_write(path, text)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["point"] + columns + ["dir"])
    for i, p in enumerate(points):
        w.writerow([i] + p["values"] + [f"points/{point_name(i)}"])
    atomic_write(os.path.join(out, "points.csv"), buf.getvalue())
    meta = {"spec": os.path.abspath(spec_path), "scenario": spec.scenario, "scenario_sha256": scenario_sha,
            "fingerprint": fingerprint, "columns": columns,
            "points": [{"point": i, "dir": f"points/{point_name(i)}", "values": p["values"], "sets": p["sets"],
                        "seed": p["seed"]} for i, p in enumerate(points)]}
    atomic_write(meta_path, json.dumps(meta, indent=1) + "\n")

    print(len(points))
    for i in range(len(points)):
        if not os.path.isfile(os.path.join(out, "points", point_name(i), "summary.json")):
            print(i)


# ---------------------------------------------------------------------------------------------------- slurm


def ranges(indices):
    out, start, prev = [], None, None
    for i in indices:
        if start is None:
            start = prev = i
        elif i == prev + 1:
            prev = i
        else:
            out.append(f"{start}-{prev}" if prev > start else str(start))
            start = prev = i
    if start is not None:
        out.append(f"{start}-{prev}" if prev > start else str(start))
    return ",".join(out)


def cmd_slurm_groups(argv):
    if len(argv) != 2:
        fail("internal: slurm-groups DIR MAX_ARRAY_SIZE", 1)
    span = int(argv[1])  # task ids must be < MaxArraySize
    pending = sorted(int(x) for x in sys.stdin.read().split())
    for base, group in itertools.groupby(pending, key=lambda i: i // span * span):
        print(base, ranges([i - base for i in group]))


# ---------------------------------------------------------------------------------------------------- finish


def flatten(prefix, v, out):
    """Numeric leaves by dotted path (list elements by index). null is kept as an empty value so every point
    has the same metrics; text and booleans are not metrics."""
    if isinstance(v, dict):
        for k, x in v.items():
            flatten(f"{prefix}.{k}" if prefix else str(k), x, out)
    elif isinstance(v, list):
        for k, x in enumerate(v):
            flatten(f"{prefix}.{k}" if prefix else str(k), x, out)
    elif v is None:
        out.append((prefix, ""))
    elif isinstance(v, bool):
        pass
    elif isinstance(v, int):
        out.append((prefix, str(v)))
    elif isinstance(v, float):
        out.append((prefix, repr(v)))  # the shortest text that reads back to the same double


def read_status(out, name):
    try:
        with open(os.path.join(out, "status", name)) as f:
            return int(f.read().strip())
    except (FileNotFoundError, ValueError):
        return None


def cmd_finish(argv):
    if len(argv) not in (1, 3) or (len(argv) == 3 and argv[1] != "--slurm-jobs"):
        fail("internal: finish DIR [--slurm-jobs FILE]", 1)
    out = argv[0]
    with open(os.path.join(out, "sweep.json")) as f:
        meta = json.load(f)
    jobs = []  # (job id, base index) of the arrays this run submitted
    if len(argv) == 3:
        with open(argv[2]) as f:
            jobs = [tuple(int(x) for x in line.split()) for line in f if line.strip()]
    points, columns = meta["points"], meta["columns"]

    def label(p):
        vals = ", ".join(f"{c}={v}" for c, v in zip(columns, p["values"]))
        return f"point {point_name(p['point'])}" + (f" ({vals})" if vals else "")

    def log_of(p):
        return os.path.join(out, "logs", point_name(p["point"]) + ".log")

    def slurm_log(p):
        mine = [(j, b) for j, b in jobs if b <= p["point"]]
        if not mine:
            return ""
        j, b = max(mine, key=lambda x: x[1])
        task = f"{j}_{p['point'] - b}"
        return f"; Slurm task {task}, its log {os.path.join(out, 'logs', 'slurm-' + task + '.out')}"

    missing = [p for p in points if not os.path.isfile(os.path.join(out, p["dir"], "summary.json"))]
    bad = [p for p in missing if read_status(out, point_name(p["point"])) == 2]
    if bad:
        p = bad[0]
        try:
            with open(log_of(p)) as f:
                msg = f.read().strip()
        except FileNotFoundError:
            msg = "(no log)"
        others = f" (it refused {len(bad) - 1} more point(s))" if len(bad) > 1 else ""
        fail(f"{label(p)}: gigasim refused its input, so the sweep stopped{others}; its log {log_of(p)}:\n{msg}")

    for p in missing:
        rc = read_status(out, point_name(p["point"]))
        if rc is None:
            print(f"sweep: {label(p)}: no result (not run, interrupted, cancelled or killed){slurm_log(p)}",
                  file=sys.stderr)
        else:
            try:
                with open(log_of(p)) as f:
                    last = f.read().strip().splitlines()[-1:] or ["(empty log)"]
            except FileNotFoundError:
                last = ["(no log)"]
            print(f"sweep: {label(p)}: failed, exit {rc}: {last[0]} (log {log_of(p)}){slurm_log(p)}", file=sys.stderr)

    done = set(p["point"] for p in points) - set(p["point"] for p in missing)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["point"] + columns + ["choice", "metric", "value"])
    for p in points:
        if p["point"] not in done:
            continue
        path = os.path.join(out, p["dir"], "summary.json")
        try:
            with open(path) as f:
                summary = json.load(f)
            choices = summary["choices"]
            if p["seed"] is not None and summary.get("seed") != p["seed"]:
                fail(f"{path}: seed {summary.get('seed')}, expected {p['seed']}: not this sweep's result; delete it "
                     f"and rerun", 1)
        except (OSError, ValueError, KeyError, TypeError) as e:
            fail(f"{path}: unreadable summary ({e}); delete {os.path.join(out, p['dir'])} and rerun", 1)
        for choice in sorted(choices):
            leaves = []
            flatten("", {k: v for k, v in choices[choice].items() if k != "assumptions"}, leaves)
            for metric, value in sorted(leaves):
                w.writerow([p["point"]] + p["values"] + [choice, metric, value])

    full, partial = os.path.join(out, "merged.csv"), os.path.join(out, "merged.partial.csv")
    if missing:
        atomic_write(partial, buf.getvalue())
        if os.path.exists(full):
            os.unlink(full)  # it would describe a sweep that is no longer complete
        fail(f"{len(missing)} of {len(points)} points have no result; the others are in {partial}. Rerun the same "
             f"command to retry only those", 1)
    atomic_write(full, buf.getvalue())
    if os.path.exists(partial):
        os.unlink(partial)
    print(f"sweep: {len(points)} points merged into {full}")


def main():
    if len(sys.argv) < 2:
        fail("internal: expected a command: expand, slurm-groups or finish (see tools/sweep --help)", 1)
    cmd, argv = sys.argv[1], sys.argv[2:]
    if cmd == "expand":
        cmd_expand(argv)
    elif cmd == "slurm-groups":
        cmd_slurm_groups(argv)
    elif cmd == "finish":
        cmd_finish(argv)
    else:
        fail(f"internal: unknown command {cmd}", 1)


if __name__ == "__main__":
    main()

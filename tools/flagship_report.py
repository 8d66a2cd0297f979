#!/usr/bin/python3
"""Writes docs/results/flagship-5gw-10y.md from the committed flagship scenario: the base comparison of
every choice, the answer to "does Trainium cut the cost per token by 50%?" (trained and served), how much
of each fleet is used, a one-at-a-time sensitivity of that answer to the estimated inputs (a tornado chart)
and their joint uncertainty (`gigasim run --samples N`: the ratio's p5/p50/p95 and how often it is <= 0.5).

Usage: tools/flagship_report.py [--gigasim BIN] [--out DIR] [--years N] [--samples N] [-j J] [--keep-runs DIR]
  --gigasim    default build/release/sim/gigasim
  --out        default docs/results (writes flagship-5gw-10y.md, flagship-tornado.png/.svg, flagship-joint.png/.svg,
               flagship-joint-samples.csv, flagship-comparison.csv and the base run's plots under flagship-plots/)
  --years      cut the horizon (a quick check; the committed report uses the scenario's ten years)
  --samples    samples of the joint uncertainty (default 30; at least 2)
  -j, --jobs   samples run side by side (default: the number of CPUs)
  --keep-runs  keep the gigasim runs in this directory (base/, lo/, hi/, joint/) instead of a temporary one

Every run is `gigasim run` on the scenario or on a two-choice scenario that `extends:` it (nvidia and trainium
only: the ratio they answer), with `--set` overrides. Runs with the system Python (matplotlib).
"""
import argparse
import csv
import datetime
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCENARIO = os.path.join(ROOT, "scenarios", "flagship-5gw-10y.yaml")
KEYS = ("usd_per_million_tokens_trained", "usd_per_million_tokens_served")
CLAIM = 0.5  # "cuts the cost per token by 50%"


def fail(msg):
    print(f"flagship_report: error: {msg}", file=sys.stderr)
    sys.exit(2)


class Loader(yaml.SafeLoader):
    """YAML 1.2 numbers: PyYAML reads 1.0e6 (no sign in the exponent) as text, gigasim as a number."""


Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?|\.[0-9_]+(?:[eE][-+]?[0-9]+)?|[0-9][0-9_]*[eE][-+]?[0-9]+)$"),
    list("-+0123456789."))


def system_price(system_id):
    with open(os.path.join(ROOT, "platforms", "catalog", f"{system_id}.yaml")) as f:
        return float(yaml.load(f, Loader=Loader)["system"]["price_usd"]["value"])


def choice_of(scenario, name):
    for c in scenario["hardware_choices"]:
        if c["name"] == name:
            return c
    fail(f"the scenario has no choice '{name}'")


def gigasim_run(binary, scenario_file, sets, out, extra=()):
    cmd = [binary, "run", scenario_file, "--out", out, "--quiet", "--force", *extra]
    for s in sets:
        cmd += ["--set", s]
    t = time.time()
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"{' '.join(cmd)} exited {r.returncode}: {r.stderr.strip()}")
    with open(os.path.join(out, "summary.json")) as f:
        return json.load(f), time.time() - t


def ratios(choices):
    n, t = choices["nvidia"]["cost"], choices["trainium"]["cost"]
    return {k: (t[k] / n[k] if n[k] and t[k] is not None else None) for k in KEYS}


def percentile(xs, p):
    """Hyndman and Fan's definition 7 (numpy's default, and gigasim's): linear between order statistics."""
    xs = sorted(xs)
    h = (len(xs) - 1) * p
    i = math.floor(h)
    return xs[i] + (h - i) * (xs[min(i + 1, len(xs) - 1)] - xs[i])


def wilson(k, n, z=1.96):
    """95% Wilson score interval of a proportion k/n."""
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return max(0.0, c - h), min(1.0, c + h)


def spearman(xs, ys):
    def ranks(v):
        order = sorted(range(len(v)), key=lambda i: v[i])
        r = [0.0] * len(v)
        i = 0
        while i < len(order):
            j = i
            while j + 1 < len(order) and v[order[j + 1]] == v[order[i]]:
                j += 1
            for k in range(i, j + 1):
                r[order[k]] = (i + j) / 2
            i = j + 1
        return r
    rx, ry = ranks(xs), ranks(ys)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    sxy = sum((a - mx) * (b - my) for a, b in zip(rx, ry))
    sx = math.sqrt(sum((a - mx) ** 2 for a in rx))
    sy = math.sqrt(sum((b - my) ** 2 for b in ry))
    return sxy / (sx * sy) if sx > 0 and sy > 0 else None


def num(v):
    return f"{v:.10g}"


def utilisation(run_dir, summary):
    """Per choice, from the base run: shares of installed chip-hours held by training and serving, and the cost
    per token if each month's ownership cost were paid only for the share of chip-hours held."""
    horizon = summary["horizon_s"]
    start = datetime.date.fromisoformat(summary["start_date"])
    installed = {}
    with open(os.path.join(run_dir, "fleet.csv")) as f:
        for r in csv.DictReader(f):  # each lot from its delivery to its retirement or the horizon
            t0 = min((datetime.date.fromisoformat(r["delivery_date"]) - start).days * 86400, horizon)
            t1 = min((datetime.date.fromisoformat(r["retire_date"]) - start).days * 86400, horizon) if r["retire_date"] else horizon
            installed[r["choice"]] = installed.get(r["choice"], 0.0) + int(r["chips"]) * max(0.0, t1 - t0) / 3600
    monthly = {}
    with open(os.path.join(run_dir, "timeseries.csv")) as f:
        for r in csv.DictReader(f):
            monthly.setdefault(r["choice"], {}).setdefault(r["metric"], {})[int(r["month"])] = float(r["value"])
    out = {}
    for name, c in summary["choices"].items():
        m = monthly[name]
        months = sorted(m["utilisation"])
        held = c["training"]["utilisation"]
        serving = c["inference"]["serving_chip_hours"] / installed[name]
        train_own = [m["cost_ownership_usd"][i] - m["cost_serving_usd"][i] for i in months]
        serve_own = [m["cost_serving_usd"][i] for i in months]
        # Electricity as drawn (serving's: its energy at the month's price per IT joule, as the model splits it);
        # the rest of the ownership cost (depreciation, interest, maintenance, rent) times the held share.
        elec = [m["cost_electricity_usd"][i] for i in months]
        serve_elec = [m["cost_electricity_usd"][i] * m["energy_serving_mwh"][i] / m["energy_it_mwh"][i] if m["energy_it_mwh"][i] > 0 else 0.0
                      for i in months]
        held_m = [m["utilisation"][i] for i in months]
        serve_if = sum((so - se) * u + se for so, se, u in zip(serve_own, serve_elec, held_m))
        train_if = sum((to - (e - se)) * u + (e - se) for to, e, se, u in zip(train_own, elec, serve_elec, held_m))
        tokens_t = sum(m["tokens_trained"][i] for i in months)
        tokens_s = sum(m["tokens_served"][i] for i in months)
        # The monthly parts add up to the summary's figures (else the fields are not what this reads).
        for got, want in ((sum(train_own) / (tokens_t / 1e6), c["cost"]["usd_per_million_tokens_trained"]),
                          (sum(serve_own) / (tokens_s / 1e6), c["cost"]["usd_per_million_tokens_served"])):
            if abs(got - want) > 1e-6 * abs(want):
                sys.exit(f"flagship_report: {name}: the monthly ownership costs give {got} $/Mtok, summary.json {want}")
        out[name] = {
            "installed_chip_hours": installed[name],
            "held": held,
            "serving": serving,
            "training": held - serving,
            "idle": 1 - held,
            "trained": c["cost"]["usd_per_million_tokens_trained"],
            "served": c["cost"]["usd_per_million_tokens_served"],
            "trained_if_held": train_if / (tokens_t / 1e6),
            "served_if_held": serve_if / (tokens_s / 1e6),
        }
    return out


def read_samples(path):
    params, metrics = {}, {}
    with open(path) as f:
        for r in csv.DictReader(f):
            k = int(r["sample"])
            if r["kind"] == "parameter":
                params.setdefault(k, {})[r["name"]] = float(r["value"])
            else:
                metrics.setdefault(k, {})[(r["choice"], r["name"])] = float(r["value"])
    return params, metrics


def main():
    t_start = time.time()
    ap = argparse.ArgumentParser(description="Writes the flagship report (docs/results/flagship-5gw-10y.md).")
    ap.add_argument("--gigasim", default=os.path.join(ROOT, "build", "release", "sim", "gigasim"))
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "results"))
    ap.add_argument("--years", type=float, default=None)
    ap.add_argument("--samples", type=int, default=30)
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--keep-runs", default=None)
    a = ap.parse_args()
    if a.samples < 2:
        fail(f"--samples {a.samples}: must be at least 2 (percentiles need two samples)")
    if a.jobs < 1:
        fail(f"--jobs {a.jobs}: must be at least 1")
    if a.years is not None and not a.years > 0:
        fail(f"--years {a.years:g}: must be above 0")
    if not os.access(a.gigasim, os.X_OK):
        fail(f"{a.gigasim}: not found; build it (tools/quickstart.sh) or pass --gigasim")
    try:
        import matplotlib
        matplotlib.use("Agg")
        matplotlib.rcParams["svg.hashsalt"] = "flagship"  # the same SVG for the same figure
        import matplotlib.pyplot as plt
    except ImportError:
        fail("needs matplotlib: apt-get install python3-matplotlib (tools/setup.sh does)")
    os.makedirs(a.out, exist_ok=True)
    with open(SCENARIO) as f:
        scenario = yaml.load(f, Loader=Loader)
    base_sets = [f"horizon_years={a.years:g}"] if a.years else []
    if a.keep_runs:
        os.makedirs(a.keep_runs, exist_ok=True)
        work = os.path.abspath(a.keep_runs)
    else:
        work = tempfile.mkdtemp(prefix="flagship-")
    try:
        report(a, plt, scenario, base_sets, work, t_start)
    finally:
        if not a.keep_runs:
            shutil.rmtree(work, ignore_errors=True)


def report(a, plt, scenario, base_sets, work, t_start):
    # The two-choice scenario of the sensitivity and joint runs: the flagship without mixed and rent.
    two = os.path.join(work, "flagship-two.yaml")
    with open(two, "w") as f:
        f.write("# tools/flagship_report.py: the flagship with only its nvidia and trainium choices\n")
        yaml.safe_dump({"extends": SCENARIO, "name": "flagship-5gw-10y-two",
                        "hardware_choices": [choice_of(scenario, "nvidia"), choice_of(scenario, "trainium")]},
                       f, sort_keys=False, default_flow_style=None)

    base_dir = os.path.join(work, "base")
    base_summary, base_s = gigasim_run(a.gigasim, SCENARIO, base_sets, base_dir)
    base = base_summary["choices"]
    subprocess.run([a.gigasim, "compare", base_dir, "--baseline", "nvidia", "--out", work, "--quiet"], check=True)
    with open(os.path.join(work, "comparison.md")) as f:
        comparison_md = f.read().split("\n", 4)[4]  # drop the title and the run list
    shutil.copyfile(os.path.join(work, "comparison.csv"), os.path.join(a.out, "flagship-comparison.csv"))
    subprocess.run([os.path.join(ROOT, "tools", "plot"), base_dir, "--out", os.path.join(a.out, "flagship-plots")],
                   check=True, capture_output=True)
    base_r = ratios(base)
    used = utilisation(base_dir, base_summary)

    # The estimated inputs: the tornado's two values, and for the joint run each number's triangular
    # distribution from the first value through the base value (the mode) to the second.
    assumed = base["nvidia"]["assumptions"]

    def base_of(key):
        return float(assumed[key]["value"])

    trn = choice_of(scenario, "trainium")["roadmap"]
    nv = choice_of(scenario, "nvidia")["roadmap"]
    demand = scenario["inference"]["demand"]

    def prices(roadmap, name, lo, hi):
        keys = [(f"hardware_choices.{name}.roadmap.{i}.price_usd", system_price(g["system"])) for i, g in enumerate(roadmap)]
        return ([f"{k}={p * lo:.0f}" for k, p in keys], [f"{k}={p * hi:.0f}" for k, p in keys],
                [(k, round(p * lo), p, round(p * hi)) for k, p in keys])

    def scalar(key, lo, hi):
        return [f"{key}={num(lo)}"], [f"{key}={num(hi)}"], [(key, lo, base_of(key), hi)]

    elec, pue, fac = base_of("site.electricity_usd_per_kwh"), base_of("site.pue"), base_of("site.facility_capex_usd_per_w")
    debt, rate = base_of("finance.debt_share"), base_of("finance.interest_rate")
    growth = sorted({float(d["growth_per_year"]) for d in demand})
    # (label, first value's --sets, second value's --sets, joint: [(key, lo, mode, hi)] or the reason it is left out)
    params = [
        ("Trainium system prices (estimates, no public price) x0.7 / x1.3", *prices(trn, "trainium", 0.7, 1.3)),
        ("NVIDIA system prices (estimates) x0.8 / x1.2", *prices(nv, "nvidia", 0.8, 1.2)),
        (f"Electricity $0.05 / $0.10 per kWh (base ${elec:g})", *scalar("site.electricity_usd_per_kwh", 0.05, 0.10)),
        (f"PUE 1.10 / 1.30 (base {pue:g})", *scalar("site.pue", 1.10, 1.30)),
        (f"Facility capex $9.3 / $15.0 per W (base ${fac:g})", *scalar("site.facility_capex_usd_per_w", 9.3, 15.0)),
        (f"Debt share 0 / 0.75 (base {debt:g})", *scalar("finance.debt_share", 0.0, 0.75)),
        (f"Interest rate 4% / 8% (base {rate * 100:g}%)", *scalar("finance.interest_rate", 0.04, 0.08)),
        ("NVIDIA supply elastic (1M a quarter, 90 days) / scarcer (125k, 240 days)",
         ["hardware_choices.nvidia.supply.chips_per_quarter=1000000", "hardware_choices.nvidia.supply.lead_time_days=90"],
         ["hardware_choices.nvidia.supply.chips_per_quarter=125000", "hardware_choices.nvidia.supply.lead_time_days=240"],
         "a scenario variant (the scenario header's \"both elastic\"), not the estimate of one number: two settings "
         "that move together, one of them a whole number of chips"),
        (f"Trainium4 (what-if) a year earlier / later (base {trn[-1]['date']:%Y-%m})",
         [f"hardware_choices.trainium.roadmap.{len(trn) - 1}.date={trn[-1]['date'].replace(year=trn[-1]['date'].year - 1)}"],
         [f"hardware_choices.trainium.roadmap.{len(trn) - 1}.date={trn[-1]['date'].replace(year=trn[-1]['date'].year + 1)}"],
         "its date is not a number key, and the hardware itself is a what-if"),
        (f"Inference demand growth 1.4x / 2.2x a year (base {'/'.join(f'{g:g}' for g in growth)}x)",
         [f"inference.demand.{d['name']}.growth_per_year=1.4" for d in demand],
         [f"inference.demand.{d['name']}.growth_per_year=2.2" for d in demand],
         [(f"inference.demand.{d['name']}.growth_per_year", 1.4, float(d["growth_per_year"]), 2.2) for d in demand]),
    ]
    joint = []
    for label, _, _, j in params:
        if not isinstance(j, str):
            for key, lo, mode, hi in j:
                if not lo <= mode <= hi or lo == hi:
                    fail(f"{key}: the base value {mode:g} is outside the sensitivity's range [{lo:g}, {hi:g}]")
                joint.append((label, key, lo, mode, hi))

    # One at a time.
    rows = []
    gigasim_s = base_s
    for label, low, high, _ in params:
        lo, s1 = gigasim_run(a.gigasim, two, base_sets + low, os.path.join(work, "lo"))
        hi, s2 = gigasim_run(a.gigasim, two, base_sets + high, os.path.join(work, "hi"))
        gigasim_s += s1 + s2
        rows.append((label, ratios(lo["choices"]), ratios(hi["choices"])))
        print(f"{label}: {rows[-1][1]} / {rows[-1][2]}", file=sys.stderr)

    # Jointly: the Latin hypercube of --samples N; sample k runs both choices with the same draws.
    joint_dir = os.path.join(work, "joint")
    joint_sets = [f"{key}={{triangular: [{num(lo)}, {num(mode)}, {num(hi)}]}}" for _, key, lo, mode, hi in joint]
    js, joint_s = gigasim_run(a.gigasim, two, base_sets + joint_sets, joint_dir, ["--samples", str(a.samples), "-j", str(a.jobs)])
    gigasim_s += joint_s
    print(f"joint: {a.samples} samples in {joint_s:.0f} s", file=sys.stderr)
    central_r = ratios(js["choices"])
    central_same = all(central_r[k] is not None and abs(central_r[k] - base_r[k]) <= 1e-9 * abs(base_r[k]) for k in KEYS)
    draws, metrics = read_samples(os.path.join(joint_dir, "samples.csv"))
    samples = sorted(metrics)
    per = {}  # key -> list of (sample, nvidia, trainium, ratio)
    for key in KEYS:
        per[key] = []
        for k in samples:
            n_, t_ = metrics[k].get(("nvidia", f"cost.{key}")), metrics[k].get(("trainium", f"cost.{key}"))
            if n_ and t_ is not None:
                per[key].append((k, n_, t_, t_ / n_))
    for key in KEYS:
        if len(per[key]) < 2:
            sys.exit(f"flagship_report: fewer than two samples have {key} for both choices")
    # The draws' keys as gigasim names them (hardware_choices[1].roadmap[0].price_usd, ...), in the order given.
    by_location = {p["location"]: p for p in js["uncertainty"]["parameters"]}
    joint_keys = []
    for (label, key, lo, mode, hi), s in zip(joint, joint_sets):
        p = by_location.get(f"--set {s}")
        if p is None:
            sys.exit(f"flagship_report: gigasim's summary does not list the distribution of --set {s}")
        joint_keys.append((label, key, p["key"], p["distribution"]))
    # The samples' draws and both ratios, as the run's samples.csv (the rows this report reads).
    with open(os.path.join(joint_dir, "samples.csv")) as f, open(os.path.join(a.out, "flagship-joint-samples.csv"), "w", newline="") as g:
        w = csv.writer(g, lineterminator="\n")
        rd = csv.reader(f)
        w.writerow(next(rd))
        wanted = {f"cost.{k}" for k in KEYS}
        for r in rd:
            if r[1] == "parameter" or r[3] in wanted:
                w.writerow(r)

    def band(xs):
        return percentile(xs, 0.05), percentile(xs, 0.50), percentile(xs, 0.95)

    jres = {}
    for key in KEYS:
        rs = [x[3] for x in per[key]]
        k = sum(1 for r in rs if r <= CLAIM)
        jres[key] = {"n": len(rs), "band": band(rs), "mean": sum(rs) / len(rs), "k": k, "ci": wilson(k, len(rs)), "ratios": rs}
    rho = []
    for label, key, gkey, dist in joint_keys:
        row = []
        for mk in KEYS:
            xs = [draws[s][gkey] for s, *_ in per[mk]]
            row.append(spearman(xs, [x[3] for x in per[mk]]))
        rho.append((label, key, gkey, dist, row))

    # Tornado: the trainium / nvidia ratio of $ per million tokens, trained and served.
    def swing(i, key):
        b = base_r[key]
        return abs((rows[i][2][key] or b) - (rows[i][1][key] or b)) / b

    # One order for both panels (they share the labels): the largest relative swing of either ratio on top.
    order = sorted(range(len(rows)), key=lambda i: max(swing(i, k) for k in KEYS))
    fig, axes = plt.subplots(1, 2, figsize=(13, 0.55 * len(rows) + 1.8), sharey=True)
    for ax, key, title in zip(axes, KEYS, ("per token trained", "per token served")):
        b = base_r[key]
        for y, i in enumerate(order):
            label, lo, hi = rows[i]
            for v, color in ((lo[key], "#4c72b0"), (hi[key], "#dd8452")):
                if v is not None:
                    ax.barh(y, v - b, left=b, color=color, height=0.6)
        ax.axvline(b, color="black", lw=1)
        ax.axvline(CLAIM, color="grey", ls="--", lw=1)
        ax.set_yticks(range(len(order)))
        ax.set_yticklabels([rows[i][0] for i in order], fontsize=8)
        ax.set_title(f"Trainium / NVIDIA cost {title}\n(black: base {b:.2f}; dashed: the claimed 0.5)", fontsize=9)
        ax.set_xlabel("ratio (blue: first value, orange: second)")
    fig.tight_layout()
    for ext in ("png", "svg"):
        fig.savefig(os.path.join(a.out, f"flagship-tornado.{ext}"), dpi=110, metadata={"Date": None} if ext == "svg" else None)
    plt.close(fig)

    # The joint distribution of the two ratios: empirical CDFs with the claim and the base.
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for ax, key, title in zip(axes, KEYS, ("per token trained", "per token served")):
        r = jres[key]
        xs = sorted(r["ratios"])
        n = len(xs)
        ax.step([xs[0]] + xs, [0] + [(i + 1) / n for i in range(n)], where="post", color="#4c72b0", lw=1.5)
        ax.plot(xs, [(i + 1) / n for i in range(n)], "o", color="#4c72b0", ms=3)
        p5, p50, p95 = r["band"]
        ax.axvspan(p5, p95, color="#4c72b0", alpha=0.12, lw=0)
        ax.axvline(base_r[key], color="black", lw=1)
        ax.axvline(CLAIM, color="grey", ls="--", lw=1)
        lo_x = min(CLAIM, xs[0]) - 0.05
        ax.set_xlim(lo_x, max(xs[-1], base_r[key]) + 0.05)
        ax.set_ylim(0, 1.02)
        ax.set_title(f"Trainium / NVIDIA cost {title}: {n} samples\n"
                     f"P(ratio <= 0.5) = {r['k']}/{n}; shaded p5-p95 {p5:.2f}-{p95:.2f}; black: base {base_r[key]:.2f}", fontsize=9)
        ax.set_xlabel("ratio (dashed: the claimed 0.5)")
        ax.set_ylabel("fraction of samples at or below")
        ax.grid(alpha=0.3)
    fig.tight_layout()
    for ext in ("png", "svg"):
        fig.savefig(os.path.join(a.out, f"flagship-joint.{ext}"), dpi=110, metadata={"Date": None} if ext == "svg" else None)
    plt.close(fig)

    def fmt(v, d=2):
        return "-" if v is None else f"{v:.{d}f}"

    def usd(v):
        return "-" if v is None else f"${v:.3f}"

    def share(v):
        return f"{100 * v:.1f}%"

    horizon = f"{a.years:g} years, cut with --years" if a.years else "ten years"
    t = base_r["usd_per_million_tokens_trained"]
    s = base_r["usd_per_million_tokens_served"]
    jt, jsv = jres["usd_per_million_tokens_trained"], jres["usd_per_million_tokens_served"]
    n_runs = 1 + 2 * len(rows)
    wall = time.time() - t_start
    lines = [
        "# The flagship: 5 GW over ten years, NVIDIA vs Trainium",
        "",
        f"Generated by `tools/flagship_report.py --samples {a.samples}` from `scenarios/flagship-5gw-10y.yaml` ({horizon}): "
        f"{n_runs} runs and one run of {a.samples} samples (`-j {a.jobs}`), {gigasim_s:.0f} s of gigasim "
        f"({joint_s:.0f} s of it the samples), {wall:.0f} s in all on {os.cpu_count()} cores. "
        "Do not edit by hand: rerun the command.",
        "",
        "## Does Trainium cut the cost per token by 50%?",
        "",
        f"In this scenario, Trainium's cost per million tokens **trained** is {fmt(t)}x NVIDIA's, and per million tokens "
        f"**served** {fmt(s)}x (ownership cost: depreciation, interest and opex, split between training and serving by "
        "chip-time and energy). A 50% cut would be 0.50.",
        "",
        f"With the estimated inputs drawn together ({a.samples} samples, [below](#how-sure-are-we-the-estimated-inputs-drawn-together)), "
        f"the served ratio's p5-p95 is {fmt(jsv['band'][0])}-{fmt(jsv['band'][2])} and {jsv['k']} of {jsv['n']} samples "
        f"reach 0.50 or less; the trained ratio's is {fmt(jt['band'][0])}-{fmt(jt['band'][2])} ({jt['k']} of {jt['n']}).",
        "",
        "The answer depends most on the inputs at the top of the tornado below; the hardware of the later years is "
        "what-if (Trainium4, Rubin), and Trainium's prices are estimates with no public figure.",
        "",
        "## Every choice",
        "",
        comparison_md.strip(),
        "",
        "Plots of the base run: `flagship-plots/` (cumulative cost, throughput, energy, chips by generation); "
        "the same table as CSV: `flagship-comparison.csv`.",
        "",
        "## How much of each fleet is used",
        "",
        "Shares of the installed chip-hours over the run (base run): held by training jobs or serving "
        "(`training.utilisation`, which counts serving's chips too), by serving (`inference.serving_chip_hours` over the "
        "installed chip-hours), by training (the difference), and idle: installed but held by neither (free chips; hot "
        f"spares, {100 * float(assumed.get('reliability.spare_fraction', {}).get('value', 0)):g}% of repair units here; "
        "units out for repair).",
        "",
        "| choice | installed chip-hours | held | training | serving | idle | $/Mtok trained | illustration: held share only | "
        "$/Mtok served | illustration: held share only |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name in sorted(used):
        u = used[name]
        lines.append(f"| {name} | {u['installed_chip_hours']:.3g} | {share(u['held'])} | {share(u['training'])} | {share(u['serving'])} | "
                     f"{share(u['idle'])} | {usd(u['trained'])} | {usd(u['trained_if_held'])} | {usd(u['served'])} | {usd(u['served_if_held'])} |")
    rent_note = ""
    ra = base.get("rent", {}).get("assumptions", {})
    if ra.get("rent.basis", {}).get("value") == "reserved" and "rent.usd_per_chip_hour" in ra:
        billed = base["rent"]["cost"]["opex_rent_usd"] / float(ra["rent.usd_per_chip_hour"]["value"])
        if billed > 0:
            rent_note = (f" (rent's bill, reserved on installed chip-hours, divided by its price gives "
                         f"{billed:.4g}: {100 * (used['rent']['installed_chip_hours'] / billed - 1):+.3f}%)")
    lines += [
        "",
        f"Installed chip-hours: each lot of `fleet.csv` from its delivery to its retirement or the horizon, to the day{rent_note}. "
        "The per-token costs of the comparison are the whole ownership cost over the tokens produced, so the idle "
        "chip-hours are in them. The two *illustration* columns are not a model output: they pay each month's training "
        "and serving ownership cost other than electricity (depreciation, interest, maintenance, rent) times that "
        "month's held share (`utilisation` in timeseries.csv), as if idle chip-hours cost nothing, and the electricity "
        "as drawn (idle chips' power stays in training's share, as the model books it), over the same tokens. They "
        "show how much of each figure the idle hardware is; they are not what a fleet sized to its work would cost (it "
        "would be planned, financed and powered differently). With the held share only, Trainium / NVIDIA would be "
        f"{fmt(used['trainium']['trained_if_held'] / used['nvidia']['trained_if_held'])} per token trained and "
        f"{fmt(used['trainium']['served_if_held'] / used['nvidia']['served_if_held'])} per token served "
        f"(against {fmt(t)} and {fmt(s)}).",
        "",
        "## Sensitivity (one input at a time, nvidia and trainium only)",
        "",
        "| input (first / second value) | trained: first | trained: second | served: first | served: second |",
        "|---|---|---|---|---|",
    ]
    for label, lo, hi in rows:
        lines.append(f"| {label} | {fmt(lo['usd_per_million_tokens_trained'])} | {fmt(hi['usd_per_million_tokens_trained'])} | "
                     f"{fmt(lo['usd_per_million_tokens_served'])} | {fmt(hi['usd_per_million_tokens_served'])} |")
    left_out = [(re.sub(r" \(.*| a year.*| elastic.*", "", label), j) for label, _, _, j in params if isinstance(j, str)]
    lines += [
        "",
        f"Base: trained {fmt(t)}, served {fmt(s)}.",
        "",
        "![tornado](flagship-tornado.png)",
        "",
        "## How sure are we? (the estimated inputs drawn together)",
        "",
        f"The tornado moves one input at a time. Here the estimated inputs move together: `gigasim run --samples {a.samples}` "
        "on the nvidia and trainium choices, every input below a triangular distribution from the tornado's first value "
        "through the base value (its mode) to the second. Triangular rather than uniform: the base values are the "
        "scenario's sourced or best estimates and the tornado's values plausible extremes, not values as likely as the "
        "base; and with the mode at the base the central run is the base run, where a uniform distribution on the "
        f"asymmetric ranges (electricity $0.05-0.10 around ${elec:g}, debt share 0-0.75 around {debt:g}) would move the centre. "
        + ("The central run (every input at its base value) gives the base ratios exactly."
           if central_same else
           f"**The central run's ratios ({fmt(central_r[KEYS[0]], 4)}, {fmt(central_r[KEYS[1]], 4)}) differ from the base "
           f"run's ({fmt(t, 4)}, {fmt(s, 4)}).**"),
        "",
        f"Sampling: a Latin hypercube of {a.samples} samples (each input's {a.samples} equal-probability strata used once), "
        "inputs drawn independently of each other, and common random numbers: in sample k both choices run with the same "
        "draws, so each sample's ratio compares like with like (the workload's own random streams keep the scenario's seed). "
        "The ratio is computed per sample from the run's `samples.csv` (kept as `flagship-joint-samples.csv`: the draws and "
        "the two costs per token of each choice).",
        "",
        f"| trainium / nvidia | base | p5 | p50 | p95 | mean | samples <= 0.5 | P(ratio <= 0.5), 95% interval |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for key, label in zip(KEYS, ("per token trained", "per token served")):
        r = jres[key]
        p5, p50, p95 = r["band"]
        lines.append(f"| {label} | {fmt(base_r[key], 3)} | {fmt(p5, 3)} | {fmt(p50, 3)} | {fmt(p95, 3)} | {fmt(r['mean'], 3)} | "
                     f"{r['k']} of {r['n']} | {r['k'] / r['n']:.2f} ({r['ci'][0]:.2f}-{r['ci'][1]:.2f}) |")
    corners = []
    for key, what in zip(KEYS, ("trained", "served")):
        hits = [f"{label} at its {which} value ({v:.2f})" for label, lo, hi in rows
                for which, v in (("first", lo[key]), ("second", hi[key])) if v is not None and v <= CLAIM]
        if hits:
            corners.append(f"per token {what}, {' and '.join(hits)}, where the lowest of the {jres[key]['n']} samples "
                           f"is {min(jres[key]['ratios']):.2f}")
    if corners:
        lines += [
            "",
            "Tornado rows reach 0.50 or less " + "; ".join(corners) + ". Such a row sets every number it moves "
            "to one end of its range at once (all of a vendor's generations, all of the demand streams); independent "
            "draws that favour the base value seldom land in that corner together (see the independence limit below).",
        ]
    lines += [
        "",
        "![joint](flagship-joint.png)",
        "",
        "Each choice's own cost per million tokens (central; p5 / p50 / p95 over the samples, from summary.json's `uncertainty`):",
        "",
        "| choice | trained: central | p5 | p50 | p95 | served: central | p5 | p50 | p95 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name in ("nvidia", "trainium"):
        c = js["choices"][name]
        cells = []
        for key in KEYS:
            b = c["uncertainty"].get(f"cost.{key}") or {}
            cells += [usd(c["cost"][key]), usd(b.get("p5")), usd(b.get("p50")), usd(b.get("p95"))]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    crit = 1.96 / math.sqrt(a.samples - 1)
    tail = math.floor((a.samples - 1) * 0.05)

    def ordinal(i):
        return f"{i}{'th' if 11 <= i % 100 <= 13 else {1: 'st', 2: 'nd', 3: 'rd'}.get(i % 10, 'th')}"
    lines += [
        "",
        f"The inputs drawn ({len(joint_keys)}), with the rank correlation (Spearman) of each draw with the two ratios "
        "over the samples: which inputs the spread comes from. "
        + (f"With {a.samples} samples a |rho| below about {crit:.2f} cannot be told from zero (5% two-sided), and of "
           f"these {2 * len(joint_keys)} coefficients about {0.05 * 2 * len(joint_keys):.1f} would pass that line by chance alone."
           if crit < 1 else f"With {a.samples} samples they say nothing."),
        "",
        "| input | key (`--set`) | distribution | rho, trained | rho, served |",
        "|---|---|---|---|---|",
    ]
    for label, key, gkey, dist, (r1, r2) in sorted(rho, key=lambda x: -max(abs(v or 0) for v in x[4])):
        lines.append(f"| {label} | `{key}` | {dist} | {fmt(r1)} | {fmt(r2)} |")
    lines += [
        "",
        "Left out of the joint draw (tornado only): "
        + "; ".join(f"{label}: {why}" for label, why in left_out) + ".",
        "",
        "Limits:",
        "",
        "- Independence: each generation's price is drawn on its own, and so is each demand stream's growth. If a "
        "vendor's prices move together (one pricing policy) or the streams grow together, their share of the spread "
        "is wider than here; the tornado's rows move them all at once, one input at a time.",
        f"- Few samples: with {a.samples} samples the p5 (p95) lies between the {ordinal(tail + 1)} and {ordinal(tail + 2)} "
        "lowest (highest) samples and would move by a good fraction of the band's width with another set of draws; the "
        "95% interval of P(ratio <= 0.5) (Wilson) says how little a count out of N pins down a probability.",
        "- The ranges are the tornado's judgement calls, not distributions fitted to data: the band is conditional on "
        "them, on the left-out variants at their base, and on the model itself (the validation gaps below are not in it).",
        "",
        "## What this does not capture",
        "",
        "- The mixed choice splits the site's power and budget 60/40 between its Trainium training track and its GPU "
        "serving track for the whole decade; a real operator would move power as demand grows.",
        "- Renting prices every generation at the H100 Capacity Block price per chip-hour.",
        "- The cost per token is the whole fleet's ownership cost over the tokens it produced, so idle hardware counts: "
        "the workload (frontier runs on at most half of the newest generation, research and fine-tuning jobs, serving) "
        "does not fill everything the budget buys, and a choice that can buy more (elastic supply) pays for more idle "
        f"chips. Over the base run {share(used['nvidia']['idle'])} of NVIDIA's installed chip-hours "
        f"({used['nvidia']['idle'] * used['nvidia']['installed_chip_hours']:.2g}) and {share(used['trainium']['idle'])} of "
        f"Trainium's ({used['trainium']['idle'] * used['trainium']['installed_chip_hours']:.2g}) are idle "
        "([table](#how-much-of-each-fleet-is-used)).",
        "- Serving is a fluid at hourly steps; frontier runs are sized to half the newest generation.",
        "- The validation gaps in docs/validation.md (step times within ~10-20%, decode within ~15-21%, the GPT-3 "
        "energy +22%) carry into these figures.",
        "",
    ]
    with open(os.path.join(a.out, "flagship-5gw-10y.md"), "w") as f:
        f.write("\n".join(lines))
    print(os.path.join(a.out, "flagship-5gw-10y.md"))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Regenerates docs/validation.md: runs every case of scenarios/validation/cases.json (the training
cases through `gigasim estimate`, the fleet cases through `gigasim run` with seeds 1..N) and tabulates
case, published figure, prediction and error.

Usage: tools/validation.py [--gigasim BIN] [--out FILE] [--check]
  --check   exit 1 if FILE differs from what would be written (used by the test suite)
Standard library only."""
import argparse
import csv
import json
import statistics
import tempfile
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def find_bin():
    for b in ("build/release/sim/gigasim", "build/test/sim/gigasim", "build/sim/gigasim"):
        if (ROOT / b).exists():
            return str(ROOT / b)
    sys.exit("validation.py: build gigasim first (tools/quickstart.sh), or pass --gigasim")


def fmt_value(metric, v):
    if metric == "goodput":
        return f"{100 * v:.1f}%"
    if metric == "gpu_hours":
        return f"{v / 1e6:.2f} M"
    if metric == "interruptions":
        return f"{v:.0f}"
    if metric == "mfu":
        return f"{100 * v:.1f}%"
    if metric == "step_time_s":
        return f"{v:.3f} s"
    if metric == "model_tflops_per_chip":
        return f"{v:.1f} TFLOP/s"
    if metric == "decode_tokens_per_s":
        return f"{v:,.0f} tokens/s"
    return f"{v:.4g}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gigasim", default=None)
    ap.add_argument("--out", default=str(ROOT / "docs" / "validation.md"))
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    binary = args.gigasim or find_bin()
    cases = json.loads((ROOT / "scenarios" / "validation" / "cases.json").read_text())
    notes = (ROOT / "scenarios" / "validation" / "notes.md").read_text()

    rows, megatron_errors = [], []
    for c in cases["training"]:
        f = ROOT / "scenarios" / "validation" / c["file"]
        out = subprocess.run([binary, "estimate", str(f)], capture_output=True, text=True)
        if out.returncode != 0:
            sys.exit(f"validation.py: {c['file']}: {out.stderr.strip()}")
        est = json.loads(out.stdout)
        pred, pub = est[c["metric"]], c["published"]
        tol = c["tolerance"]
        if "relative" in tol:
            err = (pred - pub) / pub
            err_s = f"{100 * err:+.1f}%"
            ok = abs(err) <= tol["relative"]
            tol_s = f"±{100 * tol['relative']:.0f}%"
        else:
            err = pred - pub
            err_s = f"{100 * err:+.1f} pts"
            ok = abs(err) <= tol["absolute"]
            tol_s = f"±{100 * tol['absolute']:.0f} pts"
        if c["file"].startswith("megatron"):
            megatron_errors.append(abs((pred - pub) / pub))
        lay = est["layout"]
        layout = f"tp {lay['tp']} pp {lay['pp']} dp {lay['dp']}, mb {lay['micro_batch_sequences']}, v {lay['pp_interleave']}, {lay['recompute']}{', SP' if lay['sequence_parallel'] else ''}"
        rows.append(f"| {c['case']} | {fmt_value(c['metric'], pub)} | {fmt_value(c['metric'], pred)} | {err_s} | {tol_s} | {'yes' if ok else '**no**'} | {layout} | `{c['file']}` |")

    inference_rows = []
    for c in cases["inference"]:
        f = ROOT / "scenarios" / "validation" / c["file"]
        cmd = [binary, "estimate", str(f)]
        for kv in c.get("set", []):
            cmd += ["--set", kv]
        out = subprocess.run(cmd, capture_output=True, text=True)
        if out.returncode != 0:
            sys.exit(f"validation.py: {c['file']}: {out.stderr.strip()}")
        est = json.loads(out.stdout)
        pred, pub = est[c["metric"]], c["published"]
        err = (pred - pub) / pub
        ok = abs(err) <= c["tolerance"]["relative"]
        bound = "memory" if est["activity"]["memory"] >= est["activity"]["compute"] else "compute"
        inference_rows.append(f"| {c['case']} | {fmt_value(c['metric'], pub)} | {fmt_value(c['metric'], pred)} | {100 * err:+.1f}% | "
                              f"±{100 * c['tolerance']['relative']:.0f}% | {'yes' if ok else '**no**'} | {1e3 * est['decode_step_s']:.2f} ms, "
                              f"{bound}-bound, {est['chip_power_w']:.0f} W | `{c['file']}` {' '.join('--set ' + kv for kv in c.get('set', []))} |")

    energy_rows = []
    for c in cases["energy"]:
        f = ROOT / "scenarios" / "validation" / c["file"]
        if c["metric"] == "facility_mwh":
            with tempfile.TemporaryDirectory() as out:
                r = subprocess.run([binary, "run", str(f), "--out", out, "--quiet"], capture_output=True, text=True)
                if r.returncode != 0:
                    sys.exit(f"validation.py: {c['file']}: {r.stderr.strip()}")
                choice = next(iter(json.loads((pathlib.Path(out) / "summary.json").read_text())["choices"].values()))
            e = choice["energy"]
            pred, pub = e["facility_mwh"], c["published"]
            err = (pred - pub) / pub
            ok = abs(err) <= c["tolerance"]["relative"]
            it, infra = e["it_mwh"], e["network_storage_mwh"]
            note = (f"IT {it:,.0f} MWh, of which network and storage {infra:,.0f}; average IT power per GPU "
                    f"{it * 1e6 / (10000 * 14.8 * 24):,.0f} W against the published 330 W")
            energy_rows.append(f"| {c['case']} | {pub:,.0f} MWh | {pred:,.0f} MWh | {100 * err:+.1f}% | ±{100 * c['tolerance']['relative']:.0f}% | "
                               f"{'yes' if ok else '**no**'} | {note} | `{c['file']}` |")
        elif c["metric"] == "chip_w":
            out = subprocess.run([binary, "estimate", str(f)], capture_output=True, text=True)
            if out.returncode != 0:
                sys.exit(f"validation.py: {c['file']}: {out.stderr.strip()}")
            p = json.loads(out.stdout)["power"]
            pred, pub = p["chip_w"], c["published"]
            err = (pred - pub) / pub
            ok = abs(err) <= c["tolerance"]["relative"]
            energy_rows.append(f"| {c['case']} | {pub:.0f} W | {pred:.0f} W | {100 * err:+.1f}% | ±{100 * c['tolerance']['relative']:.0f}% | "
                               f"{'yes' if ok else '**no**'} | activity {p['activity']:.3f} of the step model's breakdown | `{c['file']}` |")
        else:
            out = subprocess.run([binary, "estimate", str(f)], capture_output=True, text=True)
            if out.returncode != 0:
                sys.exit(f"validation.py: {c['file']}: {out.stderr.strip()}")
            p = json.loads(out.stdout)["power"]
            chip_mwh, slot_mwh = c["gpu_hours"] * p["chip_w"] / 1e6, c["gpu_hours"] * p["slot_w"] / 1e6
            err = (chip_mwh - c["published"]) / c["published"]
            energy_rows.append(f"| {c['case']} | {c['published']:,.0f} MWh ({c['published_basis']}) | {chip_mwh:,.0f} MWh (GPUs at {p['chip_w']:.0f} W, "
                               f"activity {p['activity']:.2f} at the planner's layout); {slot_mwh:,.0f} MWh with the servers' overhead "
                               f"({p['slot_w']:.0f} W per GPU) | {100 * err:+.1f}% (GPUs) | reported, no target | - | "
                               f"the model card counts the TDP; the model counts what the step draws | `{c['file']}` |")

    fleet_rows = []
    seeds = cases["fleet_seeds"]
    runs = {}  # (file, seed) -> (summary of the one choice, its jobs)
    for c in cases["fleet"]:
        values = []
        for seed in range(1, seeds + 1):
            key = (c["file"], seed)
            if key not in runs:
                with tempfile.TemporaryDirectory() as out:
                    cmd = [binary, "run", str(ROOT / "scenarios" / "validation" / c["file"]), "--seed", str(seed), "--out", out, "--quiet"]
                    r = subprocess.run(cmd, capture_output=True, text=True)
                    if r.returncode != 0:
                        sys.exit(f"validation.py: {c['file']}: {r.stderr.strip()}")
                    summary = json.loads((pathlib.Path(out) / "summary.json").read_text())
                    choice = next(iter(summary["choices"].values()))
                    jobs = list(csv.DictReader(open(pathlib.Path(out) / "jobs.csv")))
                runs[key] = (choice, jobs)
            choice, jobs = runs[key]
            if c["metric"] == "gpu_hours":
                j = jobs[0]
                if not j["end_s"]:
                    sys.exit(f"validation.py: {c['file']}: the job did not finish within the horizon")
                values.append(int(j["chips"]) * (float(j["end_s"]) - float(j["start_s"])) / 3600)
            else:
                values.append(float(choice["training"][c["metric"]]))
        mean, lo, hi = statistics.mean(values), min(values), max(values)
        pub, tol = c["published"], c["tolerance"]
        if "at_least" in tol:
            ok = mean >= pub
            err_s = f"{100 * (mean - pub):+.1f} pts" if c["metric"] == "goodput" else f"{mean - pub:+.3g}"
            tol_s = f"> {fmt_value(c['metric'], pub)}"
            pub_s = f"> {fmt_value(c['metric'], pub)}"
        else:
            err = (mean - pub) / pub
            ok = abs(err) <= tol["relative"]
            err_s = f"{100 * err:+.1f}%"
            tol_s = f"±{100 * tol['relative']:.0f}%"
            pub_s = fmt_value(c["metric"], pub)
        spread = f"{fmt_value(c['metric'], lo)} to {fmt_value(c['metric'], hi)}"
        fleet_rows.append(f"| {c['case']} | {pub_s} | {fmt_value(c['metric'], mean)} | {spread} | {err_s} | {tol_s} | "
                          f"{'yes' if ok else '**no**'} | `{c['file']}` |")

    peer = cases["peer"]
    mean = sum(megatron_errors) / len(megatron_errors)
    lines = [
        "# Validation",
        "",
        "Generated by `tools/validation.py` from `scenarios/validation/` (do not edit by hand; the narrative is",
        "`scenarios/validation/notes.md`). Every case runs `gigasim estimate` with the project's default parameters;",
        "the case files describe the published runs and never tune the model. Sources: ../shared/reference/REFERENCE.md.",
        "",
        "## Training step model (`gigasim estimate`)",
        "",
        "| case | published | gigasim | error | target | within | layout used | file |",
        "|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        f"Megatron-LM Table 5: mean absolute error {100 * mean:.2f}%, max {100 * max(megatron_errors):.2f}% "
        f"({peer['name']}: {100 * peer['mean_abs_error']:.2f}% mean, {100 * peer['max_abs_error']:.2f}% max).",
        "",
        "## Serving model (`gigasim estimate`, `estimate: inference`)",
        "",
        "The measured H100 decode proxy at each batch size; the GPU drew 567 W on average over the whole proxy",
        "phase (all batch sizes together; no per-batch power was recorded).",
        "",
        "| case | measured | gigasim | error | target | within | step, bound, chip power | file |",
        "|---|---|---|---|---|---|---|---|",
        *inference_rows,
        "",
        "## Energy (`gigasim run`, `gigasim estimate`)",
        "",
        "| case | published | gigasim | error | target | within | notes | file |",
        "|---|---|---|---|---|---|---|---|",
        *energy_rows,
        "",
        "## Fleet simulation: failures and checkpoints (`gigasim run`)",
        "",
        f"Each case runs with seeds 1 to {seeds}; the table gives the mean (compared with the target) and the range over",
        "the seeds. Sources: the Llama 3 paper and the Llama 3.1 model card (REFERENCE.md, items 2 and 3).",
        "",
        "| case | published | gigasim (mean) | range over seeds | error | target | within | file |",
        "|---|---|---|---|---|---|---|---|",
        *fleet_rows,
        "",
        notes.rstrip(),
        "",
    ]
    text = "\n".join(lines)
    out = pathlib.Path(args.out)
    if args.check:
        if not out.exists() or out.read_text() != text:
            print(f"{out} is not current: run tools/validation.py", file=sys.stderr)
            return 1
        return 0
    out.write_text(text)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

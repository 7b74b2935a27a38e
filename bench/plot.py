#!/usr/bin/env python3
"""Turns a benchmark results file (bench/results/*.json, written by the Swift harness) into a chart and a table.

    $BENCH_PYTHON bench/plot.py RESULTS_JSON [--png OUT.png] [--markdown OUT.md]

Needs matplotlib (the bench venv, scripts/lib/bench-peers.sh). Any scenario, target or figure may be missing or
null: a panel without data says so, a table cell without a value shows "–". How to read both: bench/README.md.
"""

import argparse
import json
import math
import sys

SCENARIOS = {  # results-file name → heading; in this order
    "sustained": "1 · sustained",
    "max_http": "1b · max HTTP (closed loop)",
    "latency_at_1000": "2 · latency at 1,000/s",
    "broadcast": "3 · broadcast to all",
    "group_broadcast": "3 · broadcast to a group",
    "memory": "4 · memory",
}
TARGETS = {  # name → default label and colour; in this order
    "hookcast": ("Hookcast", "#1f77b4"),
    "fastapi-uvloop": ("FastAPI + paho (uvloop)", "#ff7f0e"),
    "fastapi-h11": ("FastAPI + paho (h11)", "#d62728"),
    "webhook": ("adnanh webhook + mosquitto_pub", "#9467bd"),
    "ceiling-http": ("HTTP ceiling", "#7f7f7f"),
    "ceiling-mqtt": ("Raw libmosquitto QoS 1", "#7f7f7f"),
    "ceiling-fanout": ("Raw libmosquitto fan-out", "#7f7f7f"),
    "ceiling-fanout-read-twice": ("Raw fan-out, acknowledgements read twice", "#bcbd22"),
}
DASH = "–"


def number(value):
    """A finite float, or None for anything else (null, missing, text, NaN)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def order(key, names):
    names = list(names)
    return (names.index(key), "") if key in names else (len(names), str(key))


def label(row):
    target = row.get("target") or "?"
    return row.get("label") or TARGETS.get(target, (target, None))[0]


def colour(target, index=0):
    known = TARGETS.get(target)
    return known[1] if known else f"C{(index + 4) % 10}"


def rows_of(results, scenario):
    rows = [r for r in results.get("results") or [] if isinstance(r, dict) and r.get("scenario") == scenario]
    return sorted(rows, key=lambda r: (order(r.get("target"), TARGETS), number(r.get("devices")) or 0))


def latency(row, key="latency_ms"):
    report = row.get(key)
    return report if isinstance(report, dict) else {}


# ---------------------------------------------------------------------------------------------------- the chart


def empty(ax, title, why="no data in this results file"):
    ax.set_title(title, fontsize=11, loc="left")
    ax.text(0.5, 0.5, why, ha="center", va="center", transform=ax.transAxes, color="#777777")
    ax.set_xticks([])
    ax.set_yticks([])


def bar_labels(ax, bars, values, fmt):
    for bar, value in zip(bars, values):
        if value is not None:
            ax.annotate(fmt(value), (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center", va="bottom",
                        fontsize=7, xytext=(0, 2), textcoords="offset points")


def panel_throughput(ax, results):
    title = "Scenario 1 · webhooks/s (log scale)"
    ceilings = results.get("ceilings") or {}
    sustained = {r.get("target"): r for r in rows_of(results, "sustained") if not str(r.get("target")).startswith("ceiling")}
    closed = {r.get("target"): r for r in rows_of(results, "max_http") if not str(r.get("target")).startswith("ceiling")}
    targets = sorted(set(sustained) | set(closed), key=lambda t: order(t, TARGETS))
    http_ceiling = number(ceilings.get("http_requests_per_second"))
    mqtt_ceiling = number(ceilings.get("mqtt_qos1_messages_per_second"))
    if not targets and http_ceiling is None and mqtt_ceiling is None:
        return empty(ax, title)
    width = 0.38
    xs = range(len(targets))
    sustained_values = [number((sustained.get(t) or {}).get("rate_per_second")) for t in targets]
    closed_values = [number((closed.get(t) or {}).get("rate_per_second")) for t in targets]
    bars = ax.bar([x - width / 2 for x in xs], [v or 0 for v in sustained_values], width,
                  color=[colour(t, i) for i, t in enumerate(targets)], label="sustained (open loop, kept up)")
    bar_labels(ax, bars, sustained_values, lambda v: f"{v:,.0f}")
    bars = ax.bar([x + width / 2 for x in xs], [v or 0 for v in closed_values], width,
                  color=[colour(t, i) for i, t in enumerate(targets)], alpha=0.35, hatch="//",
                  label="max HTTP (closed loop, answers only)")
    bar_labels(ax, bars, closed_values, lambda v: f"{v:,.0f}")
    for i, t in enumerate(targets):
        lost = (sustained.get(t) or {}).get("lost")
        if isinstance(lost, int) and lost > 0:
            ax.annotate(f"{lost:,} lost", (i - width / 2, 0), xytext=(0, 12), textcoords="offset points",
                        ha="center", fontsize=7, color="#b00000", rotation=90, va="bottom")
    if http_ceiling is not None:
        ax.axhline(http_ceiling, color="#555555", linestyle="--", linewidth=1)
        ax.annotate(f"HTTP ceiling {http_ceiling:,.0f}/s", (1, http_ceiling), xycoords=("axes fraction", "data"),
                    ha="right", va="bottom", fontsize=7, color="#555555")
    if mqtt_ceiling is not None:
        ax.axhline(mqtt_ceiling, color="#2ca02c", linestyle=":", linewidth=1.2)
        ax.annotate(f"MQTT QoS 1 ceiling {mqtt_ceiling:,.0f}/s", (0, mqtt_ceiling),
                    xycoords=("axes fraction", "data"), ha="left", va="bottom", fontsize=7, color="#2ca02c")
    positive = [v for v in sustained_values + closed_values + [http_ceiling, mqtt_ceiling] if v]
    if positive:
        ax.set_yscale("log")
        ax.set_ylim(max(min(positive) / 3, 0.5), max(positive) * 4)
    ax.set_xticks(list(xs))
    ax.set_xticklabels([TARGETS.get(t, (t,))[0] if t in TARGETS else t for t in targets], fontsize=8,
                       rotation=12, ha="right")
    ax.set_ylabel("requests per second")
    ax.set_title(title, fontsize=11, loc="left")
    ax.legend(fontsize=7, loc="upper right")
    ax.grid(axis="y", which="major", alpha=0.3)


def panel_latency(ax, results):
    title = "Scenario 2 · webhook → acknowledgement at 1,000/s (ms, log scale)"
    rows = [r for r in rows_of(results, "latency_at_1000") if latency(r)]
    if not rows:
        return empty(ax, title)
    keys = ["p50", "p90", "p99", "max"]
    width = 0.2
    shades = {"p50": 1.0, "p90": 0.75, "p99": 0.5, "max": 0.25}
    positive = []
    for k, key in enumerate(keys):
        values = [number(latency(r).get(key)) for r in rows]
        positive += [v for v in values if v and v > 0]
        xs = [i + (k - 1.5) * width for i in range(len(rows))]
        bars = ax.bar(xs, [v or 0 for v in values], width, label=key, alpha=shades[key],
                      color=[colour(r.get("target"), i) for i, r in enumerate(rows)], edgecolor="black",
                      linewidth=0.3)
        bar_labels(ax, bars, values, lambda v: f"{v:,.0f}" if v >= 100 else f"{v:.2g}")
    for i, r in enumerate(rows):
        lost = r.get("lost")
        text = f"{lost:,} lost" if isinstance(lost, int) and lost > 0 else ""
        if not any(number(latency(r).get(key)) for key in keys):
            text = (text + "\n" if text else "") + "no latency figures"
        if text:
            ax.annotate(text, (i, 0.02), xycoords=("data", "axes fraction"), ha="center", va="bottom",
                        fontsize=7, color="#b00000")
    if positive:
        ax.set_yscale("log")
        ax.set_ylim(min(positive + [5]) / 4, max(positive + [5]) * 8)
    ax.axhline(5, color="#2ca02c", linestyle=":", linewidth=1)
    ax.annotate("goal: Hookcast p99 ≤ 5 ms", (0, 5), xycoords=("axes fraction", "data"), fontsize=7,
                color="#2ca02c", va="bottom")
    ax.set_xticks(range(len(rows)))
    cpu = [number(r.get("cpu_us_per_webhook")) for r in rows]
    ax.set_xticklabels([label(r) + (f"\n{c:,.0f} µs CPU per webhook" if c else "") for r, c in zip(rows, cpu)],
                       fontsize=8, rotation=12, ha="right")
    ax.set_ylabel("milliseconds")
    ax.set_title(title, fontsize=11, loc="left")
    ax.legend(fontsize=7, ncol=4, loc="upper right", title="bars, left to right", title_fontsize=7)
    ax.grid(axis="y", alpha=0.3)


def panel_broadcast(ax, results):
    title = "Scenario 3 · every device acknowledged one broadcast (ms)"
    series = {}  # (scenario, target) → {devices: ms}
    for scenario in ("broadcast", "group_broadcast"):
        for r in rows_of(results, scenario):
            devices, ms = number(r.get("devices")), number(r.get("all_acknowledged_ms"))
            if devices is not None and ms is not None:
                series.setdefault((scenario, r.get("target"), label(r)), {})[devices] = ms
    fanout = (results.get("ceilings") or {}).get("fanout_ms") or {}
    if isinstance(fanout, dict):
        points = {}
        for devices, ms in fanout.items():
            try:
                devices = float(devices)
            except (TypeError, ValueError):
                continue
            if number(ms) is not None:
                points[devices] = number(ms)
        if points and not any(key[1] == "ceiling-fanout" for key in series):
            series[("broadcast", "ceiling-fanout", TARGETS["ceiling-fanout"][0])] = points
    if not series:
        return empty(ax, title)
    for i, ((scenario, target, name), points) in enumerate(sorted(series.items(),
                                                                  key=lambda kv: (order(kv[0][1], TARGETS), kv[0][0]))):
        xs = sorted(points)
        style = "--" if scenario == "group_broadcast" else ("-." if str(target).startswith("ceiling") else "-")
        ax.plot(xs, [points[x] for x in xs], style, marker="o", markersize=4, color=colour(target, i),
                label=name + (" (group: every 10th device)" if scenario == "group_broadcast" else ""))
        for x in xs:
            ax.annotate(f"{points[x]:,.0f}", (x, points[x]), fontsize=6, xytext=(3, 3), textcoords="offset points")
    fanout = next((points for (scenario, target, _), points in series.items()
                   if scenario == "broadcast" and target == "ceiling-fanout"), {})
    if fanout:
        xs = sorted(fanout)
        ax.plot(xs, [1.1 * fanout[x] for x in xs], ":", color="#2ca02c", linewidth=1,
                label="goal: Hookcast ≤ 1.1× the fan-out")
    ax.set_yscale("log")
    ax.set_xlabel("devices that acknowledge")
    ax.set_ylabel("milliseconds (log scale)")
    ax.set_title(title, fontsize=11, loc="left")
    ax.legend(fontsize=7, loc="lower right")
    ax.grid(alpha=0.3, which="both")


def panel_memory(ax, results):
    title = "Scenario 4 · memory"
    rows = [r for r in rows_of(results, "memory")
            if any(number(r.get(k)) is not None for k in ("gateway_rss_mib", "gateway_peak_rss_mib",
                                                          "simulator_kib_per_device"))]
    if not rows:
        return empty(ax, title)
    width = 0.35
    rss = [number(r.get("gateway_rss_mib")) for r in rows]
    peak = [number(r.get("gateway_peak_rss_mib")) for r in rows]
    xs = range(len(rows))
    bars = ax.bar([x - width / 2 for x in xs], [v or 0 for v in rss], width, label="gateway RSS after load",
                  color=[colour(r.get("target"), i) for i, r in enumerate(rows)])
    bar_labels(ax, bars, rss, lambda v: f"{v:.1f} MiB")
    bars = ax.bar([x + width / 2 for x in xs], [v or 0 for v in peak], width, label="gateway peak RSS",
                  color=[colour(r.get("target"), i) for i, r in enumerate(rows)], alpha=0.4)
    bar_labels(ax, bars, peak, lambda v: f"{v:.1f} MiB")
    ax.axhline(64, color="#2ca02c", linestyle=":", linewidth=1)
    ax.annotate("goal: gateway ≤ 64 MiB", (0, 64), xycoords=("axes fraction", "data"), fontsize=7,
                color="#2ca02c", va="bottom")
    names = []
    for r in rows:
        sim = number(r.get("simulator_kib_per_device"))
        devices = number(r.get("devices"))
        text = label(r)
        if devices is not None:
            text += f"\n{devices:,.0f} devices"
        if sim is not None:
            text += f"\nsimulator {sim:.1f} KiB/device (goal ≤ 16)"
        names.append(text)
    ax.set_xticks(list(xs))
    ax.set_xticklabels(names, fontsize=8)
    ax.set_ylim(0, max([v for v in rss + peak if v] + [64]) * 1.3)
    ax.set_xlim(-1, len(rows))
    ax.set_ylabel("MiB")
    ax.set_title(title, fontsize=11, loc="left")
    ax.legend(fontsize=7, loc="upper right")
    ax.grid(axis="y", alpha=0.3)


def subtitle(results):
    machine = results.get("machine") or {}
    parts = [f"started {results.get('started_at') or DASH}", f"commit {results.get('git_commit') or DASH}"]
    if machine:
        parts.append(f"{machine.get('cores') or DASH} cores, kernel {machine.get('kernel') or DASH}, "
                     f"mosquitto {machine.get('mosquitto') or DASH}")
    return " · ".join(parts)


def write_png(results, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(15, 10.5))
    panel_throughput(axes[0][0], results)
    panel_latency(axes[0][1], results)
    panel_broadcast(axes[1][0], results)
    panel_memory(axes[1][1], results)
    fig.suptitle("Hookcast and its peers: webhook → MQTT device command", fontsize=14, x=0.01, ha="left")
    fig.text(0.01, 0.955, subtitle(results), fontsize=8, color="#555555")
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    fig.savefig(path, dpi=110)
    plt.close(fig)


# ---------------------------------------------------------------------------------------------------- the table


def fmt(value, digits=0, suffix=""):
    value = number(value)
    if value is None:
        return DASH
    if digits == 0:
        return f"{value:,.0f}{suffix}"
    if abs(value) >= 100:
        return f"{value:,.0f}{suffix}"
    return f"{value:,.{digits}f}{suffix}"


def ratio(value):
    value = number(value)
    if value is None:
        return DASH
    return f"{value:.2f}" if value >= 0.1 else f"{value:.2g}"


def cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def measure(row):
    """The scenario's own figure beside the columns every row has: a time to all devices, or memory."""
    parts = []
    if number(row.get("all_acknowledged_ms")) is not None:
        parts.append(f"all acked in {fmt(row.get('all_acknowledged_ms'), 1)} ms")
    if number(row.get("gateway_rss_mib")) is not None:
        parts.append(f"RSS {fmt(row.get('gateway_rss_mib'), 1)} MiB")
    if number(row.get("gateway_peak_rss_mib")) is not None:
        parts.append(f"peak {fmt(row.get('gateway_peak_rss_mib'), 1)} MiB")
    if number(row.get("simulator_kib_per_device")) is not None:
        parts.append(f"simulator {fmt(row.get('simulator_kib_per_device'), 1)} KiB/device")
    if number(row.get("cpu_us_per_webhook")) is not None:
        if row.get("scenario") in ("broadcast", "group_broadcast"):
            parts.append(f"CPU {fmt(number(row.get('cpu_us_per_webhook')) / 1000)} ms/broadcast")
        else:
            parts.append(f"CPU {fmt(row.get('cpu_us_per_webhook'))} µs/webhook")
    share = row.get("machine_per_webhook")
    if isinstance(share, dict) and number(share.get("target_us")) is not None:
        # Where the whole machine's CPU went per webhook in the closed loop (MachineShare in the harness).
        text = (f"machine µs/webhook: target {fmt(share.get('target_us'))}, broker {fmt(share.get('broker_us'))}, "
                f"devices {fmt(share.get('devices_us'))}, harness {fmt(share.get('harness_us'))}, "
                f"idle {fmt(share.get('idle_us'))}")
        if number(share.get("rate_bound_without_target")) is not None:
            text += f"; the others alone fill the cores at {fmt(share.get('rate_bound_without_target'))}/s"
        parts.append(text)
    return "; ".join(parts) or DASH


def met(row):
    value = row.get("met")
    return "yes" if value is True else "**no**" if value is False else DASH


def markdown(results):
    known = [s for s in SCENARIOS]
    rows = [r for r in results.get("results") or [] if isinstance(r, dict)]
    rows.sort(key=lambda r: (order(r.get("scenario"), known), order(r.get("target"), TARGETS),
                             number(r.get("devices")) or 0))
    ceilings = results.get("ceilings") or {}
    lines = [f"Run: {subtitle(results)}.", ""]
    ceiling_parts = []
    if number(ceilings.get("http_requests_per_second")) is not None:
        ceiling_parts.append(f"HTTP {fmt(ceilings.get('http_requests_per_second'))} requests/s")
    if number(ceilings.get("mqtt_qos1_messages_per_second")) is not None:
        ceiling_parts.append(f"MQTT QoS 1 {fmt(ceilings.get('mqtt_qos1_messages_per_second'))} messages/s")
    fanout = ceilings.get("fanout_ms") or {}
    if isinstance(fanout, dict) and fanout:
        items = sorted(fanout.items(), key=lambda kv: int(kv[0]) if str(kv[0]).isdigit() else 0)
        ceiling_parts.append("fan-out " + ", ".join(f"{fmt(int(k)) if str(k).isdigit() else k} devices "
                                                     f"{fmt(v, 1)} ms" for k, v in items if number(v) is not None))
    twice = ceilings.get("fanout_read_twice_ms") or {}
    if isinstance(twice, dict) and twice:
        items = sorted(twice.items(), key=lambda kv: int(kv[0]) if str(kv[0]).isdigit() else 0)
        ceiling_parts.append("fan-out with acknowledgements read twice " + ", ".join(
            f"{fmt(int(k)) if str(k).isdigit() else k} devices {fmt(v, 1)} ms" for k, v in items
            if number(v) is not None))
    if number(ceilings.get("http_cpu_us_per_request_at_1000")) is not None:
        ceiling_parts.append("bare HTTP handler's CPU at 1,000 requests/s "
                             f"{fmt(ceilings.get('http_cpu_us_per_request_at_1000'))} µs per request")
    if ceiling_parts:
        lines += ["Ceilings of this run: " + "; ".join(ceiling_parts) + ".", ""]
    lines += [
        "| Scenario | Target | Devices | Throughput (/s) | p50 ms | p90 ms | p99 ms | max ms | Accepted "
        "| Acknowledged | Lost | Ratio to ceiling | Time / memory | Goal | Met |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | :---: |",
    ]
    notes = []
    for r in rows:
        lat = latency(r)
        goal = r.get("goal")
        name = label(r)
        if r.get("notes"):
            notes.append((len(notes) + 1, r.get("notes")))
            name += f" [{len(notes)}]"
        lines.append("| " + " | ".join(cell(c) for c in [
            SCENARIOS.get(r.get("scenario"), r.get("scenario") or DASH),
            name,
            fmt(r.get("devices")),
            fmt(r.get("rate_per_second")),
            fmt(lat.get("p50"), 2), fmt(lat.get("p90"), 2), fmt(lat.get("p99"), 2), fmt(lat.get("max"), 2),
            fmt(r.get("accepted")),
            fmt(r.get("acknowledged")),
            fmt(r.get("lost")),
            ratio(r.get("ratio_to_ceiling")) + (f" ({ratio(r.get('ratio_to_fanout_read_twice'))} read twice)"
                                                if number(r.get("ratio_to_fanout_read_twice")) is not None else ""),
            measure(r),
            goal or DASH,
            met(r),
        ]) + " |")
    if not rows:
        lines.append("| " + " | ".join([DASH] * 15) + " |")
    if notes:
        lines.append("")
        lines += [f"[{n}] {cell(text)}  " for n, text in notes]
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", help="results JSON written by the harness")
    parser.add_argument("--png", help="write the chart here")
    parser.add_argument("--markdown", help="write the table here ('-': standard output)")
    args = parser.parse_args(argv)
    with open(args.results, encoding="utf-8") as f:
        results = json.load(f)
    if not isinstance(results, dict):
        sys.exit(f"{args.results}: not a results object")
    if not args.png and not args.markdown:
        args.markdown = "-"
    if args.png:
        write_png(results, args.png)
    if args.markdown:
        text = markdown(results)
        if args.markdown == "-":
            sys.stdout.write(text)
        else:
            with open(args.markdown, "w", encoding="utf-8") as f:
                f.write(text)


if __name__ == "__main__":
    main()

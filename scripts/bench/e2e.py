#!/usr/bin/env python3
"""End-to-end benchmark driver for kuzzle-bridge (run through scripts/bench-e2e.sh, which sets everything up).

Phases, all against tansu memory:// (behind tagshim) and the release kuzzle-standin on 127.0.0.1:
  1. produce N envelope events (about 500-byte bodies, 3 collections, ids with ~20% repeats) to a new 4-partition
     topic with kcat;
  2. floor: kcat consumes them all in a new consumer group; rate from its first to its last message, CPU user+sys
     from wait4();
  3. the daemon (release) bridges them all into the stand-in: documents/s from the stand-in's first to last write,
     daemon CPU (utime+stime from /proc at the end), peak RSS (VmHWM);
  4. latency at a fixed lower rate (default 10% of the measured peak): a paced generator feeds kcat -P; each event's
     `_id` carries its send time (epoch ms, taken when the line is handed to kcat); the stand-in's write log gives the
     epoch ms at which it stored that id (just before it answers the bulk request); latency = stored - sent; then the
     floor: the same pacing with a kcat group consumer alone (send -> line read from kcat);
  5. with --stall: the stand-in holds every request unanswered for 60 s while a fresh daemon faces N waiting
     events; reports that daemon's peak RSS.
Prints one table. Every number is measured on this machine; nothing is asserted.
"""
import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request

p = argparse.ArgumentParser()
p.add_argument("--events", type=int, default=1_000_000)
p.add_argument("--gzip", action="store_true", help="kuzzle.gzip: true (the daemon compresses request bodies)")
p.add_argument("--route", default="mWrite", choices=["mWrite", "import", "auto", "document"],
               help="writer.route; document = document:mCreateOrReplace (stamps _kuzzle_info, notifies, 200 per request)")
p.add_argument("--notify", action="store_true", help="writer.notify: true (routes mWrite and auto)")
p.add_argument("--format", default="envelope", choices=["envelope", "debezium"],
               help="the workload: envelope events, or Debezium change events (op c/u, the same bodies as `after`, "
                    "keys {\"id\": ...}) on a topic routed with format: debezium into bench/orders")
p.add_argument("--stall", action="store_true")
p.add_argument("--stall-seconds", type=int, default=60)
p.add_argument("--latency-seconds", type=float, default=10.0)
p.add_argument("--latency-fraction", type=float, default=0.10)
p.add_argument("--latency-rate", type=int, default=0, help="events/s for the latency phase (default: fraction of peak)")
p.add_argument("--concurrency", default="", help="writer.concurrency: a number or adaptive (default: the daemon's)")
p.add_argument("--max-buffered", default="", help="backpressure.max_buffered_bytes (default: the daemon's)")
p.add_argument("--log-level", default="notice", help="the daemon's logging.level (its log goes to the run directory)")
p.add_argument("--kafka-property", action="append", default=[], metavar="KEY=VALUE",
               help="an extra librdkafka property for the daemon (kafka.properties), repeatable")
p.add_argument("--profile", action="store_true",
               help="record the daemon's throughput phase with `perf record -g` into <run>/perf-daemon.data")
p.add_argument("--count-calls", type=int, default=0, metavar="N",
               help="also count swift_retain, swift_release and malloc calls per document (perf uprobes) while a "
                    "fresh daemon bridges the first N events (deterministic, unlike CPU time; slows that daemon)")
p.add_argument("--call-sites", action="store_true",
               help="with --count-calls: record the probes with call graphs instead of counting them, and print which "
                    "functions call swift_retain, swift_release and malloc most (<run>/bench-calls.data)")
p.add_argument("--bootstrap", required=True)
p.add_argument("--bin", required=True, help="directory of kuzzle-bridge and kuzzle-standin")
p.add_argument("--run", required=True, help="scratch directory")
args = p.parse_args()

N = args.events
RUN = args.run
BS = args.bootstrap
STAMP = f"{int(time.time())}-{os.getpid()}"
TOPIC = f"bench-e2e-{STAMP}"
COLLECTIONS = ["orders", "customers", "products"]
MAX_WAIT_MS = 200
FETCH_WAIT_MS = 10
PRODUCE_LINGER_MS = 5
children = []


def log(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def cleanup(*_):
    for proc in children:
        if proc.poll() is None:
            proc.terminate()
    for proc in children:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


DEBEZIUM_SOURCE = {"version": "2.5.0.Final", "connector": "postgresql", "name": "bench", "ts_ms": 1700000000000,
                   "snapshot": "false", "db": "bench", "schema": "public", "table": "orders", "txId": 771,
                   "lsn": 24023128}


def event_line(i, rng_pad, doc_id, collection, sent_ms=None):
    body = {"seq": i, "kind": "bench", "price": i % 997, "qty": i % 13, "tags": ["a", "b", "c"],
            "note": rng_pad}
    if sent_ms is not None:
        body["sentAt"] = sent_ms
    if args.format == "debezium":
        # A Debezium change event: the row in `after` (an update when the id repeats; DEFAULT replica identity, so
        # `before` is null for a create and holds the key for an update), the key a JSON object.
        # One collection for the whole topic: the id carries the envelope workload's collection, so both workloads
        # have the same distinct documents and repeats.
        doc_id = f"{doc_id}@{collection}"
        row = dict(body, id=doc_id)
        op = "u" if i % 5 == 4 else "c"
        value = json.dumps({"before": {"id": doc_id} if op == "u" else None, "after": row, "source": DEBEZIUM_SOURCE,
                            "op": op, "ts_ms": 1700000000000 + i, "transaction": None}, separators=(",", ":"))
        return f'{{"id":"{doc_id}"}}|{value}\n'
    value = json.dumps({"index": "bench", "collection": collection, "_id": doc_id, "action": "write", "body": body},
                       separators=(",", ":"))
    return f"{doc_id}|{value}\n"


def data_file(n):
    path = os.path.join(RUN, f"bench-e2e-{n}{'' if args.format == 'envelope' else '-' + args.format}.txt")
    if os.path.exists(path) and os.path.getsize(path) > 0:
        return path
    log(f"generating {n} events into {path}")
    rng = random.Random(7)
    pads = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789 ") for _ in range(400)) for _ in range(64)]
    distinct = max(1, int(n * 0.8))
    with open(path + ".tmp", "w") as f:
        for i in range(n):
            f.write(event_line(i, pads[i % 64], f"doc-{(i * 7919) % distinct}", COLLECTIONS[i % 3]))
    os.rename(path + ".tmp", path)
    return path


def http(method, url, body=None):
    req = urllib.request.Request(url, data=body, method=method)
    with urllib.request.urlopen(req, timeout=600) as r:
        return r.read()


def proc_cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / tick


def cpu_by_role(threads):
    """The daemon's CPU seconds by role: Kafka (our poll thread and librdkafka's), HTTP I/O (NIO's event loops), and
    the rest (Swift's cooperative pool: routing, batching, request bodies, answers, offsets)."""
    roles = {"kafka": 0.0, "http": 0.0, "tasks": 0.0}
    for name, seconds in threads:
        role = "kafka" if name == "kafka-poll" or name.startswith("rdk:") else "http" if name.startswith("NIO-") else "tasks"
        roles[role] += seconds
    return roles


def thread_cpu_seconds(pid):
    """CPU seconds (user+sys) per thread name of a live process, summed over threads sharing a name."""
    tick = os.sysconf("SC_CLK_TCK")
    by_name = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                text = f.read()
        except OSError:
            continue
        name = text[text.index("(") + 1:text.rindex(")")]
        name = re.sub(r"[0-9]+", "#", name)
        fields = text.rsplit(")", 1)[1].split()
        by_name[name] = by_name.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / tick
    return by_name


def proc_hwm_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def start_standin():
    port_file = os.path.join(RUN, f"standin-{STAMP}.port")
    cmd = [os.path.join(args.bin, "kuzzle-standin"), "--host", "127.0.0.1", "--port", "0", "--port-file", port_file,
           "--keep-alive", "--threads", "1"] + sum((["--collection", f"bench/{c}"] for c in COLLECTIONS), [])
    proc = subprocess.Popen(cmd, stdout=open(os.path.join(RUN, "bench-standin.log"), "w"), stderr=subprocess.STDOUT)
    children.append(proc)
    for _ in range(200):
        if os.path.exists(port_file) and os.path.getsize(port_file) > 0:
            return proc, f"http://127.0.0.1:{open(port_file).read().strip()}"
        time.sleep(0.05)
    raise SystemExit("bench: the stand-in did not start")


def broker_pids():
    """tansu and its shim, as started by scripts/brokers.sh (their CPU is reported beside the daemon's)."""
    pids = {}
    for name in ("tansu", "shim"):
        try:
            pids[name] = int(open(os.path.join(RUN, f"{name}.pid")).read().strip())
        except (OSError, ValueError):
            pass
    return pids


def start_profile(pid):
    out = os.path.join(RUN, "perf-daemon.data")
    log(f"profile: perf record -g -p {pid} -o {out}")
    time.sleep(0.3)  # attached before the exec completes, perf records nothing
    return subprocess.Popen(["perf", "record", "-F", "999", "-g", "-p", str(pid), "-o", out],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop_profile(proc):
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=60)
    log(f"profile: perf report -i {RUN}/perf-daemon.data --no-children --sort symbol")


def counters(base):
    return json.loads(http("GET", f"{base}/_standin/counters"))


def start_daemon(base, group, name):
    config = os.path.join(RUN, f"bench-{name}.yaml")
    with open(config, "w") as f:
        f.write(f"""kafka:
  bootstrap_servers: [{BS}]
  group_id: {group}
  topics: [{TOPIC}]
  session_timeout: 6s
  properties:
    fetch.wait.max.ms: {FETCH_WAIT_MS}
{"".join(f"    {kv.split('=', 1)[0]}: '{kv.split('=', 1)[1]}'{chr(10)}" for kv in args.kafka_property)}kuzzle:
  url: {base}
  gzip: {"true" if args.gzip else "false"}
batching:
  max_wait: {MAX_WAIT_MS}ms
writer:
  route: {args.route}
{"  notify: true" + chr(10) if args.notify else ""}{"  concurrency: " + args.concurrency + chr(10) if args.concurrency else ""}{"backpressure:" + chr(10) + "  max_buffered_bytes: " + args.max_buffered if args.max_buffered else ""}
{f"routing:{chr(10)}  topics:{chr(10)}    {TOPIC}:{chr(10)}      format: debezium{chr(10)}      index: bench{chr(10)}      collection: orders{chr(10)}" if args.format == "debezium" else ""}logging:
  level: {args.log_level}
  stats_interval: 0
shutdown:
  drain_timeout: 10s
""")
    out = open(os.path.join(RUN, f"bench-{name}.log"), "w")
    proc = subprocess.Popen([os.path.join(args.bin, "kuzzle-bridge"), "run", "--config", config],
                            stdout=out, stderr=subprocess.STDOUT)
    children.append(proc)
    return proc


def wait_written(base, target, proc, timeout, sample=None):
    deadline = time.time() + timeout
    while time.time() < deadline:
        c = counters(base)
        if sample:
            sample()
        if c["documentsWritten"] >= target:
            return c
        if proc.poll() is not None:
            raise SystemExit(f"bench: the daemon exited ({proc.returncode}); see {RUN}/bench-*.log")
        time.sleep(0.05)
    raise SystemExit(f"bench: only {counters(base)['documentsWritten']} of {target} documents written in {timeout}s")


def linked_library(binary, name):
    """The path of the shared library `name` (e.g. libswiftCore.so) that `binary` loads, from ldd."""
    for line in subprocess.run(["ldd", binary], capture_output=True, text=True).stdout.splitlines():
        parts = line.split()
        if parts and parts[0].startswith(name) and "=>" in parts:
            return parts[parts.index("=>") + 1]
    raise SystemExit(f"bench: {binary} does not load {name}")


def count_calls(base, docs):
    """Calls per document to swift_retain, swift_release and malloc while a fresh daemon bridges `docs` events.

    Counted with perf uprobes: exact counts, which change only when the code does (CPU time on a shared VM varies by
    ±10 % from run to run). The probes slow the daemon several times over; only the counts are meaningful."""
    binary = os.path.join(args.bin, "kuzzle-bridge")
    swift_core, libc = linked_library(binary, "libswiftCore.so"), linked_library(binary, "libc.so.6")
    probes = [(swift_core, "swift_retain"), (swift_core, "swift_release"), (libc, "malloc")]
    events = []
    for library, function in probes:
        group = "probe_" + os.path.basename(library).split(".")[0]
        subprocess.run(["perf", "probe", "-q", "-d", f"{group}:{function}"], capture_output=True)
        subprocess.run(["perf", "probe", "-q", "-x", library, function], check=True, capture_output=True)
        events.append(f"{group}:{function}")
    http("POST", f"{base}/_standin/reset", b"")
    daemon = start_daemon(base, f"calls-{STAMP}", "calls")
    time.sleep(0.5)  # attached before the exec completes, perf stat counts nothing
    out = os.path.join(RUN, "bench-calls.txt")
    recorded = os.path.join(RUN, "bench-calls.data")
    command = (["perf", "record", "-g", "-e", ",".join(events), "-p", str(daemon.pid), "-o", recorded]
               if args.call_sites else
               ["perf", "stat", "-x", ",", "-e", ",".join(events), "-p", str(daemon.pid), "-o", out])
    stat = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_written(base, docs, daemon, timeout=max(600, docs / 200))
    written = counters(base)["documentsWritten"]
    stat.send_signal(signal.SIGINT)
    stat.wait(timeout=60)
    stop(daemon)
    for event in events:
        subprocess.run(["perf", "probe", "-q", "-d", event], capture_output=True)
    if args.call_sites:
        print_call_sites(recorded)
        return written, {}
    counts = {}
    for line in open(out):
        fields = line.strip().split(",")
        if len(fields) > 2 and fields[0].isdigit():
            counts[fields[2].split(":")[-1]] = int(fields[0]) / max(1, written)
    return written, counts


def print_call_sites(recorded):
    """The callers of each probed function, per document: the frame above the probe, and above that when the caller
    is an outlined copy or destroy (`...WOc`, `...WOh`: the value witness of the type being copied) or an array's."""
    # Streamed: a recording of 50,000 documents is over a gigabyte of text.
    script = subprocess.Popen(["perf", "script", "-i", recorded, "-F", "event,ip,sym"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    sites = {}

    def tally(sample):
        lines = [line.split() for line in sample if line.strip()]
        if len(lines) < 3 or not lines[0]:
            return
        event = lines[0][-1].rstrip(":").split(":")[-1]
        frames = [line[-1] for line in lines[1:] if len(line) >= 2]
        caller = frames[1] if len(frames) > 1 else "?"
        if (caller.endswith(("WOc", "WOh", "wcp", "wxx")) or "arrayDestroy" in caller) and len(frames) > 2:
            caller += " <- " + frames[2]
        sites[(event, caller)] = sites.get((event, caller), 0) + 1

    sample = []
    for line in script.stdout:
        if line.strip():
            sample.append(line)
        elif sample:
            tally(sample)
            sample = []
    if sample:
        tally(sample)
    script.wait()
    totals = {}
    for (event, _), count in sites.items():
        totals[event] = totals.get(event, 0) + count
    log(f"calls: call sites, each a share of its function's calls ({recorded}); the counts per document come from "
        "--count-calls without --call-sites")
    for (event, caller), count in sorted(sites.items(), key=lambda item: -item[1])[:30]:
        print(f"  {100 * count / totals[event]:5.1f} %  {event:14} {caller[:160]}")


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def kcat_floor():
    cmd = ["kcat", "-C", "-b", BS, "-G", f"kcat-{STAMP}", "-X", "auto.offset.reset=earliest",
           "-X", "session.timeout.ms=6000", "-X", f"fetch.wait.max.ms={FETCH_WAIT_MS}", "-e", "-q", "-f", "\n", TOPIC]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE)
    got, first, last = 0, None, None
    while True:
        chunk = os.read(proc.stdout.fileno(), 1 << 16)
        if not chunk:
            break
        now = time.monotonic()
        if first is None:
            first = now
        got += chunk.count(b"\n")
        last = now
    _, status, usage = os.wait4(proc.pid, 0)
    cpu = usage.ru_utime + usage.ru_stime
    return got, got / max(1e-9, last - first), cpu


def paced_produce(rate, seconds, prefix="lat"):
    """Feeds kcat -P at `rate` events/s; each id carries the epoch ms at which its line was handed to kcat."""
    # linger.ms=5: with 1 ms, tansu behind the Python shim could not keep up with ~1,000 tiny produce requests per
    # second, and even kcat's own consume latency grew without bound (p50 18 ms to 570 ms within 5 s at 10k/s).
    cmd = ["kcat", "-P", "-b", BS, "-t", TOPIC, "-K", "|", "-X", f"linger.ms={PRODUCE_LINGER_MS}"]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE)
    pad = "p" * 400
    start = time.monotonic()
    sent = 0
    total = int(rate * seconds)
    while sent < total:
        due = min(total, int((time.monotonic() - start) * rate))
        if due > sent:
            now_ms = int(time.time() * 1000)
            lines = "".join(event_line(i, pad, f"{prefix}-{now_ms}-{i}", COLLECTIONS[i % 3], now_ms) for i in range(sent, due))
            proc.stdin.write(lines.encode())
            proc.stdin.flush()
            sent = due
        time.sleep(0.001)
    proc.stdin.close()
    proc.wait()
    return sent


class FloorLatency:
    """kcat consuming paced events (keys `flr-…`) in its own group, alone, after the daemon's phase: the latency of the
    broker path itself (send -> line read from kcat), the floor for the daemon's figure."""

    def __init__(self):
        cmd = ["kcat", "-C", "-b", BS, "-G", f"kcat-lat-{STAMP}", "-X", "auto.offset.reset=earliest",
               "-X", "session.timeout.ms=6000", "-X", f"fetch.wait.max.ms={FETCH_WAIT_MS}", "-q", "-u", "-f", "%k\n",
               TOPIC]  # -u: unbuffered, else stdio holds lines back until 4 KiB (a second at 200 events/s)
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE)
        children.append(self.proc)
        self.latencies = []
        self.seen = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            now = int(time.time() * 1000)
            self.seen += 1
            key = line.decode(errors="replace").strip()
            if key.startswith('{"id":"'):  # --format debezium: the key is {"id":"<id>"}
                key = key[7:-2]
            if key.startswith("flr-"):
                self.latencies.append(now - int(key.split("-")[1]))

    def caught_up(self, n):
        return self.seen >= n

    def stop(self):
        self.proc.terminate()
        return self.latencies


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


def main():
    os.makedirs(RUN, exist_ok=True)
    results = {}
    path = data_file(N)
    subprocess.run(["kcat", "-b", BS, "-L", "-t", TOPIC], check=True, stdout=subprocess.DEVNULL)  # auto-create
    meta = json.loads(subprocess.run(["kcat", "-b", BS, "-L", "-J", "-t", TOPIC], check=True,
                                     capture_output=True).stdout)
    partitions = len(meta["topics"][0]["partitions"])
    log(f"topic {TOPIC}: {partitions} partitions; producing {N} events with kcat")
    t0 = time.monotonic()
    subprocess.run(["kcat", "-P", "-b", BS, "-t", TOPIC, "-K", "|", "-l", path], check=True)
    log(f"produced in {time.monotonic() - t0:.1f} s")

    log("floor: kcat group consume")
    got, kcat_rate, kcat_cpu = kcat_floor()
    results["kcat"] = (got, kcat_rate, kcat_cpu)
    log(f"kcat: {got} msgs, {kcat_rate:,.0f} msg/s, {kcat_cpu:.2f} s CPU")

    standin, base = start_standin()
    log(f"daemon: bridging {N} events into the stand-in at {base} (route {args.route}, notify {args.notify}, "
        f"gzip {args.gzip})")
    others = dict(broker_pids(), standin=standin.pid)
    others_before = {name: proc_cpu_seconds(pid) for name, pid in others.items()}
    daemon = start_daemon(base, f"bridge-{STAMP}", "throughput")
    profiler = start_profile(daemon.pid) if args.profile else None
    c = wait_written(base, N, daemon, timeout=max(600, N / 2000))
    cpu = proc_cpu_seconds(daemon.pid)
    threads = sorted(thread_cpu_seconds(daemon.pid).items(), key=lambda item: -item[1])
    log("daemon CPU by thread: " + ", ".join(f"{name} {sec:.2f} s" for name, sec in threads if sec >= 0.01))
    results["roles"] = cpu_by_role(threads)
    if profiler:
        stop_profile(profiler)
    others_cpu = {name: proc_cpu_seconds(pid) - others_before[name] for name, pid in others.items()}
    results["others"] = others_cpu
    hwm = proc_hwm_mib(daemon.pid)
    span = max(1, c["lastWriteAt"] - c["firstWriteAt"]) / 1000
    rate = N / span
    results["daemon"] = (rate, cpu, hwm)
    log(f"daemon: {rate:,.0f} docs/s over {span:.2f} s, {cpu:.2f} s CPU, VmHWM {hwm:.1f} MiB")

    lat_rate = args.latency_rate or max(100, int(rate * args.latency_fraction))
    http("POST", f"{base}/_standin/write-log", b"")
    log(f"latency: pacing {lat_rate}/s for {args.latency_seconds:.0f} s into the daemon")
    sent = paced_produce(lat_rate, args.latency_seconds)
    wait_written(base, N + sent, daemon, timeout=120)
    lines = http("GET", f"{base}/_standin/write-log").decode().splitlines()
    with open(os.path.join(RUN, "bench-latency.log"), "w") as f:
        f.write("\n".join(lines))
    lat = []
    for line in lines:
        doc_id, at = line.split(" ")
        if doc_id.startswith("lat-"):
            lat.append(int(at) - int(doc_id.split("-")[1]))
    hwm = proc_hwm_mib(daemon.pid)
    results["latency"] = (lat_rate, len(lat), percentile(lat, 0.5), percentile(lat, 0.99), max(lat or [0]))
    stop(daemon)

    # The floor, alone as the daemon was: kcat consuming the same kind of paced events (produce -> broker -> fetch).
    floor = FloorLatency()
    deadline = time.time() + 120
    while not floor.caught_up(N + sent) and time.time() < deadline:
        time.sleep(0.2)
    log(f"latency floor: pacing {lat_rate}/s for {args.latency_seconds:.0f} s into kcat alone")
    floor_sent = paced_produce(lat_rate, args.latency_seconds, prefix="flr")
    deadline = time.time() + 60
    while not floor.caught_up(N + sent + floor_sent) and time.time() < deadline:
        time.sleep(0.2)
    floor_lat = floor.stop()
    results["floor_latency"] = (len(floor_lat), percentile(floor_lat, 0.5), percentile(floor_lat, 0.99))

    if args.stall:
        http("POST", f"{base}/_standin/reset", b"")
        http("POST", f"{base}/_standin/faults", json.dumps({"hang": True}).encode())
        log(f"stall: the stand-in holds every request for {args.stall_seconds} s; a new daemon faces {N} events")
        stalled = start_daemon(base, f"stall-{STAMP}", "stall")
        end = time.time() + args.stall_seconds
        peak = 0.0
        while time.time() < end:
            if stalled.poll() is not None:
                raise SystemExit("bench: the stalled daemon exited")
            peak = max(peak, proc_hwm_mib(stalled.pid))
            time.sleep(0.5)
        http("POST", f"{base}/_standin/faults", json.dumps({"hang": False}).encode())
        t_release = time.time()
        wait_written(base, N, stalled, timeout=max(600, N / 2000))
        results["stall"] = (proc_hwm_mib(stalled.pid), time.time() - t_release)
        stop(stalled)

    if args.count_calls:
        log(f"calls: counting swift_retain, swift_release and malloc over {min(N, args.count_calls)} documents")
        results["calls"] = count_calls(base, min(N, args.count_calls))

    kcat_cpu_per_msg = kcat_cpu / max(1, got)
    daemon_cpu_per_doc = results["daemon"][1] / N
    rows = [
        ("events", f"{N:,}", ""),
        ("kcat group consume (floor)", f"{kcat_rate:,.0f} msg/s", f"{kcat_cpu / got * 1e6:.2f} CPU s per M msgs"),
        ("daemon bridge", f"{rate:,.0f} docs/s", f"{daemon_cpu_per_doc * 1e6:.2f} CPU s per M docs"),
        ("meanwhile, CPU s of the others", ", ".join(f"{k} {v:.1f}" for k, v in results["others"].items()),
         "same machine (2 cores): they bound the daemon's rate"),
        ("ratio daemon/kcat CPU per item", f"{daemon_cpu_per_doc / kcat_cpu_per_msg:.2f}x", "target <= 2x"),
        ("  daemon CPU s per M docs by role",
         ", ".join(f"{role} {sec / N * 1e6:.2f}" for role, sec in results["roles"].items()),
         "kafka: kafka-poll + librdkafka; http: NIO; tasks: the rest"),
        ("  kafka + http alone / kcat CPU per item",
         f"{(results['roles']['kafka'] + results['roles']['http']) / N / kcat_cpu_per_msg:.2f}x",
         "the I/O threads' share before any per-document work"),
        ("ratio daemon docs/s / kcat msgs/s", f"{rate / kcat_rate:.0%}", "target >= 60% (or >= 100k docs/s)"),
        ("daemon peak RSS (VmHWM)", f"{results['daemon'][2]:.1f} MiB", "target <= 100 MiB"),
        (f"latency at {lat_rate}/s" + ("" if args.latency_rate else f" ({args.latency_fraction:.0%} of peak)"),
         f"p50 {results['latency'][2]} ms, p99 {results['latency'][3]} ms",
         f"max {results['latency'][4]} ms, {results['latency'][1]} docs; target p99 <= {MAX_WAIT_MS + 50} ms"),
        ("  same pacing, kcat alone (floor)",
         f"p50 {results['floor_latency'][1]} ms, p99 {results['floor_latency'][2]} ms",
         f"{results['floor_latency'][0]} msgs; produced by kcat -P with linger.ms={PRODUCE_LINGER_MS}"),
    ]
    if "calls" in results:
        written, counts = results["calls"]
        if counts:
            rows.append(("calls per document (perf uprobes)",
                     ", ".join(f"{name} {count:.1f}" for name, count in counts.items()),
                     f"over the first {written:,} documents of a fresh daemon"))
    if "stall" in results:
        rows.append((f"--stall {args.stall_seconds}s peak RSS", f"{results['stall'][0]:.1f} MiB",
                     f"drained {N:,} in {results['stall'][1]:.1f} s after release; target <= 150 MiB"))
    width = max(len(r[0]) for r in rows)
    width2 = max(len(r[1]) for r in rows)
    print(f"\nkuzzle-bridge end-to-end benchmark (format {args.format}, route {args.route}, kuzzle.gzip {args.gzip}, "
          f"writer.concurrency {args.concurrency or 'default'}, "
          f"fetch.wait.max.ms {FETCH_WAIT_MS}, batching.max_wait {MAX_WAIT_MS}ms, tansu memory:// via tagshim)")
    for name, value, note in rows:
        print(f"  {name:<{width}}  {value:>{width2}}  {note}")


try:
    main()
finally:
    cleanup()

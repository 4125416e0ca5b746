"""Summarises JFR execution samples (jfr print --json): hottest methods by self time, and inclusive shares of
frames that tell where a stream job spends its time. Used by scripts/bench-profile.sh."""
import collections
import json
import sys

# (label, substring of "class.method" of any frame in the stack): inclusive share; first match in the list wins
# for the "bucket" view, so order from the most specific to the most general
BUCKETS = [
    ("kafka consumer (fetch, poll)", "org.apache.kafka.clients.consumer"),
    ("kafka producer (send, serialize)", "org.apache.kafka.clients.producer"),
    ("avro decode of input (AvroCodec.decode)", "io.streamlake.schemas.AvroCodec.decode"),
    ("avro encode of output (AvroCodec.encode)", "io.streamlake.schemas.AvroCodec.encode"),
    ("beam coders (AvroCoder etc.)", "org.apache.beam.sdk.coders"),
    ("beam avro coder", "org.apache.beam.sdk.extensions.avro.coders"),
    ("flink avro serializer", "org.apache.flink.formats.avro.typeutils"),
    ("flink sort / spill (batch)", "org.apache.flink.runtime.operators.sort"),
    ("flink sorted input (batch streaming)", "org.apache.flink.streaming.api.operators.sort"),
    ("beam metrics", "org.apache.beam.runners.core.metrics"),
    ("join / window user logic", "io.streamlake.pipelines"),
    ("join / window user logic", "io.streamlake.bench.nativeflink"),
    ("beam runner (DoFnRunner, state, timers)", "org.apache.beam.runners"),
    ("flink network / serialization", "org.apache.flink.runtime.io"),
    ("flink other", "org.apache.flink"),
]


def frames(event):
    stack = event["values"]["stackTrace"]
    if not stack:
        return []
    out = []
    for f in stack["frames"]:
        m = f["method"]
        out.append(m["type"]["name"].replace("/", ".") + "." + m["name"])
    return out


def main(path):
    data = json.load(open(path))
    events = data["recording"]["events"]
    total = len(events)
    self_counts = collections.Counter()
    bucket_counts = collections.Counter()
    inclusive = collections.Counter()
    threads = collections.Counter()
    for e in events:
        fs = frames(e)
        if not fs:
            continue
        thread = e["values"].get("sampledThread", {}) or {}
        name = thread.get("javaName") or thread.get("osName") or "?"
        threads[name.split(" (")[0].rstrip("0123456789#- ")] += 1
        self_counts[fs[0]] += 1
        joined = " ".join(fs)
        for label, needle in BUCKETS:
            if needle in joined:
                bucket_counts[label] += 1
                break
        else:
            bucket_counts["other (JDK, JIT-less frames)"] += 1
        seen = set()
        for label, needle in BUCKETS:
            if label not in seen and needle in joined:
                inclusive[label] += 1
                seen.add(label)
    print(f"{total} execution samples (Java threads only; JIT compiler and GC threads are not sampled)")
    print("\nthreads:")
    for t, n in threads.most_common(8):
        print(f"  {100.0 * n / total:5.1f}%  {t}")
    print("\nbuckets (each sample once, first matching frame class in this order):")
    for label, n in bucket_counts.most_common():
        print(f"  {100.0 * n / total:5.1f}%  {label}")
    print("\ninclusive (a sample counts for every label with a frame in its stack):")
    for label, n in inclusive.most_common():
        print(f"  {100.0 * n / total:5.1f}%  {label}")
    print("\nhottest methods (self):")
    for m, n in self_counts.most_common(25):
        print(f"  {100.0 * n / total:5.1f}%  {m}")


if __name__ == "__main__":
    main(sys.argv[1])

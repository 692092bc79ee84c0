#!/usr/bin/env python3
"""Prints a simulated table's Debezium change events as `key|value` lines for `kcat -P -K '|' -Z`.

Each row of a Postgres-like `public.orders` table gets a history: a snapshot read (`r`) or a create (`c`), a few
updates (`u`, DEFAULT or FULL replica identity), then maybe a delete (`d`, usually followed by its tombstone: an empty
value, sent as a Kafka null by `kcat -Z`) or a primary-key change (`d` + tombstone under the old key, `c` under the
new one). A heartbeat (no `op`) now and then, one row in three with schemas on (the JSON converter's
`{"schema","payload"}` wrapper around key and value). Deterministic for a given --seed. With --expect FILE, writes the
table the events end in ({id: row}) to FILE.
"""
import argparse
import json
import random

parser = argparse.ArgumentParser()
parser.add_argument("--rows", type=int, default=200)
parser.add_argument("--seed", type=int, default=42)
parser.add_argument("--expect", help="write the final table (JSON object: id -> row) here")
args = parser.parse_args()

rng = random.Random(args.seed)
SOURCE = {"version": "2.5.0.Final", "connector": "postgresql", "name": "demo", "ts_ms": 1700000000000,
          "snapshot": "false", "db": "shop", "schema": "public", "table": "orders"}
KEY_SCHEMA = {"type": "struct", "optional": False, "name": "demo.public.orders.Key",
              "fields": [{"type": "int64", "optional": False, "field": "id"}]}
VALUE_SCHEMA = {"type": "struct", "optional": False, "name": "demo.public.orders.Envelope",
                "fields": [{"type": "string", "optional": False, "field": "op"}]}
CUSTOMERS = ["acme", "globex", "initech", "umbrella", "hooli"]


def dumps(value):
    return json.dumps(value, separators=(",", ":"))


def emit(row_id, schemas, op=None, before=None, after=None):
    key = {"id": row_id}
    value = None
    if op is not None:
        value = {"before": before, "after": after, "source": SOURCE, "op": op, "ts_ms": 1700000000000}
    if schemas:
        key = {"schema": KEY_SCHEMA, "payload": key}
        value = None if value is None else {"schema": VALUE_SCHEMA, "payload": value}
    print(f"{dumps(key)}|{'' if value is None else dumps(value)}")


table = {}
for n in range(args.rows):
    schemas = n % 3 == 0
    row_id = n + 1
    row = {"id": row_id, "customer": rng.choice(CUSTOMERS), "total": rng.randrange(100, 100000), "status": "new"}
    emit(row_id, schemas, rng.choice("rc"), None, row)
    for status in ["paid", "shipped", "done"][: rng.randrange(0, 4)]:
        before = {"id": row_id} if rng.random() < 0.5 else row
        row = dict(row, status=status)
        emit(row_id, schemas, "u", before, row)
    roll = rng.random()
    if roll < 0.15:
        emit(row_id, schemas, "d", row, None)
        if roll < 0.12:
            emit(row_id, schemas)  # the tombstone (sometimes lost: `op: d` deletes by itself)
        continue
    if roll < 0.25:
        emit(row_id, schemas, "d", row, None)
        emit(row_id, schemas)
        row_id = 100000 + n
        row = dict(row, id=row_id)
        emit(row_id, schemas, "c", None, row)
    table[str(row_id)] = row
    if n % 50 == 0:
        print(f'{dumps({"serverName": "demo"})}|{dumps({"ts_ms": 1700000000000 + n})}')

if args.expect:
    with open(args.expect, "w") as f:
        json.dump(table, f)

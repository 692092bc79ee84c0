#!/usr/bin/env python3
"""Prints sample kuzzle-bridge document events as `key|value` lines for `kcat -P -K '|'`.

Envelope events over three collections of index `shop`: mostly create-or-replace writes, some partial updates of
documents written before, some deletes, and --poison malformed events (invalid JSON, a body that is not an object,
an invalid index name) that the bridge sends to the dead-letter topic. Deterministic for a given --seed.
"""
import argparse
import json
import random

parser = argparse.ArgumentParser()
parser.add_argument("--count", type=int, default=20000)
parser.add_argument("--poison", type=int, default=5)
parser.add_argument("--seed", type=int, default=42)
parser.add_argument("--ids", type=int, default=0, help="distinct ids per collection (default: count/4)")
args = parser.parse_args()

rng = random.Random(args.seed)
collections = ["orders", "customers", "products"]
ids = args.ids or max(1, args.count // 4)
existing = set()
poison_at = set(rng.sample(range(args.count), min(args.poison, args.count)))

for n in range(args.count):
    collection = collections[n % 3]
    doc_id = f"{collection[:-1]}-{rng.randrange(ids)}"
    key = f"{collection}/{doc_id}"
    if n in poison_at:
        kind = n % 3
        if kind == 0:
            value = '{"index":"shop","collection":"%s","_id":"%s","body":{"broken": ' % (collection, doc_id)
        elif kind == 1:
            value = json.dumps({"index": "shop", "collection": collection, "_id": doc_id, "body": "not an object"})
        else:
            value = json.dumps({"index": "Shop Index", "collection": collection, "_id": doc_id, "body": {"n": n}})
        print(f"{key}|{value}")
        continue
    roll = rng.random()
    if (collection, doc_id) in existing and roll < 0.10:
        event = {"index": "shop", "collection": collection, "_id": doc_id, "action": "delete"}
        existing.discard((collection, doc_id))
    elif (collection, doc_id) in existing and roll < 0.25:
        event = {"index": "shop", "collection": collection, "_id": doc_id, "action": "update",
                 "body": {"updated_at": 1700000000000 + n, "status": rng.choice(["paid", "shipped", "done"])}}
    else:
        event = {"index": "shop", "collection": collection, "_id": doc_id,
                 "body": {"seq": n, "name": f"{collection} {doc_id}", "price": round(rng.uniform(1, 500), 2),
                          "tags": rng.sample(["red", "blue", "green", "sale", "new"], 2),
                          "note": "x" * rng.randrange(50, 300)}}
        existing.add((collection, doc_id))
    print(f"{key}|{json.dumps(event, separators=(',', ':'))}")

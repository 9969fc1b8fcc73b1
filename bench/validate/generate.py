#!/usr/bin/env python3
"""Writes the benchmark's inputs, deterministically (fixed seed): prd.jsonl (one prd.json document per line,
20 stories each) and events.jsonl (event lines). About 3% of the documents are invalid on purpose, so both
validators also walk their error paths and the run can check that they agree on which documents fail.

usage: generate.py OUT_DIR [PRD_COUNT] [EVENT_COUNT]"""
import json
import random
import sys

WORDS = ("parse config merge retry budget journal render cache widget session verify gate story lock token "
         "stream schema atomic commit replay dashboard feedback prompt builder epic").split()


def sentence(rng, low, high):
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high))).capitalize() + "."


def story(rng, index, count):
    status = rng.choice(["pending", "pending", "passed", "blocked"])
    out = {
        "id": f"US-{index + 1:03d}",
        "title": sentence(rng, 3, 8),
        "description": " ".join(sentence(rng, 6, 16) for _ in range(rng.randint(2, 5))),
        "acceptanceCriteria": [sentence(rng, 5, 12) for _ in range(rng.randint(2, 6))],
        "priority": index,
        "dependencies": [f"US-{d + 1:03d}" for d in sorted(rng.sample(range(index), min(index, rng.randint(0, 2))))],
        "epic": f"E{index // 5 + 1}",
        "notes": sentence(rng, 0, 10) if rng.random() < 0.5 else "",
        "status": status,
    }
    if status == "blocked":
        out["blockedReason"] = sentence(rng, 4, 10)
    return out


def break_prd(rng, doc):
    victim = rng.choice(doc["stories"])
    choice = rng.randrange(4)
    if choice == 0:
        del victim["acceptanceCriteria"]
    elif choice == 1:
        victim["priority"] = "high"
    elif choice == 2:
        victim["status"] = "maybe"
    else:
        victim["id"] = "9-bad id"


def prd(rng, n):
    doc = {
        "schemaVersion": 1,
        "project": f"project-{n}",
        "description": sentence(rng, 10, 30),
        "epics": [{"id": f"E{e + 1}", "title": sentence(rng, 2, 5)} for e in range(4)],
        "stories": [story(rng, i, 20) for i in range(20)],
    }
    if rng.random() < 0.03:
        break_prd(rng, doc)
    return doc


def event(rng, seq):
    kind = rng.choice(["phase_started", "session", "gate", "verdict", "phase_finished", "commit", "warning"])
    story_id = f"US-{rng.randint(1, 20):03d}"
    if kind == "phase_started":
        data = {"phase": rng.choice(["build", "gates", "verify", "fix"]), "storyId": story_id, "attempt": rng.randint(0, 3)}
    elif kind == "session":
        data = {"role": rng.choice(["orchestrator", "builder", "verifier"]), "storyId": story_id, "attempt": 0,
                "agent": "claude", "model": "sonnet", "sessionId": f"{rng.getrandbits(64):016x}",
                "tokens": {"input": rng.randint(0, 90000), "output": rng.randint(0, 9000),
                           "cacheRead": rng.randint(0, 500000), "cacheWrite": rng.randint(0, 20000)},
                "turns": rng.randint(1, 40), "durationMs": rng.randint(1000, 900000),
                "costUsd": round(rng.random() * 3, 4), "outcome": "success"}
    elif kind == "gate":
        data = {"name": rng.choice(["build", "test", "lint"]), "storyId": story_id, "attempt": 1,
                "exitCode": rng.choice([0, 0, 0, 1, 2]), "passed": True, "timedOut": False,
                "durationMs": rng.randint(10, 100000), "outputTail": sentence(rng, 10, 60)}
    elif kind == "verdict":
        data = {"storyId": story_id, "attempt": 1, "verdict": rng.choice(["pass", "fail_retry"]),
                "summary": sentence(rng, 5, 20),
                "criteria": [{"criterion": sentence(rng, 4, 9), "passed": rng.random() < 0.8} for _ in range(4)]}
    else:
        data = {"storyId": story_id, "note": sentence(rng, 3, 8)}
    line = {"seq": seq, "ts": f"2026-11-22T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}.{rng.randint(0, 999):03d}Z",
            "runId": "r20261122T100000Z-4f2a", "kind": kind, "data": data}
    if rng.random() < 0.03:
        choice = rng.randrange(3)
        if choice == 0:
            line["ts"] = "2026-02-30T10:00:00Z"
        elif choice == 1:
            line["kind"] = "lunch"
        else:
            line["seq"] = 0
    return line


def main():
    out_dir = sys.argv[1]
    prd_count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    event_count = int(sys.argv[3]) if len(sys.argv) > 3 else 100000
    rng = random.Random(20261122)
    with open(f"{out_dir}/prd.jsonl", "w", encoding="utf-8") as out:
        for n in range(prd_count):
            out.write(json.dumps(prd(rng, n), separators=(",", ":")) + "\n")
    with open(f"{out_dir}/events.jsonl", "w", encoding="utf-8") as out:
        for seq in range(1, event_count + 1):
            out.write(json.dumps(event(rng, seq), separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()

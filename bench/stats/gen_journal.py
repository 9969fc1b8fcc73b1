#!/usr/bin/env python3
"""Writes a realistic .simmer/events.jsonl of about --bytes bytes for the stats benchmark.

Runs of ~200 stories each: orchestrate, build, gates, verify, sometimes a fix, retries, halts; session events with
tokens and cost; gate events with output tails of up to 8 KiB. One line in 10,000 is torn or garbage, as a crash
would leave it. Deterministic for a given --seed, so every tool reads the same bytes.
"""
import argparse
import json
import random
import sys

ROLES_MODELS = {"orchestrator": "claude-haiku-4", "builder": "claude-sonnet-4", "verifier": "claude-opus-4"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bytes", type=int, default=1 << 30)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    tails = ["".join(rnd.choice("abcdefghij klmnop\n") for _ in range(n)) for n in (0, 200, 2000, 8000)]
    seq = 0
    written = 0
    run = 0
    ms = 1_700_000_000_000
    with open(args.out, "w", buffering=1 << 22) as f:

        def emit(run_id, kind, data):
            nonlocal seq, written, ms
            seq += 1
            ms += rnd.randint(5, 4000)
            ts = "2026-11-22T%02d:%02d:%02d.%03dZ" % ((ms // 3600000) % 24, (ms // 60000) % 60, (ms // 1000) % 60, ms % 1000)
            line = json.dumps({"seq": seq, "ts": ts, "runId": run_id, "kind": kind, "data": data},
                              separators=(",", ":"))
            if rnd.random() < 0.0001:
                line = line[: rnd.randint(1, len(line) - 1)] if rnd.random() < 0.5 else "\x00garbage"
            f.write(line + "\n")
            written += len(line) + 1

        def session(run_id, role, story, attempt):
            cost = round(rnd.lognormvariate(-2.0, 0.8), 6)
            emit(run_id, "session", {
                "role": role, "storyId": story, "attempt": attempt, "agent": "claude",
                "model": ROLES_MODELS.get(role, ROLES_MODELS["builder"]),
                "sessionId": "%08x-%04x" % (rnd.getrandbits(32), rnd.getrandbits(16)),
                "tokens": {"input": rnd.randint(100, 5000), "output": rnd.randint(50, 4000),
                           "cacheRead": rnd.randint(0, 90000), "cacheWrite": rnd.randint(0, 9000)},
                "turns": rnd.randint(1, 40), "durationMs": int(rnd.lognormvariate(10, 0.7)), "costUsd": cost,
                "costReported": True, "outcome": "success" if rnd.random() < 0.97 else "transient", "error": None,
                "transcript": ".simmer/sessions/%s/%s-%s-%d.jsonl" % (run_id, story, role, attempt)})

        while written < args.bytes:
            run += 1
            run_id = "r20261122T%06dZ-%04x" % (run, run & 0xFFFF)
            emit(run_id, "run_started", {"version": "0.1.0", "pid": 1000 + run, "resumed": run > 1,
                                         "phase": "orchestrate", "storyId": None})
            for s in range(200):
                if written >= args.bytes:
                    break
                story = "US-%04d" % rnd.randint(1, 1000)
                emit(run_id, "phase_started", {"phase": "orchestrate", "storyId": None, "attempt": 0})
                session(run_id, "orchestrator", story, 0)
                emit(run_id, "phase_finished", {"phase": "orchestrate", "storyId": story, "attempt": 0,
                                                "durationMs": rnd.randint(2000, 20000), "outcome": "ok"})
                emit(run_id, "story_selected", {"storyId": story, "by": rnd.choice(["orchestrator", "harness"])})
                attempt = 0
                while True:
                    phase = "build" if attempt == 0 else "fix"
                    emit(run_id, "phase_started", {"phase": phase, "storyId": story, "attempt": attempt})
                    if rnd.random() < 0.05:
                        emit(run_id, "retry_scheduled", {"phase": phase, "reason": rnd.choice(["transient", "contract", "usage_limit"]),
                                                         "delayMs": 2000, "retry": 1})
                    session(run_id, "builder", story, attempt)
                    emit(run_id, "phase_finished", {"phase": phase, "storyId": story, "attempt": attempt,
                                                    "durationMs": rnd.randint(20000, 600000), "outcome": "ok"})
                    gates_ok = rnd.random() < 0.85
                    for name in ("build", "test"):
                        passed = gates_ok or name == "build"
                        emit(run_id, "gate", {"name": name, "storyId": story, "attempt": attempt,
                                              "exitCode": 0 if passed else 1, "passed": passed, "timedOut": False,
                                              "durationMs": rnd.randint(100, 90000),
                                              "outputTail": rnd.choice(tails)})
                    if not gates_ok and attempt < 3:
                        attempt += 1
                        continue
                    session(run_id, "verifier", story, attempt)
                    verdict = rnd.choices(["pass", "fail_retry", "fail_abort"], [80, 17, 3])[0]
                    emit(run_id, "verdict", {"storyId": story, "attempt": attempt, "verdict": verdict,
                                             "summary": "checked every criterion against the diff and the tests",
                                             "criteria": [{"criterion": "criterion %d" % i, "passed": verdict == "pass"}
                                                          for i in range(4)]})
                    if verdict == "fail_retry" and attempt < 3:
                        attempt += 1
                        continue
                    break
                if verdict == "pass":
                    emit(run_id, "commit", {"storyId": story, "attempt": attempt, "kind": "record",
                                            "sha": "%040x" % rnd.getrandbits(160), "subject": "feat: " + story})
                    emit(run_id, "story_passed", {"storyId": story, "attempts": attempt + 1, "costUsd": 1.0})
                else:
                    emit(run_id, "story_blocked", {"storyId": story, "reason": "verifier: " + verdict})
            if rnd.random() < 0.2:
                emit(run_id, "halted", {"reason": "checkpoint", "detail": "epic done"})
            emit(run_id, "run_finished", {"result": "passed", "exitCode": 0})
    print("wrote %d bytes, %d lines, %d runs to %s" % (written, seq, run, args.out), file=sys.stderr)


if __name__ == "__main__":
    main()

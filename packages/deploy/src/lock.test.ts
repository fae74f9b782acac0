import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { createRepo, gitEnv } from "@shipgate/test-utils";
import { Ledger, ledgerRefs } from "@shipgate/core";
import { acquireLock, releaseLock, renewLock, type LockData } from "./lock.js";

const request = { owner: "tester", purpose: "worker", leaseSeconds: 600 };

function setup() {
  const repo = createRepo({ bare: true });
  return { repo, ledger: Ledger.at(repo.dir, gitEnv()), ref: ledgerRefs("production").lock };
}

/** Puts a lock held by someone else into the ledger, as their process would have. */
async function foreignLock(ledger: Ledger, holder: Partial<LockData>): Promise<string> {
  const data: LockData = {
    owner: "other",
    purpose: "worker",
    pid: 1,
    pidStart: null,
    host: hostname(),
    startedAt: new Date().toISOString(),
    leaseUntil: new Date(Date.now() + 3_600_000).toISOString(),
    ...holder,
  };
  const oid = await ledger.write("foreign lock", data);
  expect(await ledger.apply([{ ref: ledgerRefs("production").lock, to: oid, from: null }])).toBe(true);
  return oid;
}

function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(child.stdout);
}

describe("environment lock", () => {
  it("takes over a lock whose process is gone on this host", async () => {
    const { ledger, ref } = setup();
    const pid = deadPid();
    const stale = await foreignLock(ledger, { pid });
    const attempt = await acquireLock(ledger, "production", request);
    expect(attempt.ok && attempt.lock.takenOver).toMatchObject({ from: { pid }, why: `its process ${pid} on ${hostname()} is gone` });
    expect((await ledger.entry(ref))?.oid).not.toBe(stale);
    expect((await ledger.entry(ref))?.data["pid"]).toBe(process.pid);
  });

  it("takes over a lock whose lease ended, even when its holder runs on another host", async () => {
    const { ledger } = setup();
    await foreignLock(ledger, { host: "build-7", leaseUntil: new Date(Date.now() - 1000).toISOString() });
    const attempt = await acquireLock(ledger, "production", request);
    expect(attempt.ok && attempt.lock.takenOver?.why).toMatch(/^its lease ended at /);
  });

  it("takes a lock whose pid now belongs to another process (the start time differs) as stale", async () => {
    const { ledger } = setup();
    await foreignLock(ledger, { pid: process.pid, pidStart: "1" });
    const attempt = await acquireLock(ledger, "production", request);
    expect(attempt.ok && attempt.lock.takenOver?.why).toBe(`its process ${process.pid} on ${hostname()} is gone`);
  });

  it("leaves a live lock alone, and the process that did not get it removes nothing", async () => {
    const { ledger, ref } = setup();
    const live = await foreignLock(ledger, { host: "build-7" });
    const attempt = await acquireLock(ledger, "production", request);
    expect(attempt).toMatchObject({ ok: false, holder: { owner: "other", host: "build-7" } });
    expect((await ledger.entry(ref))?.oid).toBe(live);
  });

  it("stops a holder whose lock was taken over from renewing or releasing the new holder's lock", async () => {
    const { ledger, ref } = setup();
    const first = await acquireLock(ledger, "production", { ...request, now: () => new Date(Date.now() - 7_200_000) });
    expect(first.ok).toBe(true);
    const second = await acquireLock(ledger, "production", request);
    expect(second.ok && second.lock.takenOver?.why).toMatch(/lease ended/);
    if (!first.ok || !second.ok) return;
    expect(await renewLock(ledger, first.lock, 600)).toBe(false);
    expect(await releaseLock(ledger, first.lock)).toBe(false);
    expect((await ledger.entry(ref))?.oid).toBe(second.lock.oid);
    expect(await renewLock(ledger, second.lock, 600)).toBe(true);
    expect(await releaseLock(ledger, second.lock)).toBe(true);
    expect(await ledger.entry(ref)).toBeNull();
  });

  it("gives the lock to exactly one of many processes asking at once", async () => {
    const { repo, ref } = setup();
    const ledgers = Array.from({ length: 6 }, () => Ledger.at(repo.dir, gitEnv()));
    const attempts = await Promise.all(ledgers.map((ledger, i) => acquireLock(ledger, "production", { ...request, owner: `w${i}` })));
    const winners = attempts.filter((attempt) => attempt.ok);
    expect(winners).toHaveLength(1);
    expect((await ledgers[0]!.entry(ref))?.oid).toBe(winners[0]!.ok ? winners[0]!.lock.oid : "");
  });
});

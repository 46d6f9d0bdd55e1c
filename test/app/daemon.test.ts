import { afterEach, describe, expect, test } from "vitest";
import { Redis } from "ioredis";
import type { Daemon } from "../../src/app/daemon.ts";
import { ledgerNewChainCommand } from "../../src/cli/commands/ledger.ts";
import { parseScenario } from "../../src/simulator/scenario.ts";
import { startSimulator, type RunningSimulator } from "../../src/simulator/server.ts";
import { createKeys } from "../../src/store/keys.ts";
import { rewriteHistory } from "../ledger/helpers.ts";
import { TEST_REDIS_URL, writeDaemonSite, type DaemonSite } from "../helpers/daemonSite.ts";
import { startSiteDaemon } from "../helpers/daemonStart.ts";
import { waitFor } from "../helpers/waitFor.ts";

/**
 * The daemon against real Redis and the simulated NVR: polls on BullMQ, the site evaluated
 * after each poll, violations opened and resolved by the lifecycle, read back through the API.
 */
interface ApiViolation {
  id: string;
  kind: string;
  subject: { type: string; id: string };
  state: string;
  causedBy: unknown;
}

let sim: RunningSimulator | null = null;
let daemon: Daemon | null = null;
let site: DaemonSite | null = null;
afterEach(async () => {
  await daemon?.stop();
  await sim?.stop();
  await site?.cleanup();
  daemon = sim = site = null;
});

async function start(
  channels = 3,
  policy: Record<string, unknown> = {},
  overrides: Record<string, unknown> = {},
  ledger: Record<string, unknown> = {},
) {
  sim = await startSimulator(
    parseScenario(
      {
        name: "d",
        devices: [
          {
            id: "nvr1",
            username: "monitor",
            password: "pw-1",
            channels: { count: channels, defaults: { scheduleToken: "Schedule_24x7" }, overrides },
          },
        ],
      },
      "test",
    ),
  );
  site = writeDaemonSite({
    devices: [{ id: "nvr1", url: sim.devices[0]!.url, username: "monitor", password: "pw-1" }],
    cameras: Array.from({ length: channels }, (_, i) => ({
      id: `cam${i + 1}`,
      device: "nvr1",
      profile: `ProfileToken_${i + 1}`,
      zones: [["gate", "room", "nap"][i % 3]!],
    })),
    policy,
    ledger,
  });
  daemon = await startSiteDaemon(site);
  return { sim, site, daemon };
}

async function api<T>(path: string): Promise<T> {
  const res = await fetch(`${daemon!.httpUrl}${path}`, {
    headers: { authorization: `Bearer ${site!.adminKey}` },
  });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

const violations = async (state: "open" | "all" = "open") =>
  (await api<{ items: ApiViolation[] }>(`/api/v1/violations?state=${state}`)).items;

describe("the monitor daemon", () => {
  test("a channel going offline opens one violation after the grace, and recovery resolves it", async () => {
    const { sim } = await start();
    await waitFor("a first evaluation", async () =>
      (await api<{ sites: { report: unknown }[] }>("/api/v1/status")).sites[0]?.report ? true : undefined,
    );
    expect(await violations()).toEqual([]);

    sim.device("nvr1").setChannel(2, { online: false });
    const opened = await waitFor("camera_offline to open", async () =>
      (await violations()).find((v) => v.kind === "camera_offline" && v.subject.id === "cam2"),
    );
    expect(opened.state).toBe("open");

    sim.device("nvr1").setChannel(2, { online: true });
    await waitFor("camera_offline to resolve", async () =>
      (await violations()).some((v) => v.kind === "camera_offline") ? undefined : true,
    );
    const history = await violations("all");
    const mine = history.filter((v) => v.kind === "camera_offline" && v.subject.id === "cam2");
    expect(mine).toHaveLength(1);
    expect(mine[0]!.state).toBe("resolved");

    const ledger = await api<{ entries: { type: string; data: Record<string, unknown> }[] }>(
      "/api/v1/ledger?limit=500",
    );
    const types = ledger.entries.map((e) => e.type);
    expect(types).toContain("violation.opened");
    expect(types).toContain("violation.resolved");
  });

  test("a dead NVR is one root violation; its cameras are marked as caused by it", async () => {
    const { sim } = await start();
    await waitFor("a first evaluation", async () =>
      (await api<{ sites: { report: unknown }[] }>("/api/v1/status")).sites[0]?.report ? true : undefined,
    );
    sim.device("nvr1").setDevice({ reachable: false });
    const root = await waitFor("device_unreachable to open", async () =>
      (await violations()).find((v) => v.kind === "device_unreachable" && v.subject.id === "nvr1"),
    );
    expect(root.causedBy).toBeNull();
    const open = await violations();
    // Only the root stands as a violation of its own; nothing on the cameras is open without a cause.
    expect(open.filter((v) => v.causedBy === null)).toEqual([root]);
    const status = await api<{
      sites: { report: { findings: { kind: string; subject: { id: string }; causedBy: unknown }[] } }[];
    }>("/api/v1/status");
    const camFinding = status.sites[0]!.report.findings.find(
      (f) => f.kind === "recording_stopped" && f.subject.id === "cam1",
    );
    expect(camFinding?.causedBy).toEqual({
      kind: "device_unreachable",
      subject: { type: "device", id: "nvr1" },
    });
  });

  test("a changed password leaves the monitor blind: device_unreachable with auth evidence, monitor_blind on what it can no longer see", async () => {
    const { sim } = await start();
    await waitFor("a first evaluation", async () =>
      (await api<{ sites: { report: unknown }[] }>("/api/v1/status")).sites[0]?.report ? true : undefined,
    );
    sim.device("nvr1").setDevice({ password: "changed-by-the-installer" });
    const root = await waitFor("device_unreachable to open", async () =>
      (await violations()).find((v) => v.kind === "device_unreachable" && v.subject.id === "nvr1"),
    );
    expect(JSON.stringify(root)).toContain("auth");
    const blind = await waitFor("monitor_blind to open", async () => {
      const all = await violations();
      return all.some((v) => v.kind === "monitor_blind")
        ? all.filter((v) => v.kind === "monitor_blind")
        : undefined;
    });
    expect(blind.length).toBeGreaterThan(0);
    expect(JSON.stringify(await violations())).not.toContain("changed-by-the-installer");
  });

  test(
    "the daemon looks at pictures: a covered lens opens image_black, and uncovering it resolves it",
    { timeout: 90_000 },
    async () => {
      const { sim } = await start(3, {}, { 3: { picture: "black" } });
      const black = await waitFor(
        "image_black to open",
        async () => (await violations()).find((v) => v.kind === "image_black" && v.subject.id === "cam3"),
        { timeoutMs: 45_000 },
      );
      expect(black.state).toBe("open");
      sim.device("nvr1").setChannel(3, { picture: "moving" });
      // The polls see a picture in doubt and ask for an early probe; no waiting for probeIntervalSeconds.
      await waitFor(
        "image_black to resolve",
        async () => ((await violations()).some((v) => v.kind === "image_black") ? undefined : true),
        { timeoutMs: 45_000 },
      );
    },
  );

  test("a flapping channel records its lapses without a storm of violations", async () => {
    // A grace of 60 s: flapping every poll never holds long enough to open.
    const { sim } = await start(3, { graceSeconds: 60 });
    await waitFor("a first evaluation", async () =>
      (await api<{ sites: { report: unknown }[] }>("/api/v1/status")).sites[0]?.report ? true : undefined,
    );
    for (let i = 0; i < 6; i++) {
      const online = i % 2 === 1;
      sim.device("nvr1").setChannel(1, { online });
      const before = sim.device("nvr1").state().requests.byOperation["GetProfiles"] ?? 0;
      await waitFor("the next poll", () =>
        (sim.device("nvr1").state().requests.byOperation["GetProfiles"] ?? 0) > before ? true : undefined,
      );
    }
    expect((await violations("all")).filter((v) => v.state === "open")).toEqual([]);
  });

  test("recording history is searched by retention scans on their own schedule, never by polls; /metrics shows every queue", async () => {
    const { sim } = await start(2, { retentionIntervalSeconds: 3600 });
    const device = sim.device("nvr1");
    const count = (op: string): number => device.state().requests.byOperation[op] ?? 0;
    // The first scan runs at start; after it, polls go on without searching again.
    await waitFor("a retention scan and a site evaluated from it", async () => {
      if (count("FindEvents") === 0) return undefined;
      const status = await api<{
        sites: { report: { findings: { kind: string; status: string }[] } | null }[];
      }>("/api/v1/status");
      const gaps = status.sites[0]?.report?.findings.filter((f) => f.kind === "retention_gap") ?? [];
      return gaps.length === 2 && gaps.every((f) => f.status === "ok") ? true : undefined;
    });
    const scans = count("FindEvents");
    const polls = count("GetRecordingJobState");
    await waitFor("three more polls", () => (count("GetRecordingJobState") >= polls + 6 ? true : undefined));
    expect(count("FindEvents")).toBe(scans);

    const metrics = await (
      await fetch(`${daemon!.httpUrl}/metrics`, { headers: { authorization: `Bearer ${site!.adminKey}` } })
    ).text();
    for (const queue of ["poll", "probe", "retention"]) {
      expect(metrics).toMatch(
        new RegExp(`^nurserywatch_queue_depth\\{queue="${queue}",state="delayed"\\} \\d+$`, "m"),
      );
    }
    expect(metrics).toMatch(
      /^nurserywatch_poll_duration_seconds_count\{site="site1",job="retention"\} [1-9]/m,
    );
  });

  test("the running daemon signs its ledger head at start and at every interval", async () => {
    const { daemon } = await start(1, {}, {}, { signIntervalSeconds: 1 });
    type Head = { seq: number; hash: string; at: string; signature: string; publicKey: string };
    const heads = async () => (await api<{ heads: Head[] }>("/api/v1/ledger?limit=1")).heads;
    const first = await waitFor("a signed head in /api/v1/ledger", async () => (await heads())[0]);
    expect(first.signature).not.toBe("");
    // Something new on the ledger is covered by a later signature, without anyone asking.
    const entry = await daemon.ledger.append("config.changed", "site1", { note: "head signer test" });
    const later = await waitFor("a signed head covering the new entry", async () =>
      (await heads()).find((h) => h.seq >= entry.seq),
    );
    expect(later.seq).toBeGreaterThanOrEqual(entry.seq);
  });

  test("a history rewritten in Redis is not signed: ledger_broken opens for the site, and an operator's new chain resolves it", async () => {
    const { daemon, site } = await start(1, {}, {}, { signIntervalSeconds: 1 });
    type Head = { seq: number; hash: string };
    const heads = async () => (await api<{ heads: Head[] }>("/api/v1/ledger?limit=1")).heads;
    const entry = await daemon.ledger.append("config.changed", "site1", { note: "before the rewrite" });
    await waitFor("the entry signed", async () =>
      (await heads()).some((h) => h.seq >= entry.seq) ? true : undefined,
    );

    const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    try {
      const rewritten = await rewriteHistory(redis, createKeys(site.keyPrefix));
      const broken = await waitFor("ledger_broken to open", async () =>
        (await violations()).find((v) => v.kind === "ledger_broken" && v.subject.id === "site1"),
      );
      expect(broken.subject).toEqual({ type: "site", id: "site1" });
      // Nothing signed over the rewritten chain.
      for (const h of await heads()) expect(h.hash).not.toBe(rewritten.hash);
      expect((await daemon.ledger.latestSignedHead())?.hash ?? null).not.toBe(rewritten.hash);

      const io = { stdout: () => undefined, stderr: () => undefined };
      const saved = process.env["REDIS_URL"];
      delete process.env["REDIS_URL"];
      try {
        expect(
          await ledgerNewChainCommand({
            configFile: site.config,
            keyPrefix: site.keyPrefix,
            reason: "test: history rewritten",
            io,
          }),
        ).toBe(0);
      } finally {
        if (saved !== undefined) process.env["REDIS_URL"] = saved;
      }
      await waitFor("ledger_broken to resolve", async () =>
        (await violations()).some((v) => v.kind === "ledger_broken") ? undefined : true,
      );
      const entries = (await api<{ entries: { type: string }[] }>("/api/v1/ledger?limit=500")).entries;
      expect(entries.map((e) => e.type)).toContain("ledger.new_chain");
    } finally {
      redis.disconnect();
    }
  });
});

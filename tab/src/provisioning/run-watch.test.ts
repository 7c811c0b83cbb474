import type { ProvisioningRun, ProvisioningStatus } from "@dr/contract";
import { describe, expect, it } from "vitest";
import { ApiProblem, type CallOptions } from "../api/api.client";
import { type RunSource, retriable, watchRun } from "./run-watch";

const ID = "4f1d2c3b-5a6e-4f70-8a9b-0c1d2e3f4a5b";

function run(status: ProvisioningStatus, updatedAt = "2026-03-01T10:00:00.000Z"): ProvisioningRun {
  return {
    id: ID,
    status,
    origin: "operator",
    customerId: "0b7d6e3c-4d7e-4f8a-9d1c-2a3b4c5d6e7f",
    cloud: "global",
    appName: "Contoso Direct Routing",
    assignTeamsAdministrator: true,
    allowSelfRotation: true,
    secretLifetimeDays: 180,
    expiresAt: "2026-03-01T10:15:00.000Z",
    steps: [],
    created: [],
    cleanupAvailable: false,
    createdAt: "2026-03-01T10:00:00.000Z",
    createdBy: "alice@provider.example",
    updatedAt,
  };
}

/** One scripted answer of `watch`: the runs it streams, then how it ends. */
type Stream = { runs: ProvisioningRun[]; end?: "ends" | ApiProblem };

/** A hand-written source: each watch() plays the next scripted stream; get() answers the next scripted read. */
function scripted(streams: Stream[], reads: (ProvisioningRun | ApiProblem)[] = []) {
  const calls: string[] = [];
  const source: RunSource = {
    async watch(id, onRun, _o?: CallOptions) {
      calls.push(`watch ${id}`);
      const next = streams.shift();
      if (!next) throw new Error("no more streams scripted");
      for (const r of next.runs) onRun(r);
      if (next.end instanceof ApiProblem) throw next.end;
      return next.runs.at(-1);
    },
    async get(id) {
      calls.push(`get ${id}`);
      const next = reads.shift();
      if (!next) throw new Error("no more reads scripted");
      if (next instanceof ApiProblem) throw next;
      return next;
    },
  };
  return { source, calls };
}

/** Records pauses instead of waiting. */
function pauses() {
  const slept: number[] = [];
  return { slept, sleep: async (ms: number) => void slept.push(ms) };
}

describe("watchRun", () => {
  it("answers the final run of one stream, every copy handed on", async () => {
    const { source, calls } = scripted([{ runs: [run("waiting_for_sign_in"), run("running"), run("done")] }]);
    const seen: ProvisioningStatus[] = [];
    const final = await watchRun(source, ID, {
      signal: new AbortController().signal,
      onRun: (r) => seen.push(r.status),
    });
    expect(final?.status).toBe("done");
    expect(seen).toEqual(["waiting_for_sign_in", "running", "done"]);
    expect(calls).toEqual([`watch ${ID}`]);
  });

  it("reads the run when the stream ends early, and opens it again while the run goes on", async () => {
    const { source, calls } = scripted(
      [{ runs: [run("running")] }, { runs: [run("failed")] }],
      [run("running", "2026-03-01T10:01:00.000Z")],
    );
    const { slept, sleep } = pauses();
    const final = await watchRun(source, ID, { signal: new AbortController().signal, onRun: () => undefined, sleep });
    expect(final?.status).toBe("failed");
    expect(calls).toEqual([`watch ${ID}`, `get ${ID}`, `watch ${ID}`]);
    expect(slept).toEqual([1000]);
  });

  it("stops at the read when the run ended between streams", async () => {
    const { source, calls } = scripted([{ runs: [] }], [run("expired")]);
    const final = await watchRun(source, ID, { signal: new AbortController().signal, onRun: () => undefined });
    expect(final?.status).toBe("expired");
    expect(calls).toEqual([`watch ${ID}`, `get ${ID}`]);
  });

  it("tries again after network trouble with growing pauses, and says when the connection is back", async () => {
    const network = new ApiProblem({ status: 0, code: "network" });
    const fault = new ApiProblem({ status: 503, code: "http_503" });
    const { source } = scripted([
      { runs: [], end: network },
      { runs: [], end: fault },
      { runs: [], end: network },
      { runs: [run("running"), run("done")] },
    ]);
    const { slept, sleep } = pauses();
    const connection: (string | undefined)[] = [];
    const final = await watchRun(source, ID, {
      signal: new AbortController().signal,
      onRun: () => undefined,
      onConnection: (p) => connection.push(p?.code),
      delaysMs: [10, 20],
      sleep,
    });
    expect(final?.status).toBe("done");
    expect(slept).toEqual([10, 20, 20]);
    expect(connection).toEqual(["network", "http_503", "network", undefined]);
  });

  it("gives up on an answer that trying again cannot change", async () => {
    const gone = new ApiProblem({ status: 404, code: "not_found" });
    const { source } = scripted([{ runs: [], end: gone }]);
    await expect(watchRun(source, ID, { signal: new AbortController().signal, onRun: () => undefined })).rejects.toBe(
      gone,
    );
  });

  it("answers undefined once the caller aborted, without another attempt", async () => {
    const controller = new AbortController();
    const { source, calls } = scripted([
      { runs: [run("running")], end: new ApiProblem({ status: 0, code: "aborted" }) },
    ]);
    const onRun = () => controller.abort();
    expect(await watchRun(source, ID, { signal: controller.signal, onRun })).toBeUndefined();
    expect(calls).toEqual([`watch ${ID}`]);
  });
});

describe("retriable", () => {
  it("tries again on no answer, timeouts, rate limits and server faults only", () => {
    for (const status of [0, 408, 429, 500, 502, 503])
      expect(retriable(new ApiProblem({ status, code: "x" }))).toBe(true);
    for (const status of [400, 401, 403, 404, 409])
      expect(retriable(new ApiProblem({ status, code: "x" }))).toBe(false);
  });
});

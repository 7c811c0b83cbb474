import type { ProvisioningRun } from "@dr/contract";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ApiProblem, createApiClient } from "../api/api.client";
import { inviteProvisioning, operatorProvisioning, sandboxSignIn } from "./provisioning.api";

const ID = "4f1d2c3b-5a6e-4f70-8a9b-0c1d2e3f4a5b";

/** What the fake fetch saw. */
interface Seen {
  method: string;
  url: string;
  accept: string | null;
  authorization: string | null;
  body: unknown;
}

let seen: Seen[];
let answer: (request: Seen) => Response;
const realFetch = globalThis.fetch;

beforeEach(() => {
  seen = [];
  answer = () => new Response(null, { status: 204 });
  // A hand-written stand-in for the network: records each request and answers what the test scripted.
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    const request: Seen = {
      method: init?.method ?? "GET",
      url: String(input),
      accept: headers.get("accept"),
      authorization: headers.get("authorization"),
      body: typeof init?.body === "string" ? JSON.parse(init.body) : undefined,
    };
    seen.push(request);
    return answer(request);
  }) as typeof fetch;
});

afterEach(() => {
  globalThis.fetch = realFetch;
});

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

/** An event-stream answer whose body arrives in the given chunks. */
function eventStream(chunks: string[]): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      controller.close();
    },
  });
  return new Response(body, { status: 200, headers: { "content-type": "text/event-stream; charset=utf-8" } });
}

const runAt = (status: ProvisioningRun["status"]) => ({ id: ID, status }) as ProvisioningRun;

describe("the provisioning ports", () => {
  it("call the operator's routes with the Teams token", async () => {
    const client = createApiClient({ getToken: async () => "sso-token", baseUrl: "http://tab.test" });
    const port = operatorProvisioning(client);
    answer = (r) =>
      r.method === "DELETE" ? new Response(null, { status: 204 }) : json(runAt("waiting_for_sign_in"), 201);
    await port.start({ customerId: "c1", appName: "Contoso Direct Routing" });
    await port.get(ID);
    await port.cancel(ID);
    await port.cleanup(ID);
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      "POST http://tab.test/api/provisioning",
      `GET http://tab.test/api/provisioning/${ID}`,
      `DELETE http://tab.test/api/provisioning/${ID}`,
      `POST http://tab.test/api/provisioning/${ID}/cleanup`,
    ]);
    expect(seen[0]?.body).toEqual({ customerId: "c1", appName: "Contoso Direct Routing" });
    expect(seen.every((s) => s.authorization === "Bearer sso-token")).toBe(true);
  });

  it("call the invitation's routes by token, without a token header", async () => {
    const client = createApiClient({ getToken: async () => undefined });
    const port = inviteProvisioning(client, "tok/en");
    answer = () => json(runAt("waiting_for_sign_in"), 201);
    await port.start({ appName: "Fabrikam Voice Direct Routing" });
    await port.cleanup(ID);
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      "POST /api/invite/tok%2Fen/provisioning",
      `POST /api/invite/tok%2Fen/provisioning/${ID}/cleanup`,
    ]);
    expect(seen.every((s) => s.authorization === null)).toBe(true);
  });

  it("turns a refusal into an ApiProblem with the server's code and detail (clean-up's sign_in_again)", async () => {
    const port = operatorProvisioning(createApiClient({ getToken: async () => undefined }));
    answer = () =>
      json(
        { type: "about:blank", title: "Conflict", status: 409, code: "sign_in_again", detail: "Sign in again." },
        409,
      );
    const problem = await port.cleanup(ID).catch((e: unknown) => e);
    expect(problem).toBeInstanceOf(ApiProblem);
    expect(problem).toMatchObject({ status: 409, code: "sign_in_again", detail: "Sign in again." });
  });
});

describe("watching a run", () => {
  it("asks for the event stream and hands on every run event, however the chunks split", async () => {
    const port = operatorProvisioning(createApiClient({ getToken: async () => undefined }));
    const text = [runAt("waiting_for_sign_in"), runAt("running"), runAt("done")]
      .map((r) => `event: run\ndata: ${JSON.stringify(r)}\n\n`)
      .join(": keep-alive\n\n");
    answer = () => eventStream([text.slice(0, 17), text.slice(17, 90), text.slice(90)]);
    const statuses: string[] = [];
    const last = await port.watch(ID, (r) => statuses.push(r.status));
    expect(seen[0]?.accept).toBe("text/event-stream");
    expect(statuses).toEqual(["waiting_for_sign_in", "running", "done"]);
    expect(last?.status).toBe("done");
  });

  it("takes a JSON answer as one run", async () => {
    const port = operatorProvisioning(createApiClient({ getToken: async () => undefined }));
    answer = () => json(runAt("failed"));
    const statuses: string[] = [];
    expect((await port.watch(ID, (r) => statuses.push(r.status)))?.status).toBe("failed");
    expect(statuses).toEqual(["failed"]);
  });

  it("answers undefined for a stream that ended with no run, and throws a problem event", async () => {
    const port = operatorProvisioning(createApiClient({ getToken: async () => undefined }));
    answer = () => eventStream([": nothing yet\n\n"]);
    expect(await port.watch(ID, () => undefined)).toBeUndefined();
    answer = () =>
      eventStream([`event: problem\ndata: ${JSON.stringify({ status: 500, code: "internal", title: "Fault" })}\n\n`]);
    await expect(port.watch(ID, () => undefined)).rejects.toMatchObject({ status: 500, code: "internal" });
  });

  it("says 404 as a problem, so the watcher stops", async () => {
    const port = operatorProvisioning(createApiClient({ getToken: async () => undefined }));
    answer = () => json({ status: 404, code: "not_found", title: "Not Found" }, 404);
    await expect(port.watch(ID, () => undefined)).rejects.toMatchObject({ status: 404, code: "not_found" });
  });
});

describe("the sandbox sign-in", () => {
  it("lists the admins and answers a code as one of them", async () => {
    const sandbox = sandboxSignIn(createApiClient({ getToken: async () => undefined }));
    const admin = {
      scenario: "provision",
      label: "Admin",
      description: "Signs in",
      userPrincipalName: "admin@lamna.onmicrosoft.com",
      action: "approve",
    };
    answer = (r) => (r.method === "GET" ? json({ items: [admin] }) : json({ ok: true }));
    expect(await sandbox.admins()).toEqual([admin]);
    await sandbox.signIn({ userCode: "ABCD1234", scenario: "provision" });
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      "GET /api/sandbox/admins",
      "POST /api/sandbox/device-sign-in",
    ]);
    expect(seen[1]?.body).toEqual({ userCode: "ABCD1234", scenario: "provision" });
  });
});

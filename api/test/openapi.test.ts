/**
 * GET /api/openapi.json (docs/api.md, "OpenAPI description"): the real server's document is valid OpenAPI 3.1 for
 * a real parser (@readme/openapi-parser), names every route the server registers with its method and no operation
 * the server lacks, and its schemas describe what the server really answers (a real answer parsed by the same
 * contract schema comes back unchanged: no field missing, none extra).
 */

import { fleetRunSchema, fleetRunStartedSchema } from "@dr/contract";
import {
  customerSchema,
  fleetSummarySchema,
  healthSchema,
  itemListSchema,
  m365SettingsSchema,
  operatorSettingsSchema,
  problemSchema,
  sandboxTenantsSchema,
  serviceSchema,
  validationReportSchema,
} from "@dr/contract/schemas";
import { compileErrors, validate as validateOpenApi } from "@readme/openapi-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { buildOpenApiDocument } from "../src/http/openapi/document.js";
import { registeredRoutes } from "../src/http/server.js";
import { SANDBOX } from "../src/m365/emulator/emulator.fixtures.js";
import { apiCaller, onboardThroughApi, startTestApp, type TestApp } from "./helpers.js";

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/** A Fastify route URL as an OpenAPI path: `:id` becomes `{id}`, a trailing `*` wildcard `{path}`. */
function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, "{$1}").replace(/\*$/, "{path}");
}

/** A response object as far as the test reads it. */
interface Response {
  content: Record<string, { schema: { allOf: { properties?: { code?: { enum?: string[] } } }[] } }>;
}

type Doc = {
  openapi: string;
  paths: Record<
    string,
    Record<string, { operationId: string; security?: unknown[]; responses: Record<string, Response> }>
  >;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, { type: string }> };
};

describe("GET /api/openapi.json", () => {
  let app: TestApp;
  let doc: Doc;
  let text: string;
  const call = apiCaller(() => app.url);

  beforeAll(async () => {
    app = await startTestApp({ METRICS_TOKEN: "openapi-metrics-token-0123456789abcdef" }, { botScheduler: false });
    const response = await fetch(`${app.url}/api/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    text = await response.text();
    doc = JSON.parse(text) as Doc;
  });
  afterAll(async () => {
    await app?.close();
  });

  it("is a valid OpenAPI 3.1 document for a real parser", async () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    // validate() dereferences its argument in place: give it a copy.
    const result = await validateOpenApi(structuredClone(doc) as never);
    if (!result.valid) throw new Error(compileErrors(result));
    expect(result.valid).toBe(true);
    expect(result.specification).toBe("OpenAPI");
  });

  it("documents every registered route with its method, and no operation the server lacks", () => {
    const registered = new Set(
      registeredRoutes(app.app)
        // Fastify adds HEAD to every GET route by itself.
        .filter((r) => r.method !== "HEAD")
        .map((r) => `${r.method.toLowerCase()} ${openApiPath(r.url)}`),
    );
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, item]) =>
        Object.keys(item)
          .filter((k) => METHODS.includes(k))
          .map((method) => `${method} ${path}`),
      ),
    );
    // A sanity floor: the server has dozens of routes; an empty list would make the comparison prove nothing.
    expect(registered.size).toBeGreaterThan(40);
    expect([...registered].filter((r) => !documented.has(r)).sort()).toEqual([]);
    expect([...documented].filter((r) => !registered.has(r)).sort()).toEqual([]);
    for (const needed of ["post /api/messages", "get /metrics", "get /api/openapi.json", "get /api/docs"]) {
      expect(documented.has(needed), needed).toBe(true);
    }
  });

  it("names the security of each kind of route and the problems with their codes", () => {
    const schemes = doc.components.securitySchemes;
    expect(Object.keys(schemes).sort()).toEqual(["botFramework", "devOperator", "metricsToken", "operatorToken"]);
    expect(doc.paths["/api/services"]?.get?.security).toEqual([{ operatorToken: [] }, { devOperator: [] }]);
    expect(doc.paths["/api/messages"]?.post?.security).toEqual([{ botFramework: [] }]);
    expect(doc.paths["/metrics"]?.get?.security).toEqual([{ metricsToken: [] }]);
    expect(doc.paths["/api/invite/{token}"]?.get?.security).toEqual([]);
    const conflict = doc.paths["/api/services"]?.post?.responses["409"];
    expect(Object.keys(conflict?.content ?? {})).toEqual(["application/problem+json"]);
    expect(conflict?.content["application/problem+json"]?.schema.allOf[1]?.properties?.code?.enum).toEqual([
      "name_taken",
      "subdomain_taken",
      "provisioning_used",
    ]);
    expect(doc.paths["/api/validation"]?.post?.responses["200"]?.content).toHaveProperty("text/event-stream");
  });

  it("serves the reference page's files from this server, with its own CSP, and 404 for any other name", async () => {
    const page = await fetch(`${app.url}/api/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(page.headers.get("content-security-policy")).not.toContain("https:");
    const html = await page.text();
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string);
    expect(refs.length).toBe(4);
    for (const ref of refs) {
      expect(ref.startsWith("/api/docs/"), ref).toBe(true);
      const file = await fetch(`${app.url}${ref}`);
      expect(file.status, ref).toBe(200);
      expect(file.headers.get("content-type")).toMatch(/^text\/(javascript|css)/);
      // Read every body: an unread one keeps its connection busy, and the server's close waits for it.
      expect((await file.arrayBuffer()).byteLength).toBeGreaterThan(100);
      const etag = file.headers.get("etag") ?? "";
      expect(etag).not.toBe("");
      const again = await fetch(`${app.url}${ref}`, { headers: { "if-none-match": etag } });
      expect(again.status).toBe(304);
      await again.arrayBuffer();
    }
    const missing = await fetch(`${app.url}/api/docs/..%2Fpackage.json`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(problemSchema.parse(await missing.json()).code).toBe("not_found");
  });

  it("never carries a secret: not the sandbox's fictitious secrets, not the metrics token", () => {
    for (const credentials of Object.values(SANDBOX)) {
      if (credentials.clientSecret) expect(text).not.toContain(credentials.clientSecret);
    }
    expect(text).not.toContain("openapi-metrics-token-0123456789abcdef");
  });

  it("describes what the server really answers (parsed by the same schemas, nothing added or lost)", async () => {
    const valid = SANDBOX.valid;
    if (!valid) throw new Error("no sandbox scenario `valid`");
    const service = await onboardThroughApi(app.url, {
      customerName: "OpenAPI Contoso",
      shortName: "openapicontoso",
      credentials: valid,
    });
    const exact = async (path: string, schema: z.ZodType, method = "GET", body?: unknown) => {
      const answer = await call(method, path, body);
      expect(schema.parse(answer.json), path).toEqual(answer.json);
      return answer;
    };
    await exact("/api/health", healthSchema);
    await exact("/api/settings", operatorSettingsSchema);
    await exact("/api/sandbox", sandboxTenantsSchema);
    await exact("/api/customers", itemListSchema(customerSchema));
    await exact("/api/services", itemListSchema(serviceSchema));
    await exact(`/api/services/${service.id}`, serviceSchema);
    await exact(`/api/services/${service.id}/m365`, m365SettingsSchema);
    await exact(`/api/services/${service.id}/m365/validate`, validationReportSchema, "POST");
    await exact("/api/fleet", fleetSummarySchema);
    const started = await exact("/api/fleet/revalidation", fleetRunStartedSchema, "POST");
    expect(started.status).toBe(202);
    const { runId } = started.json as { runId: string };
    await exact(`/api/fleet/revalidation/${runId}`, fleetRunSchema);
    await exact(`/api/fleet/revalidation/${runId}/cancel`, fleetRunSchema, "POST");
    const missing = await exact(`/api/services/${crypto.randomUUID()}`, problemSchema);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  });
});

describe("the document in AUTH_MODE=entra", () => {
  it("offers only the Teams SSO bearer token to operators, and no dev-mode 421", async () => {
    const doc = buildOpenApiDocument({ version: "1.2.3", authMode: "entra" }) as unknown as Doc;
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual([
      "botFramework",
      "metricsToken",
      "operatorToken",
    ]);
    expect(doc.paths["/api/services/{id}"]?.patch?.security).toEqual([{ operatorToken: [] }]);
    expect(doc.paths["/api/services/{id}"]?.patch).toHaveProperty("x-permission", "admin");
    expect(doc.paths["/api/services"]?.get?.responses).not.toHaveProperty("421");
    const result = await validateOpenApi(structuredClone(doc) as never);
    if (!result.valid) throw new Error(compileErrors(result));
  });
});

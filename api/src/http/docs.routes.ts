/**
 * The API's description (docs/api.md, "OpenAPI description"): GET /api/openapi.json, the OpenAPI 3.1 document
 * generated from the contract's schemas, and GET /api/docs, a Swagger UI reference page over it. Swagger UI's files
 * come from the swagger-ui-dist package through this server (no CDN); the page has its own Content-Security-Policy:
 * own origin only, never framed.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { NotFoundError } from "../errors.js";
import { contentSecurityPolicy } from "./csp.js";
import { buildOpenApiDocument, type DocumentOptions } from "./openapi/document.js";

/** The reference page: Swagger UI's style sheet and bundle, and our start-up script, all from this origin. */
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Direct Routing onboarding API</title>
<link rel="stylesheet" href="/api/docs/swagger-ui.css">
<link rel="stylesheet" href="/api/docs/docs.css">
</head>
<body>
<main id="swagger-ui"></main>
<script src="/api/docs/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script>
</body>
</html>
`;

/**
 * Starts Swagger UI on the document. No validator badge (it would call validator.swagger.io), no "Try it out"
 * requests anywhere but this origin (the document names no other server).
 */
const INIT = `window.ui = SwaggerUIBundle({
  url: "/api/openapi.json",
  dom_id: "#swagger-ui",
  validatorUrl: null,
  deepLinking: false,
  syntaxHighlight: false,
  docExpansion: "list",
  defaultModelsExpandDepth: 0,
});
`;

/**
 * Swagger UI's badges, links and Authorize button in colours with at least 4.5:1 contrast to their text (WCAG AA),
 * and its examples wrapped rather than scrolled (a scrolling box would need keyboard focus).
 */
const CSS = `.swagger-ui .info .title small { background: #4f5666; }
.swagger-ui .info .title small.version-stamp { background-color: #3f6b00; }
.swagger-ui .info a { color: #0b5cad; }
.swagger-ui .btn.authorize { border-color: #14693f; color: #14693f; }
.swagger-ui .btn.authorize svg { color: #14693f; }
.swagger-ui .opblock.opblock-get .opblock-summary-method { background: #0b5cad; }
.swagger-ui .opblock.opblock-post .opblock-summary-method { background: #14693f; }
.swagger-ui .opblock.opblock-put .opblock-summary-method { background: #8a4b00; }
.swagger-ui .opblock.opblock-delete .opblock-summary-method { background: #b3261e; }
.swagger-ui .opblock.opblock-patch .opblock-summary-method { background: #0b6b57; }
.swagger-ui .parameter__in { color: #4f5666; }
.swagger-ui .highlight-code > .microlight { overflow: visible; max-height: none; white-space: pre-wrap; word-break: break-word; }
`;

/** One file of the page: its type, its bytes and their ETag. */
interface Asset {
  type: string;
  body: Buffer | string;
  etag: string;
}

/** The files the page loads, by the name it asks for (read once, on the first request for one). */
function assets(): Map<string, Asset> {
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve("swagger-ui-dist/package.json"));
  const asset = (type: string, body: Buffer | string): Asset => ({
    type,
    body,
    etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`,
  });
  return new Map<string, Asset>([
    ["swagger-ui.css", asset("text/css; charset=utf-8", readFileSync(join(dir, "swagger-ui.css")))],
    ["swagger-ui-bundle.js", asset("text/javascript; charset=utf-8", readFileSync(join(dir, "swagger-ui-bundle.js")))],
    ["docs.css", asset("text/css; charset=utf-8", CSS)],
    ["init.js", asset("text/javascript; charset=utf-8", INIT)],
  ]);
}

/** Registers GET /api/openapi.json, GET /api/docs and the page's files. */
export function registerDocsRoutes(app: FastifyInstance, options: DocumentOptions): void {
  // Built on the first request (about 0.1 s of schema conversion), not at start-up.
  let document: string | undefined;
  let files: Map<string, Asset> | undefined;
  // The page's own policy replaces the tab's (route hooks run after the app's shared onSend hook).
  const csp = contentSecurityPolicy([], "none");
  const docsPage = {
    onSend: async (_request: FastifyRequest, reply: FastifyReply) => {
      reply.header("content-security-policy", csp);
      reply.header("x-frame-options", "DENY");
    },
  };

  app.get("/api/openapi.json", async (_request, reply) => {
    document ??= JSON.stringify(buildOpenApiDocument(options));
    return reply.header("cache-control", "no-cache").type("application/json; charset=utf-8").send(document);
  });

  app.get("/api/docs", docsPage, async (_request, reply) =>
    reply.header("cache-control", "no-cache").type("text/html; charset=utf-8").send(PAGE),
  );

  app.get("/api/docs/:file", docsPage, async (request, reply) => {
    files ??= assets();
    const file = files.get(String((request.params as { file?: unknown }).file ?? ""));
    if (!file) throw new NotFoundError("The API reference page has no such file.");
    // The bundle is 1.4 MB: a browser that has it asks again with If-None-Match and gets 304.
    reply.header("cache-control", "no-cache").header("etag", file.etag);
    if (request.headers["if-none-match"] === file.etag) return reply.code(304).send();
    return reply.type(file.type).send(file.body);
  });
}

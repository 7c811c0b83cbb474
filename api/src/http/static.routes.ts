/**
 * Serves the built tab (tab/dist) at `/`: files by path with their content type, hashed assets cached for a year,
 * and index.html for any other non-API path so the tab's client-side routes load on refresh.
 *
 * The customer's invitation page is the build's second page, invite.html, served at `/invite/{token}` (and, without
 * a token, at `/invite` and `/invite.html`, where it shows its neutral page) with headers of its own: no referrer
 * (the token is in the address), never framed, never cached.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { extname, join, normalize, sep } from "node:path";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { contentSecurityPolicy } from "./csp.js";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
  ".map": "application/json; charset=utf-8",
};

/** SHA-256 (base64) of each inline `<script>` of an HTML page, for the CSP. */
export function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const match of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)) {
    const body = match[1] ?? "";
    if (body.trim()) hashes.push(createHash("sha256").update(body, "utf8").digest("base64"));
  }
  return hashes;
}

/** The invitation page's own response headers; they replace the tab's after the app's shared onSend hook. */
function inviteHeaders(csp: string): Record<string, string> {
  return {
    "content-security-policy": csp,
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
  };
}

/**
 * Registers the static routes when `distDir` holds a build; returns false (and serves a hint page) otherwise.
 * `onInlineScripts` receives the hashes of index.html's inline scripts so the CSP can allow exactly those.
 */
export function registerStaticRoutes(
  app: FastifyInstance,
  distDir: string,
  onInlineScripts?: (hashes: string[]) => void,
): boolean {
  const indexFile = join(distDir, "index.html");
  const inviteFile = join(distDir, "invite.html");
  const built = existsSync(indexFile);
  if (built) onInlineScripts?.(inlineScriptHashes(readFileSync(indexFile, "utf8")));
  const inviteBuilt = existsSync(inviteFile);
  const inviteCsp = contentSecurityPolicy(
    inviteBuilt ? inlineScriptHashes(readFileSync(inviteFile, "utf8")) : [],
    "none",
  );
  const root = normalize(distDir + sep);
  const cache = new Map<string, Buffer>();
  const read = (file: string): Buffer => {
    let body = cache.get(file);
    if (!body) {
      body = readFileSync(file);
      cache.set(file, body);
    }
    return body;
  };

  // The invitation page. Route-level hooks run after the app's shared ones, so these headers are the ones sent.
  const invitePage = {
    onSend: async (_request: FastifyRequest, reply: FastifyReply) => {
      reply.headers(inviteHeaders(inviteCsp));
    },
  };
  const serveInvite = async (_request: FastifyRequest, reply: FastifyReply) => {
    if (!inviteBuilt) {
      return reply
        .type("text/plain; charset=utf-8")
        .code(503)
        .send("The invitation page is not built yet: run `npm run build` (npm start does it first).");
    }
    return reply.type(TYPES[".html"] ?? "text/html").send(read(inviteFile));
  };
  for (const path of ["/invite", "/invite.html", "/invite/*"]) app.get(path, invitePage, serveInvite);

  app.get("/*", async (request, reply) => {
    const path = decodeURIComponent((request.url.split("?")[0] ?? "/").replace(/\+/g, "%2B"));
    if (path.startsWith("/api/")) {
      return reply.callNotFound();
    }
    if (!built) {
      return reply
        .type("text/plain; charset=utf-8")
        .code(503)
        .send("The tab is not built yet: run `npm run build` (npm start does it first).");
    }
    const candidate = normalize(join(distDir, path));
    if (candidate.startsWith(root) && existsSync(candidate) && statSync(candidate).isFile()) {
      const type = TYPES[extname(candidate)] ?? "application/octet-stream";
      const hashed = candidate.startsWith(join(distDir, "assets") + sep);
      reply.header("cache-control", hashed ? "public, max-age=31536000, immutable" : "no-cache");
      return reply.type(type).send(read(candidate));
    }
    // A client-side route: the tab decides what to show.
    reply.header("cache-control", "no-cache");
    return reply.type(TYPES[".html"] ?? "text/html").send(read(indexFile));
  });
  return built;
}

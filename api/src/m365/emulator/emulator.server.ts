/**
 * The HTTPS adapter: serves the emulator core on loopback with a private CA, so msal-node and the real transport
 * can be exercised over TLS exactly as against Microsoft, faults included (delays, hangs, resets).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import { isIP, type Socket } from "node:net";
import { MICROSOFT_HOST_NAMES } from "./emulator.clouds.js";
import type { Emulator, EmulatorResponse, EmulatorTls } from "./emulator.types.js";

/** Request bodies above this are refused with 413: the token POST is a few hundred bytes. */
const MAX_BODY_BYTES = 1024 * 1024;
const DAY_MS = 86_400_000;

/** A running emulator server. */
export interface EmulatorServer {
  /** `https://127.0.0.1:PORT` (IPv6 hosts in brackets). */
  url: string;
  /** The CA certificate clients must trust. */
  caPem: string;
  /** Stops listening and destroys open connections (hung requests included). */
  close(): Promise<void>;
}

/**
 * Loads @peculiar/x509 lazily, after the Reflect metadata polyfill that its dependency tsyringe requires at import
 * time (static imports would evaluate x509 first).
 */
async function loadX509(): Promise<typeof import("@peculiar/x509")> {
  await import("reflect-metadata");
  return import("@peculiar/x509");
}

function toPem(der: ArrayBuffer, label: string): string {
  const b64 = Buffer.from(der).toString("base64");
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

function randomSerial(): string {
  // Positive (high bit clear), 16 bytes: what CAs use to keep serials unpredictable.
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return Buffer.from(bytes).toString("hex");
}

/** The leaf certificate's default names: loopback, and every Microsoft login and Graph host the emulator stands for. */
const DEFAULT_TLS_HOSTS: readonly string[] = ["127.0.0.1", "::1", "localhost", ...MICROSOFT_HOST_NAMES];

/**
 * Generates a private CA (self-signed, CA:true, keyCertSign) and a leaf certificate it signs for `hosts`
 * (default loopback and the Microsoft host names, so that a client sent here by host name still verifies the name;
 * IPs as IP SANs, names as DNS SANs; serverAuth). ECDSA P-256, valid from one day ago (clock skew) to 30 days ahead.
 */
export async function createEmulatorTls(hosts: readonly string[] = DEFAULT_TLS_HOSTS): Promise<EmulatorTls> {
  const x509 = await loadX509();
  const crypto = globalThis.crypto;
  const alg = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
  const notBefore = new Date(Date.now() - DAY_MS);
  const notAfter = new Date(Date.now() + 30 * DAY_MS);

  const caKeys = await crypto.subtle.generateKey(alg, true, ["sign", "verify"]);
  const caCert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: randomSerial(),
      name: "CN=DR Onboarding Emulator CA, O=DR Onboarding sandbox",
      notBefore,
      notAfter,
      keys: caKeys,
      signingAlgorithm: alg,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey, false, crypto),
      ],
    },
    crypto,
  );

  const leafKeys = await crypto.subtle.generateKey(alg, true, ["sign", "verify"]);
  const names = hosts.map((h) => (isIP(h) ? { type: "ip" as const, value: h } : { type: "dns" as const, value: h }));
  const leaf = await x509.X509CertificateGenerator.create(
    {
      serialNumber: randomSerial(),
      subject: `CN=${hosts.find((h) => !isIP(h)) ?? hosts[0] ?? "localhost"}`,
      issuer: caCert.subject,
      notBefore,
      notAfter,
      publicKey: leafKeys.publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: alg,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
        new x509.SubjectAlternativeNameExtension(names, false),
        await x509.SubjectKeyIdentifierExtension.create(leafKeys.publicKey, false, crypto),
        await x509.AuthorityKeyIdentifierExtension.create(caCert, false, crypto),
      ],
    },
    crypto,
  );

  return {
    caPem: caCert.toString("pem"),
    certPem: leaf.toString("pem"),
    keyPem: toPem(await crypto.subtle.exportKey("pkcs8", leafKeys.privateKey), "PRIVATE KEY"),
  };
}

/** Reads the body up to the cap; `undefined` when it is larger. */
function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(tooLarge ? undefined : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

/**
 * Starts the emulator on HTTPS (default 127.0.0.1, any free port). Generates TLS material when `tls` is absent.
 */
export async function startEmulatorServer(options: {
  emulator: Emulator;
  host?: string;
  port?: number;
  tls?: EmulatorTls;
}): Promise<EmulatorServer> {
  const host = options.host ?? "127.0.0.1";
  const tls = options.tls ?? (await createEmulatorTls());
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  function send(res: ServerResponse, answer: Extract<EmulatorResponse, { kind: "response" }>): void {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(answer.status, { ...answer.headers, "content-length": Buffer.byteLength(answer.body) });
    res.end(answer.body);
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (body === undefined) {
      res.writeHead(413, { "content-type": "text/plain; charset=utf-8", connection: "close" });
      res.end("Payload Too Large");
      return;
    }
    const headers = flattenHeaders(req);
    // The emulator builds document URLs from `host`; every HTTP/1.1 client sends it, this is only a fallback.
    headers.host ??= `${isIP(host) === 6 ? `[${host}]` : host}:${port()}`;
    const answer = await options.emulator.handle({
      method: req.method ?? "GET",
      path: req.url ?? "/",
      headers,
      body,
    });
    // A hang keeps the socket open with no answer; close() destroys it.
    if (answer.kind === "hang") return;
    if (answer.kind === "reset") {
      req.socket.destroy();
      return;
    }
    const delay = answer.delayMs ?? 0;
    if (delay <= 0) {
      send(res, answer);
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      send(res, answer);
    }, delay);
    timers.add(timer);
    // The client leaving early must not keep a timer alive.
    res.on("close", () => {
      clearTimeout(timer);
      timers.delete(timer);
    });
  }

  const server = createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
    onRequest(req, res).catch(() => {
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
        res.end("Internal Server Error");
      } else res.destroy();
    });
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  // Failed handshakes (a client that does not trust the CA) are the client's business, not a server error.
  server.on("tlsClientError", () => {});

  function port(): number {
    const address = server.address();
    return address !== null && typeof address === "object" ? address.port : 0;
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });

  const urlHost = isIP(host) === 6 ? `[${host}]` : host;
  return {
    url: `https://${urlHost}:${port()}`,
    caPem: tls.caPem,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        sockets.clear();
      }),
  };
}

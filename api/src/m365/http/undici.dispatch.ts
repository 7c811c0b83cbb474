/**
 * The production Dispatch: HTTPS through undici with a keep-alive pool, an optional proxy and optional extra CAs.
 * Without `ca`, Node's default trust store applies, which includes NODE_EXTRA_CA_CERTS (read by Node at start-up).
 */
import { createSecureContext, rootCertificates } from "node:tls";
import { Agent, buildConnector, type Dispatcher, ProxyAgent, request } from "undici";
import type { Dispatch } from "./dispatch.types.js";

/** Options of {@link createUndiciDispatch}. */
export interface UndiciDispatchOptions {
  /** Extra CA certificates (PEM) trusted besides the system ones, e.g. the sandbox emulator's CA. */
  extraCaPem?: string[];
  /** `https://` or `http://` proxy URL for outbound calls (HTTPS_PROXY). */
  proxyUrl?: string;
  /** Connect timeout in ms; the transport's overall timeout still applies. */
  connectTimeoutMs?: number;
  /** Largest body read, in bytes. Default 2 MiB. */
  maxBodyBytes?: number;
  /**
   * Host name -> origin (`https://127.0.0.1:PORT`): a request for a mapped host connects to that origin instead,
   * directly (no proxy), while its `Host` header and the TLS server name stay the real host's, so the certificate
   * is checked against the real name. The sandbox sends Microsoft's host names to the emulator this way
   * (docs/entra.md section 1, "The emulator's clouds").
   */
  hostMap?: Readonly<Record<string, string>>;
}

/** An agent that connects each mapped host name to its origin, keeping the name for SNI and verification. */
function hostMappedAgent(hostMap: Readonly<Record<string, string>>, connect: buildConnector.BuildOptions): Dispatcher {
  const targets = new Map(
    Object.entries(hostMap).map(([name, origin]) => {
      const url = new URL(origin);
      return [name.toLowerCase(), { hostname: url.hostname.replace(/^\[|\]$/g, ""), port: url.port }] as const;
    }),
  );
  const base = buildConnector(connect);
  return new Agent({
    keepAliveTimeout: 10_000,
    connect: (options, callback) => {
      const target = targets.get(options.hostname.toLowerCase());
      if (target === undefined) {
        callback(Object.assign(new Error(`no mapping for ${options.hostname}`), { code: "ENOTFOUND" }), null);
        return;
      }
      base({ ...options, hostname: target.hostname, port: target.port, servername: options.hostname }, callback);
    },
  });
}

/**
 * The body as UTF-8 text, cut at `maxBodyBytes` (the stream is then destroyed). Read through the stream's events
 * rather than its async iterator, which costs a promise per chunk on every answer.
 */
function readBody(stream: Dispatcher.ResponseData["body"], maxBodyBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      stream.off("data", onData);
      stream.off("end", done);
      stream.off("error", reject);
      // An error after the answer is read (a late abort) has nobody to tell; it must not go unhandled.
      stream.on("error", () => {});
      resolve(chunks.length === 1 ? (chunks[0] as Buffer).toString("utf8") : Buffer.concat(chunks).toString("utf8"));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        done();
        stream.destroy();
        return;
      }
      chunks.push(chunk);
    };
    stream.on("data", onData);
    stream.once("end", done);
    stream.once("error", reject);
  });
}

/** Creates the undici-based dispatch and a `close()` that releases its pool. */
export function createUndiciDispatch(options: UndiciDispatchOptions = {}): {
  dispatch: Dispatch;
  close: () => Promise<void>;
} {
  const extraCa = options.extraCaPem ?? [];
  // One secure context for every connection: handed `ca`, each TLS connect would build its own and parse the whole
  // trust store again (about 150 certificates, tens of ms of CPU per connection).
  const connect = {
    ...(extraCa.length > 0 ? { secureContext: createSecureContext({ ca: [...rootCertificates, ...extraCa] }) } : {}),
    timeout: options.connectTimeoutMs ?? 10_000,
  };
  const dispatcher: Dispatcher = options.proxyUrl
    ? new ProxyAgent({ uri: options.proxyUrl, requestTls: connect })
    : new Agent({ connect, keepAliveTimeout: 10_000 });
  const maxBodyBytes = options.maxBodyBytes ?? 2 * 1024 * 1024;
  const hostMap = options.hostMap ?? {};
  const mapped = Object.keys(hostMap).length > 0 ? hostMappedAgent(hostMap, connect) : undefined;
  const dispatcherFor = (url: string): Dispatcher =>
    mapped !== undefined && Object.hasOwn(hostMap, new URL(url).hostname.toLowerCase()) ? mapped : dispatcher;

  const dispatch: Dispatch = async (req, signal) => {
    const response = await request(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      signal,
      dispatcher: dispatcherFor(req.url),
      // The transport owns the overall timeout; these only stop undici's own 300 s defaults from mattering.
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    const body = await readBody(response.body, maxBodyBytes);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
    }
    return { status: response.statusCode, headers, body };
  };
  return { dispatch, close: async () => void (await Promise.all([dispatcher.close(), mapped?.close()])) };
}

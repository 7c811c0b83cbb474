/** Test support: start the real server in-process or as a child process, and talk to it over HTTP. */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type RunningApp, type StartOptions, startApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";

/** Repository root. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The SECRET_KEY of test servers on PostgreSQL (a fresh schema each, so any fixed key will do). */
export const TEST_SECRET_KEY = Buffer.alloc(32, 0x5a).toString("base64");

/** An app started in this process with its log lines captured. */
export interface TestApp extends RunningApp {
  logs: string[];
}

/** Starts the real server (sandbox mode unless env says otherwise) on a free loopback port. */
export async function startTestApp(
  env: Record<string, string> = {},
  options: Omit<StartOptions, "logDestination"> = {},
): Promise<TestApp> {
  const logs: string[] = [];
  const dataDir = env.DATA_DIR ?? mkdtempSync(join(tmpdir(), "dr-app-"));
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "debug",
    // Long enough for a loaded CI machine; tests of timeouts (hanging endpoints) set their own, shorter one.
    M365_TIMEOUT_MS: "3000",
    // A shared database needs a shared key (config refuses the generated key file there).
    ...(env.DATABASE_URL ? { SECRET_KEY: TEST_SECRET_KEY } : {}),
    ...env,
    DATA_DIR: dataDir,
  });
  // Bot steps that ask Microsoft answer with their result here unless a test asks for the real budget
  // (api/test/bot.long-work.e2e.test.ts); the emulator answers in milliseconds, but a loaded machine may not.
  const running = await startApp(config, {
    botAnswerBudgetMs: 15_000,
    ...options,
    logDestination: { write: (line: string) => logs.push(line) },
  });
  return Object.assign(running, { logs });
}

/** POSTs JSON and returns status, headers and the parsed body (or text). */
export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; contentType: string; json: unknown; text: string }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, contentType: response.headers.get("content-type") ?? "", json, text };
}

/** A server started as `npm start` would: a child process running api/src/main.ts. */
export interface SpawnedServer {
  url: string;
  output: () => string;
  stop: () => Promise<void>;
}

/** Spawns the product's entry with `env` and waits for the line that says where it listens. */
export async function spawnServer(env: Record<string, string>, timeoutMs = 30_000): Promise<SpawnedServer> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "api/src/main.ts"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", PORT: "0", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in time:\n${output}`)), timeoutMs);
    const look = () => {
      const match = /running at (http:\/\/[^\s]+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on("data", look);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5000).unref();
      }),
  };
}

/** Credentials of a sandbox tenant, as the API takes them. */
export interface TenantCredentials {
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

/**
 * Onboards a service through the real API in one go: a new customer, then the service with the given credentials
 * (validated on the server like any create). Fails the test unless both answer 201; answers the service.
 */
export async function onboardThroughApi(
  url: string,
  options: {
    customerName: string;
    shortName: string;
    credentials: TenantCredentials;
    headers?: Record<string, string>;
  },
): Promise<{ id: string; customerId: string }> {
  const customer = await postJson(`${url}/api/customers`, { name: options.customerName }, options.headers);
  if (customer.status !== 201) throw new Error(`customer not created (${customer.status}): ${customer.text}`);
  const customerId = (customer.json as { id: string }).id;
  const created = await postJson(
    `${url}/api/services`,
    {
      customerId,
      shortName: options.shortName,
      licenseType: "hosted-pro",
      licensedUsers: 10,
      m365: {
        tenantId: options.credentials.tenantId,
        clientId: options.credentials.clientId,
        clientSecret: options.credentials.clientSecret,
      },
    },
    options.headers,
  );
  if (created.status !== 201) throw new Error(`service not created (${created.status}): ${created.text}`);
  return { id: (created.json as { id: string }).id, customerId };
}

/** One answer of {@link apiCaller}: status, headers, the text and its JSON (undefined when not JSON). */
export interface ApiAnswer {
  status: number;
  json: unknown;
  headers: Headers;
  text: string;
}

/**
 * A caller of the running server's API as one dev-mode operator: JSON bodies (a string is sent as it is), the
 * `x-dev-user` header, and every answer's text handed to `seen` (tests that look for a leaked secret keep them).
 */
export function apiCaller(
  baseUrl: () => string,
  options: { operator?: string; seen?: (text: string) => void } = {},
): (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<ApiAnswer> {
  return async (method, path, body, headers = {}) => {
    const response = await fetch(`${baseUrl()}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
        "x-dev-user": options.operator ?? "alice@provider.example",
        ...headers,
      },
      ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    options.seen?.(text);
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, json, headers: response.headers, text };
  };
}

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  CREDENTIALS_STEP,
  clearDraft,
  credentialsKey,
  DRAFT_STORAGE_KEY,
  draftHasInput,
  emptyDraft,
  loadDraft,
  newIdempotencyKey,
  saveDraft,
  WIZARD_STEPS,
} from "./wizard.state";

/** A hand-written in-memory Storage, installed as the global localStorage for these tests. */
class MemoryStorage implements Storage {
  private readonly items = new Map<string, string>();
  failWrites = false;
  get length(): number {
    return this.items.size;
  }
  clear(): void {
    this.items.clear();
  }
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  key(index: number): string | null {
    return [...this.items.keys()][index] ?? null;
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
  setItem(key: string, value: string): void {
    if (this.failWrites) throw new DOMException("quota", "QuotaExceededError");
    this.items.set(key, String(value));
  }
}

let storage: MemoryStorage;
const had = Object.getOwnPropertyDescriptor(globalThis, "localStorage");

beforeEach(() => {
  storage = new MemoryStorage();
  Object.defineProperty(globalThis, "localStorage", { value: storage, configurable: true, writable: true });
});

afterEach(() => {
  if (had) Object.defineProperty(globalThis, "localStorage", had);
  else Reflect.deleteProperty(globalThis, "localStorage");
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("the steps", () => {
  it("are the six of docs/product.md section 1, the credentials third", () => {
    expect(WIZARD_STEPS).toEqual([
      "customer",
      "service",
      "credentials",
      "m365",
      "directRouting",
      "readiness",
      "summary",
    ]);
    expect(CREDENTIALS_STEP).toBe(2);
  });
});

describe("newIdempotencyKey", () => {
  it("is a fresh version 4 UUID each time", () => {
    const a = newIdempotencyKey();
    expect(a).toMatch(UUID);
    expect(newIdempotencyKey()).not.toBe(a);
  });

  it("is still a version 4 UUID where randomUUID is missing (non-secure origins)", () => {
    const original = crypto.randomUUID;
    Object.defineProperty(crypto, "randomUUID", { value: undefined, configurable: true });
    try {
      for (let i = 0; i < 20; i++) expect(newIdempotencyKey()).toMatch(UUID);
    } finally {
      Object.defineProperty(crypto, "randomUUID", { value: original, configurable: true });
    }
  });
});

describe("emptyDraft", () => {
  it("starts on the first step, global cloud, nothing typed, with its own idempotency key", () => {
    const d = emptyDraft();
    expect(d).toMatchObject({ v: 1, step: 0, customerMode: "existing", cloud: "global", useKnownApp: false });
    expect(d.idempotencyKey).toMatch(UUID);
    expect(draftHasInput(d)).toBe(false);
    expect(emptyDraft().idempotencyKey).not.toBe(d.idempotencyKey);
  });
});

describe("saveDraft and loadDraft", () => {
  it("round-trip a draft", () => {
    const d = { ...emptyDraft(), step: 1, shortName: "contoso", licensedUsers: "1" };
    saveDraft(d);
    expect(loadDraft()).toEqual(d);
  });

  it("answer undefined when nothing is stored, the text is not JSON, or the version differs", () => {
    expect(loadDraft()).toBeUndefined();
    storage.setItem(DRAFT_STORAGE_KEY, "{not json");
    expect(loadDraft()).toBeUndefined();
    storage.setItem(DRAFT_STORAGE_KEY, JSON.stringify({ ...emptyDraft(), v: 2 }));
    expect(loadDraft()).toBeUndefined();
  });

  it("resume at the credentials step at the latest, since the secret was not kept", () => {
    saveDraft({ ...emptyDraft(), step: 5 });
    expect(loadDraft()?.step).toBe(CREDENTIALS_STEP);
    saveDraft({ ...emptyDraft(), step: 1 });
    expect(loadDraft()?.step).toBe(1);
    storage.setItem(DRAFT_STORAGE_KEY, JSON.stringify({ v: 1, step: "x" }));
    expect(loadDraft()?.step).toBe(0);
    storage.setItem(DRAFT_STORAGE_KEY, JSON.stringify({ v: 1, step: -3 }));
    expect(loadDraft()?.step).toBe(0);
  });

  it("fill what an older or partial draft lacks from an empty one", () => {
    storage.setItem(DRAFT_STORAGE_KEY, JSON.stringify({ v: 1, shortName: "contoso", newCustomer: { name: "C" } }));
    const d = loadDraft();
    expect(d?.shortName).toBe("contoso");
    expect(d?.newCustomer).toEqual({ name: "C", contactEmail: "", note: "" });
    expect(d?.cloud).toBe("global");
    expect(d?.idempotencyKey).toMatch(UUID);
  });

  it("never bring a secret back, whoever stored it", () => {
    storage.setItem(DRAFT_STORAGE_KEY, JSON.stringify({ ...emptyDraft(), clientSecret: "leaked~secret" }));
    const d = loadDraft();
    expect(d).toBeDefined();
    expect(JSON.stringify(d)).not.toContain("leaked");
  });

  it("never bring a certificate back, and keep only a known credential choice", () => {
    const pem = "-----BEGIN PRIVATE KEY-----leaked-----END PRIVATE KEY-----";
    storage.setItem(
      DRAFT_STORAGE_KEY,
      JSON.stringify({ ...emptyDraft(), credentialType: "certificate", clientCertificate: { pem } }),
    );
    const d = loadDraft();
    expect(d?.credentialType).toBe("certificate");
    expect(JSON.stringify(d)).not.toContain("leaked");
    storage.setItem(DRAFT_STORAGE_KEY, JSON.stringify({ ...emptyDraft(), credentialType: "password" }));
    expect(loadDraft()?.credentialType).toBe("secret");
  });

  it("keep working when storage refuses writes", () => {
    storage.failWrites = true;
    expect(() => saveDraft(emptyDraft())).not.toThrow();
    expect(loadDraft()).toBeUndefined();
  });

  it("clearDraft forgets the stored draft", () => {
    saveDraft({ ...emptyDraft(), shortName: "contoso" });
    clearDraft();
    expect(loadDraft()).toBeUndefined();
    expect(() => clearDraft()).not.toThrow();
  });
});

describe("draftHasInput", () => {
  it("is true once any typed field holds something", () => {
    const base = emptyDraft();
    expect(draftHasInput(base)).toBe(false);
    expect(draftHasInput({ ...base, step: 2, cloud: "china" })).toBe(false);
    for (const patch of [
      { customerId: "c1" },
      { newCustomer: { name: "C", contactEmail: "", note: "" } },
      { shortName: "a" },
      { fullName: "a" },
      { licensedUsers: "1" },
      { tenantId: "t" },
      { clientId: "c" },
    ]) {
      expect(draftHasInput({ ...base, ...patch }), JSON.stringify(patch)).toBe(true);
    }
  });
});

describe("credentialsKey", () => {
  it("changes with any of the four credential values and nothing else", () => {
    const d = { ...emptyDraft(), tenantId: "t", clientId: "c" };
    const key = credentialsKey(d, "s");
    expect(credentialsKey({ ...d, shortName: "other", step: 4 }, "s")).toBe(key);
    expect(credentialsKey({ ...d, tenantId: "t2" }, "s")).not.toBe(key);
    expect(credentialsKey({ ...d, clientId: "c2" }, "s")).not.toBe(key);
    expect(credentialsKey({ ...d, cloud: "china" }, "s")).not.toBe(key);
    expect(credentialsKey(d, "s2")).not.toBe(key);
  });

  it("follows the certificate when one is chosen, and the secret otherwise", () => {
    const d = { ...emptyDraft(), tenantId: "t", clientId: "c" };
    const cert = { pem: "P1", pfx: "", password: "", files: [] };
    const secretKey = credentialsKey(d, "s", cert);
    expect(credentialsKey(d, "s", { ...cert, pem: "P2" })).toBe(secretKey);
    const withCert = { ...d, credentialType: "certificate" as const };
    const key = credentialsKey(withCert, "s", cert);
    expect(key).not.toBe(secretKey);
    expect(credentialsKey(withCert, "other", cert)).toBe(key);
    expect(credentialsKey(withCert, "s", { ...cert, pem: "P2" })).not.toBe(key);
    expect(credentialsKey(withCert, "s", { ...cert, pem: "", pfx: "P1" })).not.toBe(key);
  });

  it("cannot be fooled by values that run into each other", () => {
    const d = emptyDraft();
    expect(credentialsKey({ ...d, tenantId: "ab", clientId: "c" }, "")).not.toBe(
      credentialsKey({ ...d, tenantId: "a", clientId: "bc" }, ""),
    );
  });
});

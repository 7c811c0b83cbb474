/**
 * The directory the emulator serves, mutable at runtime: the fixtures' apps and users are the starting point
 * (and stay live objects, so a test may still flip `enabled` on one), and Graph writes create and delete
 * applications and service principals, add and remove secrets, grant app roles, assign directory roles and add
 * owners (docs/entra.md section 15). Each new object remembers when it was created, because Entra refuses it for a
 * while (replication, docs/entra.md section 15); the tenant's `provisioning.replicationDelayMs` says how long.
 */
import { createHash, type KeyObject, randomBytes, randomUUID, timingSafeEqual, X509Certificate } from "node:crypto";
import type {
  AppFixture,
  CertificateFixture,
  DirectoryApplication,
  DirectorySnapshot,
  GraphWriteCall,
  SecretFixture,
  TenantFixture,
  UserFixture,
} from "./emulator.types.js";

export const DAY_MS = 86_400_000;

export function sha256(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

/** A GUID derived from its inputs, so object ids stay the same across emulator instances. */
export function stableGuid(...parts: string[]): string {
  const h = sha256(parts.join("|")).toString("hex");
  const variant = ((Number.parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A secret with its dates resolved; only its digest is kept. */
export interface ResolvedSecret {
  keyId: string;
  digest: Buffer;
  /** Null for an old credential listed without a hint. */
  hint: string | null;
  displayName: string | null;
  start: Date;
  end: Date;
  /** When the token endpoint starts accepting it (ms): a new password replicates (docs/entra.md section 15). */
  availableAt: number;
}

/** A certificate of an app (keyCredential) with its dates resolved and its public key read. */
export interface ResolvedKey {
  keyId: string;
  /** Graph's `customKeyIdentifier`: base64 SHA-1 thumbprint (docs/entra.md section 13). */
  customKeyIdentifier: string;
  displayName: string;
  /** SHA-1 and SHA-256 of the DER certificate, base64url: the assertion's `x5t` and `x5t#S256`. */
  x5t: string;
  x5tS256: string;
  publicKey: KeyObject;
  start: Date;
  end: Date;
}

/** Reads a certificate fixture: thumbprints, public key, keyCredential dates (the certificate's unless given). */
export function resolveKey(c: CertificateFixture, anchor: number): ResolvedKey {
  const cert = new X509Certificate(c.certPem);
  const digest = (alg: string) => createHash(alg).update(cert.raw).digest();
  return {
    keyId: c.keyId,
    customKeyIdentifier: digest("sha1").toString("base64"),
    displayName: c.displayName ?? cert.subject.split("\n").join(", "),
    x5t: digest("sha1").toString("base64url"),
    x5tS256: digest("sha256").toString("base64url"),
    publicKey: cert.publicKey,
    start: c.startDays !== undefined ? new Date(anchor + c.startDays * DAY_MS) : new Date(cert.validFrom),
    end: c.endDays !== undefined ? new Date(anchor + c.endDays * DAY_MS) : new Date(cert.validTo),
  };
}

/** A Graph app role granted to an app's service principal (appRoleAssignedTo). */
export interface AppRoleGrant {
  id: string;
  appRoleId: string;
  /** The role's value, e.g. "Application.Read.All" (what the token's `roles` carries). */
  value: string;
  createdDateTime: string;
}

/** A directory role assigned through Graph (roleManagement/directory/roleAssignments). */
export interface RoleAssignment {
  id: string;
  principalId: string;
  roleDefinitionId: string;
  directoryScopeId: string;
}

/** What the directory knows about one application beyond its fixture. */
export interface AppRecord {
  /** The live fixture object (an element of `tenant.apps`). */
  readonly app: AppFixture;
  /** The application's object id. */
  readonly objectId: string;
  /** Creation time, ms; -Infinity for a fixture app (replicated long ago). */
  readonly createdAt: number;
  /** Only for applications created through Graph. */
  readonly createdDateTime?: string;
  signInAudience: string;
  /** Only for applications created through Graph. */
  requiredResourceAccess?: unknown[];
  /** Object ids of users or service principals. */
  owners: string[];
  /** The service principal in this tenant; undefined once deleted or before it is created. */
  sp?: { id: string; createdAt: number };
  grants: AppRoleGrant[];
  secrets: ResolvedSecret[];
  /** Certificates (keyCredentials). */
  keys: ResolvedKey[];
}

/** One tenant's directory. */
export interface TenantDirectory {
  readonly tenant: TenantFixture;
  /** Microsoft Graph's own service principal in this tenant (stable per tenant). */
  readonly graphServicePrincipalId: string;
  /** Directory roles assigned through Graph. */
  readonly roleAssignments: RoleAssignment[];
  /** Graph write requests by name. */
  readonly calls: Record<string, number>;
  /** The record of an app of this tenant (made on first sight for a fixture app). */
  record(app: AppFixture): AppRecord;
  /** Records of every app now in `tenant.apps`. */
  records(): AppRecord[];
  /** The app with this application (client) id. */
  byAppId(appId: string): AppRecord | undefined;
  /** The application (registered here) with this object id. */
  byObjectId(id: string): AppRecord | undefined;
  /** The app whose service principal has this id. */
  bySpId(id: string): AppRecord | undefined;
  user(id: string): UserFixture | undefined;
  /** The tenant's replication delay, ms. */
  replicationDelayMs(): number;
  /** True once an object created at `createdAt` has replicated at `at`. */
  replicated(createdAt: number, at: Date): boolean;
  /** Registers a new application (POST /applications). */
  createApplication(input: {
    displayName: string;
    signInAudience: string;
    requiredResourceAccess: unknown[];
    owners: string[];
    at: Date;
  }): AppRecord;
  /** Removes an application with its service principal, grants and role assignments. */
  deleteApplication(record: AppRecord): void;
  /** Removes an application's service principal with its grants and role assignments. */
  deleteServicePrincipal(record: AppRecord): void;
  /** Adds a password; returns the new secret's text (shown once) and its record. */
  addPassword(
    record: AppRecord,
    input: { displayName: string | null; start: Date; end: Date; at: Date },
  ): { secretText: string; secret: ResolvedSecret };
  count(call: GraphWriteCall): void;
  snapshot(): DirectorySnapshot;
}

/** The characters Entra puts in a secret (docs/entra.md section 10). */
const SECRET_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789~._-";
const ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

function randomFrom(alphabet: string, length: number): string {
  const bytes = randomBytes(length * 2);
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[bytes.readUInt16BE(i * 2) % alphabet.length];
  return out;
}

/** A 40-character secret in today's `xxx8Q~…` shape (docs/entra.md section 10). */
export function newSecretText(): string {
  return `${randomFrom(ALNUM, 3)}8Q~${randomFrom(SECRET_CHARS, 34)}`;
}

export function resolveSecret(s: SecretFixture, anchor: number): ResolvedSecret {
  return {
    keyId: s.keyId,
    digest: sha256(s.value),
    hint: s.hint === undefined ? s.value.slice(0, 3) : s.hint,
    displayName: s.displayName ?? null,
    start: new Date(anchor + s.startDays * DAY_MS),
    end: new Date(anchor + s.endDays * DAY_MS),
    availableAt: Number.NEGATIVE_INFINITY,
  };
}

/** Secrets of `record` whose value equals `value`, whose start has passed and which have replicated. */
export function matchingSecrets(record: AppRecord, value: string, at: Date): ResolvedSecret[] {
  const digest = sha256(value);
  return record.secrets.filter(
    (s) => timingSafeEqual(s.digest, digest) && s.start <= at && s.availableAt <= at.getTime(),
  );
}

function removeFrom<T>(list: T[], keep: (item: T) => boolean): void {
  const kept = list.filter(keep);
  list.splice(0, list.length, ...kept);
}

/** The directory of `tenant`; fixture secrets' days are relative to `anchor` (ms). */
export function createTenantDirectory(tenant: TenantFixture, anchor: number): TenantDirectory {
  const byFixture = new Map<AppFixture, AppRecord>();
  const roleAssignments: RoleAssignment[] = [];
  const calls: Record<string, number> = {};

  function record(app: AppFixture): AppRecord {
    const known = byFixture.get(app);
    if (known !== undefined) return known;
    const appId = app.appId.toLowerCase();
    const spId = stableGuid("sp", tenant.id, appId);
    const made: AppRecord = {
      app,
      objectId: stableGuid("app", tenant.id, appId),
      createdAt: Number.NEGATIVE_INFINITY,
      signInAudience: "AzureADMyOrg",
      owners: app.ownedBySelf === true ? [spId] : [],
      ...(app.servicePrincipal === false ? {} : { sp: { id: spId, createdAt: Number.NEGATIVE_INFINITY } }),
      grants: [],
      secrets: app.secrets.map((s) => resolveSecret(s, anchor)),
      keys: (app.certificates ?? []).map((c) => resolveKey(c, anchor)),
    };
    byFixture.set(app, made);
    return made;
  }

  const records = (): AppRecord[] => tenant.apps.map(record);

  /** Drops what the service principal held: its grants, its role assignments, its ownerships. */
  function dropServicePrincipal(rec: AppRecord): void {
    const spId = rec.sp?.id;
    rec.sp = undefined;
    rec.grants = [];
    rec.app.graphRoles.splice(0);
    rec.app.directoryRoles.splice(0);
    if (spId === undefined) return;
    removeFrom(roleAssignments, (a) => a.principalId !== spId);
    for (const other of records()) removeFrom(other.owners, (o) => o !== spId);
  }

  const dir: TenantDirectory = {
    tenant,
    graphServicePrincipalId: stableGuid("graph-sp", tenant.id.toLowerCase()),
    roleAssignments,
    calls,
    record,
    records,
    byAppId(appId) {
      const wanted = appId.toLowerCase();
      const app = tenant.apps.find((a) => a.appId.toLowerCase() === wanted);
      return app === undefined ? undefined : record(app);
    },
    byObjectId(id) {
      const wanted = id.toLowerCase();
      return records().find((r) => r.app.registeredHere && r.objectId === wanted);
    },
    bySpId(id) {
      const wanted = id.toLowerCase();
      return records().find((r) => r.sp?.id === wanted);
    },
    user(id) {
      const wanted = id.toLowerCase();
      return tenant.users?.find((u) => u.id.toLowerCase() === wanted);
    },
    replicationDelayMs: () => Math.max(0, tenant.provisioning?.replicationDelayMs ?? 0),
    replicated(createdAt, at) {
      return at.getTime() >= createdAt + dir.replicationDelayMs();
    },
    createApplication(input) {
      const app: AppFixture = {
        appId: randomUUID(),
        displayName: input.displayName,
        enabled: true,
        registeredHere: true,
        secrets: [],
        graphRoles: [],
        directoryRoles: [],
      };
      const made: AppRecord = {
        app,
        objectId: randomUUID(),
        createdAt: input.at.getTime(),
        createdDateTime: input.at.toISOString().replace(/\.\d{3}Z$/, "Z"),
        signInAudience: input.signInAudience,
        requiredResourceAccess: input.requiredResourceAccess,
        owners: [...input.owners],
        grants: [],
        secrets: [],
        keys: [],
      };
      byFixture.set(app, made);
      tenant.apps.push(app);
      return made;
    },
    deleteApplication(rec) {
      dropServicePrincipal(rec);
      const index = tenant.apps.indexOf(rec.app);
      if (index >= 0) tenant.apps.splice(index, 1);
      byFixture.delete(rec.app);
    },
    deleteServicePrincipal(rec) {
      dropServicePrincipal(rec);
    },
    addPassword(rec, input) {
      const secretText = newSecretText();
      const secret: ResolvedSecret = {
        keyId: randomUUID(),
        digest: sha256(secretText),
        hint: secretText.slice(0, 3),
        displayName: input.displayName,
        start: input.start,
        end: input.end,
        availableAt: input.at.getTime() + dir.replicationDelayMs(),
      };
      rec.secrets.push(secret);
      return { secretText, secret };
    },
    count(call) {
      calls[call] = (calls[call] ?? 0) + 1;
    },
    snapshot() {
      const applications = records()
        .filter((r) => r.app.registeredHere)
        .map((r): DirectoryApplication => {
          const entry: DirectoryApplication = {
            id: r.objectId,
            appId: r.app.appId,
            displayName: r.app.displayName,
            owners: [...r.owners],
            graphRoles: [...r.app.graphRoles],
            directoryRoles: [...r.app.directoryRoles],
            passwords: r.secrets.map((s) => ({
              keyId: s.keyId,
              hint: s.hint,
              displayName: s.displayName,
              startDateTime: s.start.toISOString(),
              endDateTime: s.end.toISOString(),
            })),
          };
          if (r.sp !== undefined) entry.servicePrincipalId = r.sp.id;
          return entry;
        });
      return { applications, calls: { ...calls } };
    },
  };
  return dir;
}

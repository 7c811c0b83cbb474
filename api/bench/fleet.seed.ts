/**
 * The fleet bench's seeding (fleet.bench.ts): the bulk fleet's services (api/src/m365/emulator/emulator.bulk.ts)
 * written straight into the product's database through its own storage and secret code, as if each had been
 * onboarded two days ago and validated just now: one customer per tenant, each service with its secret sealed by the product's
 * secret store under the service's associated data. Ten thousand onboardings over HTTP would cost as long as the
 * run the bench measures.
 */
import { randomUUID } from "node:crypto";
import { defaultSubdomainLabel } from "@dr/contract";
import { secretCredential, storedCredentialText } from "../src/m365/credentials/credential.js";
import type { BulkCredentials } from "../src/m365/emulator/emulator.bulk.js";
import { serviceSecretAad } from "../src/secrets/associated-data.js";
import { createLocalSecretStore } from "../src/secrets/local-secret-store.js";
import { openDatabase } from "../src/storage/database.js";
import { createKyselyRepository } from "../src/storage/kysely.repository.js";
import type { ServiceRecord } from "../src/storage/repository.types.js";

/** What {@link seedFleet} writes into. */
export interface SeedTarget {
  /** The server's DATA_DIR (the SQLite file, when no databaseUrl). */
  dataDir: string;
  /** The server's DATABASE_URL, for PostgreSQL. */
  databaseUrl?: string;
  /** The server's SECRET_KEY (base64, 32 bytes). */
  secretKeyBase64: string;
}

const ACTOR = "bench@provider.example";
const DAY_MS = 86_400_000;
/** Services written per transaction. */
const BATCH = 500;

/** A short name per service: `fl<tenant>x<app>`, 3 to 15 characters, no dot. */
export const fleetShortName = (c: BulkCredentials): string =>
  `fl${String(c.tenantIndex + 1).padStart(5, "0")}x${c.appIndex + 1}`;

/** Writes one customer per tenant and one service per credential; answers the service ids in credential order. */
export async function seedFleet(target: SeedTarget, credentials: readonly BulkCredentials[]): Promise<string[]> {
  const database = await openDatabase({
    dataDir: target.dataDir,
    ...(target.databaseUrl ? { databaseUrl: target.databaseUrl } : {}),
  });
  try {
    const repo = createKyselyRepository(database.db, database.engine);
    const secrets = await createLocalSecretStore({ dataDir: target.dataDir, keyBase64: target.secretKeyBase64 });
    const now = Date.now();
    // Validated just now: the schedule finds nothing due, so only the run the bench starts validates them.
    const validatedAt = new Date(now).toISOString();
    const createdAt = new Date(now - 2 * DAY_MS).toISOString();
    const customers = new Map<number, string>();
    const ids: string[] = [];
    for (let start = 0; start < credentials.length; start += BATCH) {
      await repo.transaction(async (tx) => {
        for (const c of credentials.slice(start, start + BATCH)) {
          let customerId = customers.get(c.tenantIndex);
          if (customerId === undefined) {
            customerId = randomUUID();
            customers.set(c.tenantIndex, customerId);
            await tx.insertCustomer({
              id: customerId,
              name: c.tenantName,
              contactEmail: null,
              note: null,
              createdAt,
              createdBy: ACTOR,
            });
          }
          const id = randomUUID();
          const shortName = fleetShortName(c);
          const credential = secretCredential(c.clientSecret);
          const record: ServiceRecord = {
            id,
            customerId,
            customerName: c.tenantName,
            shortName,
            fullName: null,
            licenseType: "hosted-pro",
            licensedUsers: 10,
            createdAt,
            createdBy: ACTOR,
            updatedAt: validatedAt,
            version: 1,
            m365: {
              cloud: "global",
              tenantId: c.tenantId,
              tenantName: c.tenantName,
              tenantDomains: [c.tenantDomain],
              clientId: c.clientId,
              secretHint: c.clientSecret.slice(0, 3),
              secretKeyId: null,
              secretExpiresAt: new Date(now + c.secretEndDays * DAY_MS).toISOString(),
              secretCheckedAt: validatedAt,
              credentialType: "secret",
              certificateThumbprint: null,
              certificateSubject: null,
              userName: ACTOR,
              lastValidatedAt: validatedAt,
              lastValidationOk: true,
              lastValidatedBy: ACTOR,
              permissions: {
                granted: ["Organization.Read.All", "Application.Read.All"],
                missing: [],
                directoryRoles: [],
              },
            },
            directRouting: {
              m365Domain: c.tenantDomain,
              sbcRegion: null,
              subdomainLabel: defaultSubdomainLabel(shortName),
            },
          };
          await tx.insertService(record);
          await tx.putServiceSecret({
            serviceId: id,
            sealed: secrets.seal(storedCredentialText(credential), serviceSecretAad(id, record.version)),
            sealedAtVersion: record.version,
          });
          ids.push(id);
        }
      });
    }
    return ids;
  } finally {
    await database.close();
  }
}

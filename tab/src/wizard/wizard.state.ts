/**
 * The onboarding wizard's state: the steps, the draft the operator types, and its persistence.
 * The draft survives leaving the page (localStorage, one key) except the client secret, which is never stored
 * in the browser: it lives only in memory while the wizard is open.
 */
import type { Cloud, LicenseType } from "@dr/contract";
import { type CertificateInput, type CredentialKind, certificateBody } from "../format/certificate-input";

/** The wizard steps in order (docs/product.md section 1). */
export const WIZARD_STEPS = [
  "customer",
  "service",
  "credentials",
  "m365",
  "directRouting",
  "readiness",
  "summary",
] as const;
/** One step id. */
export type WizardStepId = (typeof WIZARD_STEPS)[number];
/** Index of the credentials step: a restored draft resumes there at the latest, since the secret was not kept. */
export const CREDENTIALS_STEP = WIZARD_STEPS.indexOf("credentials");

/** localStorage key of the draft. */
export const DRAFT_STORAGE_KEY = "dr.wizard.draft";

/** What the operator entered, except the client secret. */
export interface WizardDraft {
  /** Schema version of the stored draft; a mismatch discards it. */
  v: 1;
  step: number;
  /** Sent as Idempotency-Key on Create; one per wizard run, renewed after a definitive refusal. */
  idempotencyKey: string;
  /** Existing customer chosen, or the inline "new customer" form. */
  customerMode: "existing" | "new";
  customerId?: string;
  customerName?: string;
  newCustomer: { name: string; contactEmail: string; note: string };
  shortName: string;
  fullName: string;
  licenseType?: LicenseType;
  /** As typed, so a half-typed number is kept. */
  licensedUsers: string;
  useKnownApp: boolean;
  /** "Pending invitation": use a completed invitation's sealed credentials instead of the three values. */
  usePendingInvitation: boolean;
  /** The completed invitation chosen (its id only: the credentials stay sealed on the server). */
  invitationId?: string;
  /** "From automatic registration": use the App registration a finished provisioning run created. */
  useProvisioning: boolean;
  /** The provisioning run chosen (its id only: its secret stays sealed on the server). */
  provisioningId?: string;
  tenantId: string;
  clientId: string;
  /** Client secret or certificate (the choice only: neither the secret nor the certificate is ever stored). */
  credentialType: CredentialKind;
  cloud: Cloud;
  m365Domain?: string;
  sbcRegion?: string;
  /** Undefined = derived from the short name until the operator edits it. */
  subdomainLabel?: string;
}

/** A random UUID; falls back to getRandomValues where randomUUID is missing (non-secure origins). */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A fresh draft. */
export function emptyDraft(): WizardDraft {
  return {
    v: 1,
    step: 0,
    idempotencyKey: newIdempotencyKey(),
    customerMode: "existing",
    newCustomer: { name: "", contactEmail: "", note: "" },
    shortName: "",
    fullName: "",
    licensedUsers: "",
    useKnownApp: false,
    usePendingInvitation: false,
    useProvisioning: false,
    tenantId: "",
    clientId: "",
    credentialType: "secret",
    cloud: "global",
  };
}

/** The stored draft, merged over an empty one so older or partial drafts still load; undefined when none. */
export function loadDraft(): WizardDraft | undefined {
  try {
    const raw = localStorage.getItem(DRAFT_STORAGE_KEY);
    if (!raw) return undefined;
    const parsed = JSON.parse(raw) as Partial<WizardDraft> & Record<string, unknown>;
    if (parsed.v !== 1) return undefined;
    // Defence in depth: a secret must never come back from storage, whoever put it there.
    delete parsed.clientSecret;
    delete parsed.clientCertificate;
    if (parsed.credentialType !== "certificate") delete parsed.credentialType;
    const base = emptyDraft();
    const draft: WizardDraft = {
      ...base,
      ...parsed,
      newCustomer: { ...base.newCustomer, ...parsed.newCustomer },
      v: 1,
    };
    draft.step = Math.max(0, Math.min(Number(draft.step) || 0, CREDENTIALS_STEP));
    return draft;
  } catch {
    return undefined;
  }
}

/** Stores the draft (never the secret: the type has no field for it). */
export function saveDraft(draft: WizardDraft): void {
  try {
    localStorage.setItem(DRAFT_STORAGE_KEY, JSON.stringify(draft));
  } catch {
    // Storage full or blocked: the wizard still works, it just will not survive leaving.
  }
}

/** Forgets the draft (Start over, and after Create). */
export function clearDraft(): void {
  try {
    localStorage.removeItem(DRAFT_STORAGE_KEY);
  } catch {
    // Nothing stored, nothing to clear.
  }
}

/** True when the draft holds anything the operator typed (to tell a restored draft from an empty one). */
export function draftHasInput(draft: WizardDraft): boolean {
  return Boolean(
    draft.customerId ||
      draft.newCustomer.name ||
      draft.shortName ||
      draft.fullName ||
      draft.licensedUsers ||
      draft.tenantId ||
      draft.clientId,
  );
}

/**
 * Identifies the credentials a validation report belongs to; a change of any value (or of the credential chosen)
 * invalidates the report. In memory only, like the secret.
 */
export function credentialsKey(draft: WizardDraft, clientSecret: string, certificate?: CertificateInput): string {
  if (draft.credentialType === "certificate" && certificate) {
    return JSON.stringify([draft.tenantId, draft.clientId, certificateBody(certificate), draft.cloud]);
  }
  return JSON.stringify([draft.tenantId, draft.clientId, clientSecret, draft.cloud]);
}

/** What each sandbox scenario must show, shared by the in-process and the end-to-end tests. */
import type { CheckId, Cloud, ValidationReport } from "@dr/contract";

/**
 * The credential of a sandbox scenario as a client sends it: the secret, or for a certificate scenario its PEM
 * (certificate and private key) as `clientCertificate`.
 */
export function credentialOf(c: {
  clientSecret: string;
  clientCertificatePem?: string;
}): { clientSecret: string } | { clientCertificate: { pem: string } } {
  return c.clientCertificatePem
    ? { clientCertificate: { pem: c.clientCertificatePem } }
    : { clientSecret: c.clientSecret };
}

/** Every check passes. */
const ALL_PASS: Partial<Record<CheckId, string>> = {
  format: "pass",
  tenant: "pass",
  token: "pass",
  permissions: "pass",
  graph: "pass",
  secret_expiry: "pass",
};

/**
 * Expected outcome per scenario, validated in `cloud` (default global): check id -> "status" or "status:code".
 * A scenario of another cloud is validated at that cloud's real host names, which the emulator tells apart.
 */
export const EXPECTED: Record<string, { cloud?: Cloud; ok: boolean; checks: Partial<Record<CheckId, string>> }> = {
  valid: { ok: true, checks: ALL_PASS },
  "missing-consent": {
    ok: false,
    checks: {
      token: "pass",
      permissions: "fail:permissions_missing",
      graph: "fail:graph_denied",
      secret_expiry: "warn:expiry_unreadable",
    },
  },
  "partial-consent": {
    ok: false,
    checks: { permissions: "fail:permissions_missing", graph: "pass", secret_expiry: "warn:expiry_unreadable" },
  },
  expiring: { ok: true, checks: { permissions: "pass", graph: "pass", secret_expiry: "warn:secret_expiring" } },
  "self-rotation": { ok: true, checks: { permissions: "pass", graph: "pass", secret_expiry: "warn:secret_expiring" } },
  expired: { ok: false, checks: { tenant: "pass", token: "fail:secret_expired", permissions: "skipped" } },
  disabled: { ok: false, checks: { token: "fail:app_disabled", graph: "skipped" } },
  "blocked-by-policy": { ok: false, checks: { token: "fail:blocked_by_policy" } },
  // Asked in the global cloud: discovery names GCC High, and the token request beside it gets AADSTS900382.
  "gcc-high": { ok: false, checks: { tenant: "fail:wrong_cloud", token: "skipped" } },
  "gcc-high-valid": { cloud: "usgov-gcchigh", ok: true, checks: ALL_PASS },
  "dod-valid": { cloud: "usgov-dod", ok: true, checks: ALL_PASS },
  "china-valid": { cloud: "china", ok: true, checks: ALL_PASS },
  "graph-denied": { ok: false, checks: { permissions: "pass", graph: "fail:graph_denied", secret_expiry: "pass" } },
  "multi-tenant-app": { ok: true, checks: { graph: "pass", secret_expiry: "warn:expiry_unreadable" } },
  "secret-rotated": { ok: true, checks: { graph: "pass", secret_expiry: "warn:secret_not_found" } },
  // Certificate credentials (docs/entra.md section 13): entered as the scenario's PEM (credentialOf).
  certificate: { ok: true, checks: ALL_PASS },
  "certificate-not-registered": {
    ok: false,
    checks: { format: "pass", tenant: "pass", token: "fail:certificate_not_registered", permissions: "skipped" },
  },
  "certificate-expiring": { ok: true, checks: { token: "pass", secret_expiry: "warn:certificate_expiring" } },
  "gcc-high-certificate": { cloud: "usgov-gcchigh", ok: true, checks: ALL_PASS },
  "dod-certificate": { cloud: "usgov-dod", ok: true, checks: ALL_PASS },
  "china-certificate": { cloud: "china", ok: true, checks: ALL_PASS },
  "no-service-principal": {
    ok: false,
    checks: { tenant: "pass", token: "fail:service_principal_missing", permissions: "skipped" },
  },
  "throttled-once": { ok: true, checks: { token: "pass", secret_expiry: "pass" } },
  throttled: { ok: false, checks: { token: "unknown:throttled", permissions: "skipped" } },
  "graph-unavailable": {
    ok: false,
    checks: { permissions: "pass", graph: "unknown:graph_unavailable", secret_expiry: "unknown:graph_unavailable" },
  },
  slow: { ok: false, checks: { tenant: "unknown:entra_timeout", token: "skipped" } },
  "token-hang": { ok: false, checks: { tenant: "pass", token: "unknown:entra_timeout" } },
  "html-502": { ok: false, checks: { tenant: "pass", token: "unknown:entra_unreachable" } },
  reset: { ok: false, checks: { tenant: "unknown:entra_unreachable", token: "skipped" } },
  "graph-html-502": { ok: false, checks: { graph: "unknown:graph_unavailable", secret_expiry: "pass" } },
  "unknown-tenant": { ok: false, checks: { tenant: "fail:tenant_not_found", token: "skipped" } },
  // The readiness scenarios' credentials are all valid: readiness never changes the credential status.
  ...Object.fromEntries(
    [
      "readiness-domain-not-added",
      "readiness-domain-unverified",
      "readiness-no-free-licence",
      "readiness-no-activation-user",
      "readiness-no-teams-role",
      "readiness-no-teams-api",
      "readiness-permissions-missing",
    ].map((scenario) => [
      scenario,
      { ok: true, checks: { token: "pass", permissions: "pass", graph: "pass", secret_expiry: "pass" } },
    ]),
  ),
};

/** "status" or "status:code" of a check in a report. */
export function outcome(report: ValidationReport, id: CheckId): string {
  const check = report.checks.find((c) => c.id === id);
  if (!check) return "missing";
  return check.code && check.status !== "pass" && check.status !== "skipped"
    ? `${check.status}:${check.code}`
    : check.status;
}

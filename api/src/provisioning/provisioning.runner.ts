/**
 * The steps of a provisioning run after the sign-in (docs/api.md, "Provisioning"; the Graph calls of
 * docs/entra.md section 15), in the contract's order, each a ProvisioningStep that goes pending -> running ->
 * pass | warn | fail | skipped:
 *
 * create_app -> create_service_principal -> grant_consent -> assign_role -> allow_self_rotation -> add_secret ->
 * wait_for_replication -> validate.
 *
 * A failed step marks the rest `skipped` with the cause. Every object is reported to `ctx.created` the moment Graph
 * answers, and the caller persists it before the next call, so a failure leaves nothing unreported. The client
 * secret exists in plaintext only inside this function, from addPassword's answer to the last validation: it is
 * sealed at once (`ctx.seal`) and only the envelope leaves.
 */
import type {
  ProvisionedObject,
  ProvisioningResult,
  ProvisioningStep,
  ProvisioningStepId,
  ValidationReport,
  ValidationRequest,
} from "@dr/contract";
import type { CloudEndpoints } from "../m365/clouds.js";
import type { GraphClient } from "../m365/graph/graph.client.js";
import type { SealedSecret } from "../secrets/secret-store.types.js";
import type { ProvisioningOptions } from "../storage/provisioning.repository.js";
import {
  alreadyThere,
  applicationsNamedPath,
  callGraph,
  GRAPH_APP_ID,
  type GraphCallContext,
  graphDetail,
  notReplicatedYet,
  OWNED_BY_PERMISSION,
  RunInterrupted,
  replicationBackoffMs,
  StepFailure,
  servicePrincipalByAppIdPath,
  TEAMS_ADMINISTRATOR_ROLE_ID,
  unexpectedAnswer,
} from "./provisioning.graph.js";

/** The directory roles each kind of step needs (docs/entra.md sections 12 and 15), for the remedies. */
const ROLES_TO_CREATE = "Application Administrator or Cloud Application Administrator (or Global Administrator)";
const ROLES_TO_GRANT =
  "Privileged Role Administrator or Global Administrator (consent to Microsoft Graph application permissions)";
const ROLES_TO_ASSIGN = "Privileged Role Administrator or Global Administrator (assigning a directory role)";

/** The token check codes that mean "not replicated yet" for a new app or secret (docs/entra.md section 15). */
const REPLICATION_TOKEN_CODES = new Set(["app_not_found", "invalid_secret"]);
/** Check codes a validation may show while a fresh grant is still replicating. */
const REPLICATION_PERMISSION_CODES = new Set(["permissions_missing"]);

/** What the runner needs; the service builds it for one run. */
export interface RunnerContext extends GraphCallContext {
  runId: string;
  /** Graph with the admin's delegated token. */
  graph: GraphClient;
  endpoints: CloudEndpoints;
  cloud: ValidationRequest["cloud"];
  tenantId: string;
  appName: string;
  options: ProvisioningOptions;
  /** M365_REQUIRED_PERMISSIONS: the application permissions the app gets. */
  requiredPermissions: readonly string[];
  now(): Date;
  /** Seals the new client secret (provisioningSecretAad of the run). */
  seal(secret: string): SealedSecret;
  /** Runs the full validator on the new credentials (never throws). */
  validate(input: ValidationRequest): Promise<ValidationReport>;
  /** Called after every change of the steps, the created objects or the sealed secret; persists and tells. */
  changed(state: RunnerState): Promise<void>;
}

/** What the runner has done so far; the service persists it. */
export interface RunnerState {
  steps: ProvisioningStep[];
  created: ProvisionedObject[];
  /** Set once addPassword answered. */
  sealed?: SealedSecret;
}

/** How the runner ended. */
export type RunnerOutcome =
  | { ok: true; result: ProvisioningResult; sealed: SealedSecret }
  | { ok: false; step: ProvisioningStepId; failure: StepFailure };

const DAY_MS = 86_400_000;

/** A step's outcome as the step function reports it. */
interface StepDone {
  status?: "pass" | "warn" | "skipped";
  message: string;
  code?: string;
  remedy?: string;
  detail?: Record<string, unknown>;
}

/** Runs the steps after the sign-in; `state.steps` holds all nine (sign_in already passed). */
export async function runProvisioningSteps(ctx: RunnerContext, state: RunnerState): Promise<RunnerOutcome> {
  const stepOf = (id: ProvisioningStepId): ProvisioningStep => {
    const found = state.steps.find((s) => s.id === id);
    if (!found) throw new Error(`no step ${id}`);
    return found;
  };
  const replace = (next: ProvisioningStep) => {
    state.steps = state.steps.map((s) => (s.id === next.id ? next : s));
  };
  const record = async (object: ProvisionedObject) => {
    state.created = [...state.created, object];
    await ctx.changed(state);
  };

  /** Runs one step: running, then its outcome; a failure marks the later steps skipped and stops the run. */
  const step = async (id: ProvisioningStepId, fn: () => Promise<StepDone>): Promise<void> => {
    const started = performance.now();
    replace({ id, status: "running", message: stepOf(id).message });
    await ctx.changed(state);
    let done: StepDone;
    try {
      done = await fn();
    } catch (error) {
      const failure =
        error instanceof StepFailure
          ? error
          : error instanceof RunInterrupted
            ? new StepFailure(
                "interrupted",
                "The server stopped while this step ran.",
                "Start again with the option to reuse the existing app; what was created is listed.",
                {},
                "unknown",
              )
            : new StepFailure(
                "internal",
                "This step failed on the server.",
                "Start again; if it happens again, report it to the provider's support.",
                {},
                "unknown",
              );
      replace({
        id,
        status: failure.status,
        code: failure.code,
        message: failure.message,
        remedy: failure.remedy,
        ...(Object.keys(failure.detail).length > 0 ? { detail: failure.detail } : {}),
        durationMs: Math.round(performance.now() - started),
      });
      const at = state.steps.findIndex((s) => s.id === id);
      state.steps = state.steps.map((s, i) =>
        i > at
          ? {
              id: s.id,
              status: "skipped",
              code: "prerequisite_failed",
              message: `Not run: ${id.replaceAll("_", " ")} did not complete.`,
            }
          : s,
      );
      await ctx.changed(state);
      throw new Stop(id, failure);
    }
    replace({
      id,
      status: done.status ?? "pass",
      message: done.message,
      ...(done.code ? { code: done.code } : {}),
      ...(done.remedy ? { remedy: done.remedy } : {}),
      ...(done.detail && Object.keys(done.detail).length > 0 ? { detail: done.detail } : {}),
      durationMs: Math.round(performance.now() - started),
    });
    await ctx.changed(state);
  };

  const { graph, options, appName } = ctx;
  const wantedPermissions = [
    ...ctx.requiredPermissions,
    ...(options.allowSelfRotation && !ctx.requiredPermissions.includes(OWNED_BY_PERMISSION)
      ? [OWNED_BY_PERMISSION]
      : []),
  ];
  let graphSpId = "";
  let roleIds = new Map<string, string>();
  let app: { id: string; appId: string; displayName: string; created: boolean } | undefined;
  let spId = "";
  let selfRotation = false;
  let secretText: string | undefined;
  let password: { keyId: string; hint: string; endDateTime: string } | undefined;
  let report: ValidationReport | undefined;
  let replicationStarted = 0;

  try {
    await step("create_app", async () => {
      const taken = await callGraph(ctx, () => graph.get(applicationsNamedPath(appName)), {
        what: "looking for an App registration of this name",
        roles: ROLES_TO_CREATE,
      });
      if (taken.status !== 200) throw unexpectedAnswer(taken, "the search for App registrations of this name");
      const existing = arrayOf((taken.json as { value?: unknown } | undefined)?.value);
      // Microsoft Graph's own service principal: its id for the grants and its app roles' ids by name (never
      // written into the code; docs/entra.md section 11 lists them for reading only).
      const graphSp = await callGraph(ctx, () => graph.get(servicePrincipalByAppIdPath(GRAPH_APP_ID, "id,appRoles")), {
        what: "reading Microsoft Graph's permissions",
        roles: ROLES_TO_CREATE,
      });
      if (graphSp.status !== 200) throw unexpectedAnswer(graphSp, "reading Microsoft Graph's service principal");
      const spBody = graphSp.json as { id?: unknown; appRoles?: unknown };
      graphSpId = typeof spBody.id === "string" ? spBody.id : "";
      roleIds = new Map(
        arrayOf(spBody.appRoles).flatMap((r) =>
          typeof r.value === "string" && typeof r.id === "string" ? [[r.value, r.id] as const] : [],
        ),
      );
      const unknown = wantedPermissions.filter((p) => !roleIds.has(p));
      if (graphSpId === "" || unknown.length > 0) {
        throw new StepFailure(
          "permission_unknown",
          `Microsoft Graph in this tenant does not offer ${unknown.join(", ") || "its service principal"}.`,
          "The provider checks M365_REQUIRED_PERMISSIONS: each must be a Microsoft Graph application permission.",
          { unknown },
        );
      }
      if (existing.length > 0) {
        const first = existing[0];
        if (!options.reuseExistingApp || existing.length > 1 || !first) {
          throw new StepFailure(
            "app_name_taken",
            existing.length > 1
              ? `${existing.length} App registrations named "${appName}" already exist in this tenant.`
              : `An App registration named "${appName}" already exists in this tenant.`,
            existing.length > 1
              ? "Choose another name."
              : "Choose another name, or reuse the existing app (the option to reuse it adds a new secret to it).",
            { existing: existing.length },
          );
        }
        app = {
          id: String(first.id ?? ""),
          appId: String(first.appId ?? ""),
          displayName: String(first.displayName ?? appName),
          created: false,
        };
        return {
          status: "warn",
          code: "app_reused",
          message: `The existing App registration "${appName}" is reused (Application ID ${app.appId}).`,
          detail: { applicationObjectId: app.id, clientId: app.appId },
        };
      }
      const created = await callGraph(
        ctx,
        () =>
          graph.write("POST", "/v1.0/applications", {
            displayName: appName,
            signInAudience: "AzureADMyOrg",
            requiredResourceAccess: [
              {
                resourceAppId: GRAPH_APP_ID,
                resourceAccess: wantedPermissions.map((p) => ({ id: roleIds.get(p), type: "Role" })),
              },
            ],
          }),
        { what: "creating the App registration", roles: ROLES_TO_CREATE },
      );
      if (created.status !== 201 && created.status !== 200) {
        throw unexpectedAnswer(created, "creating the App registration");
      }
      const body = created.json as { id?: unknown; appId?: unknown; displayName?: unknown };
      app = {
        id: String(body.id ?? ""),
        appId: String(body.appId ?? ""),
        displayName: String(body.displayName ?? appName),
        created: true,
      };
      await record({ kind: "application", id: app.id, displayName: app.displayName });
      return {
        message: `The App registration "${app.displayName}" was created (Application ID ${app.appId}), single-tenant, declaring ${wantedPermissions.join(", ")}.`,
        detail: { applicationObjectId: app.id, clientId: app.appId, ...graphDetail(created) },
      };
    });
    const theApp = app as unknown as { id: string; appId: string; displayName: string; created: boolean };

    await step("create_service_principal", async () => {
      const created = await callGraph(
        ctx,
        () => graph.write("POST", "/v1.0/servicePrincipals", { appId: theApp.appId }),
        { what: "creating the service principal", roles: ROLES_TO_CREATE, replication: notReplicatedYet },
      );
      if (created.status === 201 || created.status === 200) {
        const body = created.json as { id?: unknown; displayName?: unknown };
        spId = String(body.id ?? "");
        await record({ kind: "service_principal", id: spId, displayName: String(body.displayName ?? appName) });
        return { message: "The app's service principal (enterprise application) was created.", detail: { spId } };
      }
      if (!alreadyThere(created)) throw unexpectedAnswer(created, "creating the service principal");
      // It exists already (a reused app): read it and go on.
      const read = await callGraph(ctx, () => graph.get(servicePrincipalByAppIdPath(theApp.appId, "id,displayName")), {
        what: "reading the existing service principal",
        roles: ROLES_TO_CREATE,
        replication: notReplicatedYet,
      });
      if (read.status !== 200) throw unexpectedAnswer(read, "reading the existing service principal");
      spId = String((read.json as { id?: unknown }).id ?? "");
      return { message: "The app's service principal already existed; it is used.", detail: { spId } };
    });

    /** Grants one Graph application permission; "already exists" is a pass. */
    const grant = async (permission: string): Promise<"granted" | "existed"> => {
      const answer = await callGraph(
        ctx,
        () =>
          graph.write("POST", `/v1.0/servicePrincipals/${graphSpId}/appRoleAssignedTo`, {
            principalId: spId,
            resourceId: graphSpId,
            appRoleId: roleIds.get(permission),
          }),
        {
          what: `granting admin consent to ${permission}`,
          roles: ROLES_TO_GRANT,
          // A new service principal is unknown to appRoleAssignedTo for a while (docs/entra.md section 15).
          replication: (r) => r.status === 404 || (notReplicatedYet(r) && !alreadyThere(r)),
        },
      );
      if (answer.status === 201 || answer.status === 200) {
        const id = String((answer.json as { id?: unknown }).id ?? "");
        await record({ kind: "app_role_assignment", id, displayName: permission });
        return "granted";
      }
      if (alreadyThere(answer)) return "existed";
      throw unexpectedAnswer(answer, `granting admin consent to ${permission}`);
    };

    await step("grant_consent", async () => {
      const outcomes: string[] = [];
      for (const permission of ctx.requiredPermissions) outcomes.push(`${permission} (${await grant(permission)})`);
      return {
        message: `Admin consent granted for ${ctx.requiredPermissions.join(", ")}.`,
        detail: { permissions: outcomes },
      };
    });

    await step("assign_role", async () => {
      if (!options.assignTeamsAdministrator) {
        return { status: "skipped", message: "Not asked: Teams Administrator is not assigned to the app." };
      }
      const answer = await callGraph(
        ctx,
        () =>
          graph.write("POST", "/v1.0/roleManagement/directory/roleAssignments", {
            "@odata.type": "#microsoft.graph.unifiedRoleAssignment",
            principalId: spId,
            roleDefinitionId: TEAMS_ADMINISTRATOR_ROLE_ID,
            directoryScopeId: "/",
          }),
        {
          what: "assigning Teams Administrator to the app",
          roles: ROLES_TO_ASSIGN,
          replication: (r) => r.status === 404 || (notReplicatedYet(r) && !alreadyThere(r)),
        },
      );
      if (answer.status === 201 || answer.status === 200) {
        const id = String((answer.json as { id?: unknown }).id ?? "");
        await record({ kind: "directory_role_assignment", id, displayName: "Teams Administrator" });
        return { message: "Teams Administrator was assigned to the app (for Teams PowerShell app-only)." };
      }
      if (alreadyThere(answer)) return { message: "The app already holds Teams Administrator." };
      throw unexpectedAnswer(answer, "assigning Teams Administrator");
    });

    await step("allow_self_rotation", async () => {
      if (!options.allowSelfRotation) {
        return {
          status: "skipped",
          message: "Not asked: the app does not own itself, so its secret is replaced by hand before it expires.",
        };
      }
      const owner = await callGraph(
        ctx,
        () =>
          graph.write("POST", `/v1.0/applications/${theApp.id}/owners/$ref`, {
            "@odata.id": `${ctx.endpoints.graphUrl}/v1.0/directoryObjects/${spId}`,
          }),
        {
          what: "making the app an owner of itself",
          roles: ROLES_TO_CREATE,
          replication: (r) => notReplicatedYet(r) && !alreadyThere(r),
        },
      );
      const ownerAdded = owner.status === 204 || owner.status === 200 || owner.status === 201;
      if (!ownerAdded && !alreadyThere(owner)) throw unexpectedAnswer(owner, "making the app an owner of itself");
      if (ownerAdded) await record({ kind: "owner", id: spId, displayName: `${theApp.displayName} (owns itself)` });
      const ownedBy = ctx.requiredPermissions.includes(OWNED_BY_PERMISSION)
        ? "existed"
        : await grant(OWNED_BY_PERMISSION);
      selfRotation = true;
      return {
        message: `The app owns itself and holds ${OWNED_BY_PERMISSION}: the product can rotate its secret before it expires.`,
        detail: { owner: ownerAdded ? "added" : "existed", ownedBy },
      };
    });

    await step("add_secret", async () => {
      const at = ctx.now();
      const end = new Date(at.getTime() + options.secretLifetimeDays * DAY_MS);
      const displayName = `dr-onboarding ${at.toISOString().slice(0, 10)}`;
      const answer = await callGraph(
        ctx,
        () =>
          graph.write("POST", `/v1.0/applications/${theApp.id}/addPassword`, {
            passwordCredential: { displayName, endDateTime: end.toISOString() },
          }),
        {
          what: "adding a client secret",
          roles: ROLES_TO_CREATE,
          replication: (r) => r.status === 404,
        },
      );
      if (answer.status !== 200 && answer.status !== 201) throw unexpectedAnswer(answer, "adding a client secret");
      const body = answer.json as Record<string, unknown>;
      if (typeof body.secretText !== "string" || typeof body.keyId !== "string") {
        throw unexpectedAnswer(answer, "adding a client secret (no secret in the answer)");
      }
      // Sealed at once; the plaintext stays in this function only, for the next two steps.
      secretText = body.secretText;
      state.sealed = ctx.seal(secretText);
      password = {
        keyId: body.keyId,
        hint: typeof body.hint === "string" ? body.hint : secretText.slice(0, 3),
        endDateTime: typeof body.endDateTime === "string" ? body.endDateTime : end.toISOString(),
      };
      await record({ kind: "password", id: password.keyId, displayName });
      return {
        message: `A client secret was added (hint ${password.hint}, expires ${password.endDateTime.slice(0, 10)}).`,
        detail: { keyId: password.keyId, secretHint: password.hint, expiresAt: password.endDateTime },
      };
    });

    const credentials = (): ValidationRequest => ({
      tenantId: ctx.tenantId,
      clientId: theApp.appId,
      clientSecret: secretText ?? "",
      cloud: ctx.cloud,
    });

    await step("wait_for_replication", async () => {
      replicationStarted = ctx.nowMs();
      for (let attempt = 0; ; attempt++) {
        const attemptReport = await ctx.validate(credentials());
        const token = attemptReport.checks.find((c) => c.id === "token");
        if (token?.status === "pass") {
          report = attemptReport;
          return {
            message: `Microsoft Entra ID accepts the new app and secret${attempt > 0 ? ` (after ${attempt + 1} attempts, ${Math.round((ctx.nowMs() - replicationStarted) / 1000)} s)` : ""}.`,
            detail: { attempts: attempt + 1 },
          };
        }
        const retryable =
          token === undefined ||
          token.status === "unknown" ||
          token.status === "skipped" ||
          REPLICATION_TOKEN_CODES.has(token.code ?? "");
        if (!retryable) {
          throw new StepFailure(
            token.code ?? "token_rejected",
            token.message,
            token.remedy ?? "Start again; if it happens again, give the details to the provider's support.",
            token.detail ?? {},
          );
        }
        const elapsed = ctx.nowMs() - replicationStarted;
        const left = ctx.replicationTimeoutMs - elapsed;
        // Never a failure before the timeout: the last wait is cut so the last attempt is made at the deadline.
        const waitMs = Math.min(replicationBackoffMs(attempt), left);
        if (left <= 0) {
          throw new StepFailure(
            "replication_timeout",
            `Microsoft Entra ID did not accept the new app and secret within ${Math.round(ctx.replicationTimeoutMs / 1000)} s (${token?.code ?? "no answer"}).`,
            "Nothing is lost: the App registration exists (listed below). Wait a few minutes, then start again with " +
              "the option to reuse the existing app: it adds a fresh secret and validates it.",
            { attempts: attempt + 1, lastCode: token?.code ?? null, elapsedMs: Math.round(elapsed) },
          );
        }
        await ctx.sleep(waitMs);
      }
    });

    await step("validate", async () => {
      for (let attempt = 0; ; attempt++) {
        report = await ctx.validate(credentials());
        if (report.ok) break;
        const failing = report.checks.filter((c) => c.status === "fail" || c.status === "unknown");
        const onlyReplication = failing.every((c) => REPLICATION_PERMISSION_CODES.has(c.code ?? ""));
        const left = replicationStarted + ctx.replicationTimeoutMs - ctx.nowMs();
        const waitMs = Math.min(replicationBackoffMs(attempt), left);
        if (!onlyReplication || left <= 0) {
          const first = failing[0];
          throw new StepFailure(
            first?.code ?? "validation_failed",
            `The new credentials did not pass validation: ${first?.message ?? "a check failed"}`,
            first?.remedy ?? "Start again with the option to reuse the existing app.",
            { failed: failing.map((c) => `${c.id}:${c.code ?? c.status}`) },
          );
        }
        // A fresh grant may take a moment to show in the app's token (docs/entra.md section 15).
        await ctx.sleep(waitMs);
      }
      return {
        message: "The new credentials pass every check of the validator.",
        detail: { checks: report.checks.length },
      };
    });
  } catch (error) {
    if (error instanceof Stop) return { ok: false, step: error.step, failure: error.failure };
    throw error;
  } finally {
    secretText = undefined;
  }

  const theApp = app as unknown as { id: string; appId: string };
  const finalReport = report as ValidationReport;
  const thePassword = password as { keyId: string; hint: string; endDateTime: string };
  return {
    ok: true,
    sealed: state.sealed as SealedSecret,
    result: {
      tenantId: finalReport.tenant?.id ?? ctx.tenantId,
      clientId: theApp.appId,
      applicationObjectId: theApp.id,
      secretHint: thePassword.hint,
      secretExpiresAt: finalReport.secret?.expiresAt ?? thePassword.endDateTime,
      selfRotation,
      report: finalReport,
    },
  };
}

/** Ends the step sequence at a failed step. */
class Stop extends Error {
  constructor(
    readonly step: ProvisioningStepId,
    readonly failure: StepFailure,
  ) {
    super(`step ${step} failed`);
  }
}

function arrayOf(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value)
    ? value.filter((v): v is Record<string, unknown> => typeof v === "object" && v !== null)
    : [];
}

/**
 * The onboarding wizard as a dialog over Adaptive Cards: details -> credentials -> validation report -> Microsoft
 * 365 settings -> summary -> create. State lives in our store (BotStateStore) keyed by tenant, user and dialog id,
 * with a revision: every accepted click bumps it with a compare-and-set, so a stale or double click is recognised
 * and answered with the current card. Every submitted value is parsed again with the contract schemas; a refused
 * value comes back on the same card with the message under its input.
 *
 * The client secret is sealed (SecretStore, associated data = dialog id) as soon as it arrives, opened only to
 * validate and to create, and removed with the dialog on completion or cancel, or when the dialog has been left
 * untouched for its time to live (BOT_DIALOG_TTL_HOURS): every new dialog sweeps the expired ones, as do the
 * scheduler's ticks and the bot's start-up, and a click on an expired dialog is told to start again. It is never put
 * in a card, message or log line.
 *
 * The dialog belongs to the operator's Entra object id, and every call to the API names them by the operator's
 * stable identity (app/operator.ts), never by their Teams display name.
 *
 * The card lifecycle (bot/README.md, "Card lifecycle"): the first card is posted as a message whose id the dialog
 * keeps; a click answers the invoke with the next card (the clicking client only), and every state change also
 * replaces that message, so a reload, another device or another viewer sees the current step; each card refreshes
 * itself for the operator (`onboard.refresh`). A step that asks Microsoft (validate, Create) waits for it only for
 * a short budget, then answers with a working card; the result replaces the message when the work ends.
 */
import { randomUUID } from "node:crypto";
import {
  CERTIFICATE_PROBLEM_TEXTS,
  type CreateServiceInput,
  clientIdSchema,
  cloudSchema,
  createCustomerSchema,
  fieldMessageOf,
  licensedUsersSchema,
  licenseTypeSchema,
  shortNameSchema,
  tenantIdSchema,
} from "@dr/contract";
import { messageOf } from "../app/answer-soon.js";
import type { CardAnswer } from "../app/bot-app.js";
import type { TurnOperator } from "../app/operator.js";
import { numberInput, textOf as str } from "../app/values.js";
import type { FieldErrors } from "../cards/card.types.js";
import { createdCard } from "../cards/created.card.js";
import { type CredentialsValues, credentialsCard, KNOWN_APP } from "../cards/credentials.card.js";
import { NEW_CUSTOMER, type ServiceDetailsValues, serviceDetailsCard } from "../cards/service-details.card.js";
import type { DialogKey, DialogRecord, PortFailure } from "../ports.js";
import type { InboundTurn } from "../turn.types.js";
import { openCredential, readCredentialInput, sealCredential } from "./credential-input.js";
import {
  type AcceptedCredentials,
  type AcceptedDetails,
  CLOSED,
  chosenInvitation,
  dialogKey,
  expiredText,
  INVITATION_UNUSABLE,
  type OnboardingData,
  type OnboardingDialog,
  type OnboardingDialogDeps,
  STALE,
  STEP_FAILED,
  STEPS,
  type Step,
  type StepFeedback,
} from "./onboarding.model.js";
import { cardFor as drawCard, isStuck, withRefresh } from "./onboarding.view.js";

export * from "./onboarding.model.js";

/** Creates the dialog. */
export function createOnboardingDialog(deps: OnboardingDialogDeps): OnboardingDialog {
  const at = () => deps.now().toISOString();
  const expired = (record: DialogRecord<unknown>) => Date.parse(record.updatedAt) + deps.ttlMs <= deps.now().getTime();
  const invitations = deps.onboarding.invitations;
  const sources = {
    listCustomers: () => deps.onboarding.listCustomers(),
    ...(invitations ? { listInvitations: () => invitations.list("completed") } : {}),
  };
  const cardFor = (record: DialogRecord<OnboardingData>, extra: { notice?: string; errors?: FieldErrors } = {}) =>
    drawCard(record, sources, deps.now(), extra);

  /** The dialog data for the next step: the last step's feedback goes, this step's (if any) is kept. */
  const withFeedback = (data: OnboardingData, feedback: StepFeedback): OnboardingData => {
    const { feedback: _previous, ...rest } = data;
    return feedback.notice || feedback.errors ? { ...rest, feedback } : rest;
  };

  /** Moves the dialog on; answers the next card, or the current one when another click won the race. */
  async function advance(
    record: DialogRecord<OnboardingData>,
    step: Step,
    data: OnboardingData,
    feedback: StepFeedback = {},
  ): Promise<CardAnswer> {
    const updatedAt = at();
    const next = withFeedback(data, feedback);
    const moved = await deps.store.updateDialog(record.key, record.rev, { step, data: next, updatedAt });
    if (!moved) return stale(record.key);
    return { card: await cardFor({ key: record.key, step, rev: record.rev + 1, data: next, updatedAt }) };
  }

  /** Message updates run one after another per dialog, each drawing the dialog as it is when it runs. */
  const updating = new Map<string, Promise<void>>();

  /**
   * Replaces the wizard's message with the dialog's current card, when the dialog moved on from `from`; with
   * `final` (the created card, the cancel text) when the dialog is gone. Runs in the background: the clicking
   * client has its card from the invoke answer already.
   */
  function syncMessage(from: DialogRecord<OnboardingData>, turn: InboundTurn, final?: CardAnswer): void {
    const messageId = from.data.messageId ?? turn.replyToId;
    if (!messageId) return;
    const dialogId = from.key.dialogId;
    const run = async () => {
      const current = await deps.store.getDialog<OnboardingData>(from.key);
      if (current && current.rev === from.rev) return;
      const message = current ? { card: await cardFor(current) } : final ? messageOf(final) : undefined;
      if (message) await deps.messages.update(turn, messageId, message);
    };
    const next = (updating.get(dialogId) ?? Promise.resolve()).then(run);
    const settled = next.catch(() => undefined);
    updating.set(dialogId, settled);
    void settled.then(() => {
      if (updating.get(dialogId) === settled) updating.delete(dialogId);
    });
    deps.background.track(next, "wizard message update");
  }

  /**
   * Runs a step's work (which asks Microsoft) from `interim`, the stored `validating` / `creating` record: its
   * answer when it ends within the budget; else the working card now, and the message replaced when it ends. A
   * failure on our side moves the dialog back to `fallback` with a notice, so it never stays on the working card.
   */
  async function soon(
    interim: DialogRecord<OnboardingData>,
    fallback: Step,
    turn: InboundTurn,
    work: Promise<CardAnswer>,
  ): Promise<CardAnswer> {
    const guarded = work.catch(async (error: unknown) => {
      deps.log?.warn(
        { err: { name: (error as Error)?.name, message: (error as Error)?.message } },
        "wizard step failed",
      );
      return advance(interim, fallback, interim.data, { notice: STEP_FAILED });
    });
    const outcome = await deps.background.within(guarded, deps.budgetMs);
    if (outcome.done) return outcome.value;
    deps.background.track(
      outcome.later.then((answer) => syncMessage(interim, turn, "card" in answer ? answer : undefined)),
      "wizard step",
    );
    return { card: await cardFor(interim) };
  }

  /** Stores the credentials, moves to `validating`, and validates (soon). */
  async function startValidation(
    record: DialogRecord<OnboardingData>,
    credentials: AcceptedCredentials,
    turn: InboundTurn,
    actor: string,
  ): Promise<CardAnswer> {
    const { report: _old, ...rest } = withFeedback(record.data, {});
    const data: OnboardingData = { ...rest, credentials };
    const updatedAt = at();
    if (!(await deps.store.updateDialog(record.key, record.rev, { step: "validating", data, updatedAt }))) {
      return stale(record.key);
    }
    const validating: DialogRecord<OnboardingData> = {
      ...record,
      step: "validating",
      rev: record.rev + 1,
      data,
      updatedAt,
    };
    return soon(validating, "credentials", turn, validate(validating, credentials, actor));
  }

  async function stale(key: DialogKey): Promise<CardAnswer> {
    const current = await deps.store.getDialog<OnboardingData>(key);
    return current ? { card: await cardFor(current, { notice: STALE }) } : { text: CLOSED };
  }

  /** A refusal of the API as a notice or field errors on a card. */
  function refusal(failure: PortFailure): StepFeedback {
    const errors: FieldErrors = {};
    for (const p of failure.problems) {
      const field = p.path.split(".").pop() ?? "";
      if (field && errors[field] === undefined) errors[field] = p.message;
    }
    return Object.keys(errors).length > 0 ? { errors, notice: failure.message } : { notice: failure.message };
  }

  async function validate(
    record: DialogRecord<OnboardingData>,
    credentials: AcceptedCredentials,
    actor: string,
  ): Promise<CardAnswer> {
    const result = await deps.onboarding.validateCredentials(
      {
        tenantId: credentials.tenantId,
        clientId: credentials.clientId,
        ...openCredential(deps.sealer, credentials, record.key.dialogId),
        cloud: credentials.cloud,
      },
      actor,
    );
    if (!result.ok) {
      // Rate limit (or another refusal): back on the credentials step, with what was entered.
      return advance(record, "credentials", { ...record.data, credentials }, { notice: result.message });
    }
    return advance(record, "report", { ...record.data, credentials, report: result.value });
  }

  const handlers: Record<
    string,
    (
      record: DialogRecord<OnboardingData>,
      turn: InboundTurn,
      data: Record<string, unknown>,
      operator: TurnOperator,
    ) => Promise<CardAnswer>
  > = {
    async "onboard.cancel"(record) {
      await deps.store.deleteDialog(record.key);
      return { text: "Onboarding cancelled; nothing was saved and the secret you entered was discarded." };
    },

    async "onboard.back"(record) {
      // From an invitation the report and M365 settings steps are skipped: the summary goes back to the credentials.
      if (record.step === "summary" && record.data.invitation) return advance(record, "credentials", record.data);
      const index = STEPS.indexOf(record.step as Step);
      if (index <= 0) return { card: await cardFor(record) };
      return advance(record, STEPS[index - 1] ?? "details", record.data);
    },

    async "onboard.details"(record, _turn, data) {
      const values: ServiceDetailsValues = {
        customerId: str(data.customerId),
        newCustomerName: str(data.newCustomerName),
        shortName: str(data.shortName),
        licenseType: str(data.licenseType),
        licensedUsers: str(data.licensedUsers),
      };
      const errors: FieldErrors = {};
      const customers = await deps.onboarding.listCustomers();
      let customer: AcceptedDetails["customer"] | undefined;
      if (values.customerId === NEW_CUSTOMER || (values.customerId === "" && customers.length === 0)) {
        const parsed = createCustomerSchema.safeParse({ name: values.newCustomerName });
        if (parsed.success) customer = { kind: "new", name: parsed.data.name };
        else errors.newCustomerName = fieldMessageOf(parsed);
      } else {
        const found = customers.find((c) => c.id === values.customerId);
        if (found) customer = { kind: "existing", id: found.id, name: found.name };
        else errors.customerId = "Customer: choose one of the list, or New customer.";
      }
      const shortName = shortNameSchema.safeParse(values.shortName);
      errors.shortName = fieldMessageOf(shortName);
      if (shortName.success) {
        const check = await deps.onboarding.nameCheck(shortName.data);
        if (!check.ok) errors.shortName = check.problems[0]?.message;
      }
      const licenseType = licenseTypeSchema.safeParse(values.licenseType);
      errors.licenseType = fieldMessageOf(licenseType);
      const users = licensedUsersSchema.safeParse(numberInput(data.licensedUsers));
      errors.licensedUsers = fieldMessageOf(users);
      if (!customer || !shortName.success || errors.shortName || !licenseType.success || !users.success) {
        const dialog = { dialogId: record.key.dialogId, step: record.step, rev: record.rev };
        return { card: withRefresh(serviceDetailsCard({ dialog, customers, values, errors }), record) };
      }
      const details: AcceptedDetails = {
        customer,
        shortName: shortName.data,
        licenseType: licenseType.data,
        licensedUsers: users.data,
      };
      return advance(record, "credentials", { ...record.data, details });
    },

    async "onboard.credentials"(record, turn, data, operator) {
      const invitationId = str(data.invitationId).trim();
      if (invitationId !== "" && invitationId !== KNOWN_APP) return useInvitation(record, invitationId);
      const values: CredentialsValues = {
        tenantId: str(data.tenantId),
        clientId: str(data.clientId),
        cloud: str(data.cloud),
      };
      const credential = readCredentialInput(data);
      const stored = record.data.credentials;
      const errors: FieldErrors = {};
      const tenant = tenantIdSchema.safeParse(values.tenantId);
      errors.tenantId = fieldMessageOf(tenant);
      const client = clientIdSchema.safeParse(values.clientId);
      errors.clientId = fieldMessageOf(client);
      const cloud = cloudSchema.safeParse(values.cloud === "" ? undefined : values.cloud);
      errors.cloud = fieldMessageOf(cloud);
      // The secret, or a certificate's PEM; both empty on a return visit keeps the sealed one (docs/api.md, "Credentials").
      const keep = credential.input?.kind === "none" && stored !== undefined;
      Object.assign(errors, credential.errors);
      if (credential.input?.kind === "none" && !keep) {
        errors.clientSecret = CERTIFICATE_PROBLEM_TEXTS.credential_missing.message;
      }
      const fresh = credential.input?.kind === "none" ? undefined : credential.input;
      if (!tenant.success || !client.success || !cloud.success || (!keep && !fresh)) {
        const dialog = { dialogId: record.key.dialogId, step: "credentials", rev: record.rev };
        return {
          card: withRefresh(
            credentialsCard({
              dialog,
              values,
              errors,
              ...(keep && stored ? { storedSecretHint: stored.secretHint } : {}),
            }),
            record,
          ),
        };
      }
      // A new secret is sealed at once; an empty field on a return visit keeps the sealed one.
      const credentials: AcceptedCredentials = {
        tenantId: tenant.data,
        clientId: client.data,
        cloud: cloud.data,
        ...(fresh
          ? sealCredential(deps.sealer, fresh, record.key.dialogId)
          : {
              secretHint: stored?.secretHint ?? "",
              sealedSecret: stored?.sealedSecret,
              ...(stored?.credentialType ? { credentialType: stored.credentialType } : {}),
            }),
      };
      const { invitation: _none, ...rest } = record.data;
      return startValidation({ ...record, data: rest }, credentials, turn, operator.actor);
    },

    async "onboard.retry"(record, turn, _data, operator) {
      const credentials = record.data.credentials;
      if (!credentials) return advance(record, "credentials", record.data);
      return startValidation(record, credentials, turn, operator.actor);
    },

    async "onboard.next"(record) {
      if (!record.data.report?.ok) return { card: await cardFor(record, { notice: "Fix the failed checks first." }) };
      return advance(record, "settings", record.data);
    },

    async "onboard.settings"(record, _turn, data) {
      const domain = str(data.m365Domain).trim().toLowerCase();
      const domains = record.data.report?.tenant?.domains ?? [];
      if (!domains.includes(domain)) {
        return {
          card: await cardFor(record, { errors: { m365Domain: `M365 domain: choose one of ${domains.join(", ")}.` } }),
        };
      }
      return advance(record, "summary", { ...record.data, m365Domain: domain });
    },

    async "onboard.create"(record, turn, _data, operator) {
      const d = record.data;
      if (!d.details) return advance(record, "details", d);
      if (!d.invitation && (!d.credentials || !d.report?.ok)) return advance(record, "details", d);
      // Claim the Create first: the second of a double click finds the revision moved and is refused.
      const claimedAt = at();
      const data = withFeedback(d, {});
      if (!(await deps.store.updateDialog(record.key, record.rev, { step: "creating", data, updatedAt: claimedAt }))) {
        return stale(record.key);
      }
      const claimed: DialogRecord<OnboardingData> = {
        ...record,
        step: "creating",
        rev: record.rev + 1,
        data,
        updatedAt: claimedAt,
      };
      return soon(claimed, "summary", turn, create(claimed, turn, operator));
    },
  };

  /**
   * The credentials step with a completed invitation chosen: it must be the chosen (existing) customer's and still
   * completed. The dialog then skips the report and M365 settings (the server validates the sealed credentials again
   * on Create and takes the tenant's initial domain) and drops any credentials entered here, sealed secret included.
   */
  async function useInvitation(record: DialogRecord<OnboardingData>, invitationId: string): Promise<CardAnswer> {
    const customer = record.data.details?.customer;
    const found = invitations ? await invitations.get(invitationId) : undefined;
    if (found?.status !== "completed" || customer?.kind !== "existing" || found.customerId !== customer.id) {
      return { card: await cardFor(record, { errors: { invitationId: INVITATION_UNUSABLE } }) };
    }
    const { credentials: _c, report: _r, m365Domain: _m, ...rest } = record.data;
    return advance(record, "summary", { ...rest, invitation: chosenInvitation(found) });
  }

  /** Create from a completed invitation: POST /api/services with its id (the server validates again and uses it). */
  async function createFromInvitation(
    record: DialogRecord<OnboardingData>,
    turn: InboundTurn,
    operator: TurnOperator,
  ): Promise<CardAnswer> {
    const d = record.data;
    const customer = d.details?.customer;
    if (!d.details || !d.invitation || customer?.kind !== "existing" || !invitations) {
      return advance(record, "credentials", d, { notice: INVITATION_UNUSABLE });
    }
    const result = await invitations.createService(
      {
        customerId: customer.id,
        shortName: d.details.shortName,
        licenseType: d.details.licenseType,
        licensedUsers: d.details.licensedUsers,
        invitationId: d.invitation.id,
        m365: { cloud: d.invitation.cloud },
      },
      operator.actor,
      record.key.dialogId,
    );
    if (!result.ok) {
      if (
        result.kind === "name_taken" ||
        (result.kind === "invalid" && result.problems.some((p) => p.path === "shortName"))
      ) {
        return advance(record, "details", d, refusal(result));
      }
      // The invitation is gone, used, or its credentials no longer validate: choose again on the credentials step.
      const { invitation: _gone, ...rest } = d;
      const back = result.kind === "rate_limited" ? d : rest;
      return advance(record, result.kind === "rate_limited" ? "summary" : "credentials", back, {
        notice: result.message,
      });
    }
    await deps.store.deleteDialog(record.key);
    await deps.onCreated?.(result.value.id, turn, operator);
    return { card: createdCard(result.value) };
  }

  /** Create, from the claimed `creating` record: the customer if new, then the service (it validates again). */
  async function create(
    record: DialogRecord<OnboardingData>,
    turn: InboundTurn,
    operator: TurnOperator,
  ): Promise<CardAnswer> {
    if (record.data.invitation) return createFromInvitation(record, turn, operator);
    let claimed = record;
    const d = record.data;
    if (!d.details || !d.credentials) return advance(claimed, "details", d);
    const actor = operator.actor;
    let customerId: string;
    const customer = d.details.customer;
    if (customer.kind === "existing") customerId = customer.id;
    else if (customer.createdId) customerId = customer.createdId;
    else {
      const created = await deps.onboarding.createCustomer({ name: customer.name }, actor);
      if (!created.ok) return advance(claimed, "details", d, refusal(created));
      customerId = created.value.id;
      // Remember the new customer at once, so a retried Create does not make a second one.
      const data: OnboardingData = {
        ...d,
        details: { ...d.details, customer: { ...customer, createdId: customerId } },
      };
      const updatedAt = at();
      if (!(await deps.store.updateDialog(claimed.key, claimed.rev, { step: "creating", data, updatedAt }))) {
        return stale(record.key);
      }
      claimed = { ...claimed, data, rev: claimed.rev + 1, updatedAt };
    }
    const input: CreateServiceInput = {
      customerId,
      shortName: d.details.shortName,
      licenseType: d.details.licenseType,
      licensedUsers: d.details.licensedUsers,
      m365: {
        cloud: d.credentials.cloud,
        tenantId: d.credentials.tenantId,
        clientId: d.credentials.clientId,
        ...openCredential(deps.sealer, d.credentials, record.key.dialogId),
      },
      ...(d.m365Domain ? { directRouting: { m365Domain: d.m365Domain } } : {}),
    };
    const result = await deps.onboarding.createService(input, actor, record.key.dialogId);
    if (!result.ok) {
      if (result.kind === "name_taken" || result.kind === "invalid") {
        const back = result.problems.some((p) => p.path === "shortName" || p.path === "customerId");
        return advance(claimed, back ? "details" : "settings", claimed.data, refusal(result));
      }
      if (result.kind === "credentials_invalid" && result.report) {
        return advance(claimed, "report", { ...claimed.data, report: result.report }, { notice: result.message });
      }
      return advance(claimed, "summary", claimed.data, { notice: result.message });
    }
    // Done: the dialog and its sealed secret go; the service holds its own sealed copy now.
    await deps.store.deleteDialog(record.key);
    await deps.onCreated?.(result.value.id, turn, operator);
    return { card: createdCard(result.value) };
  }

  const dialog: OnboardingDialog = {
    async sweep() {
      return deps.store.deleteDialogsUpdatedBefore(new Date(deps.now().getTime() - deps.ttlMs).toISOString());
    },

    async start(turn, operator, post, preset) {
      // Each new dialog clears the abandoned ones, so their secrets go even when the scheduler's timer is off.
      await dialog.sweep();
      const dialogId = randomUUID();
      const key = dialogKey(turn, operator, dialogId);
      const record: DialogRecord<OnboardingData> = {
        key,
        step: "details",
        rev: 0,
        data: {
          operator: { userId: turn.from.id, aadObjectId: operator.aadObjectId, name: operator.displayName ?? "" },
          // Started from an invitation: its customer is chosen on the first card and the invitation on the credentials.
          ...(preset ? { invitation: chosenInvitation(preset.invitation) } : {}),
        },
        updatedAt: at(),
      };
      // Posted first, so the dialog keeps the message id the connector answered (docs/teams.md section 4).
      const messageId = await post(await cardFor(record));
      await deps.store.createDialog({ ...record, data: { ...record.data, ...(messageId ? { messageId } : {}) } });
    },

    async act(turn, event, operator) {
      const dialogId = str(event.data.dialogId);
      const refresh = event.verb === "onboard.refresh";
      const handler = handlers[event.verb];
      if (!dialogId || (!handler && !refresh)) return { text: CLOSED };
      const key = dialogKey(turn, operator, dialogId);
      const record = await deps.store.getDialog<OnboardingData>(key);
      if (!record) return { text: CLOSED };
      if (expired(record)) {
        // Not swept yet: it goes now, with its sealed secret, and is never continued.
        await deps.store.deleteDialog(key);
        syncMessage(record, turn, { text: expiredText(deps.ttlMs) });
        return { text: expiredText(deps.ttlMs) };
      }
      // A refresh (automatic, or "Refresh card") only draws the current step: fast, and no state changes.
      if (refresh || !handler) return { card: await cardFor(record) };
      const rev = Number(event.data.rev);
      const step = str(event.data.step);
      const stuck = (record.step === "validating" || record.step === "creating") && isStuck(record, deps.now());
      const onStep =
        step === record.step ||
        (stuck && step === "summary" && record.step === "creating") ||
        (stuck && step === "credentials" && record.step === "validating");
      if (rev !== record.rev || !onStep) return { card: await cardFor(record, { notice: STALE }) };
      const answer = await handler(record, turn, event.data, operator);
      syncMessage(record, turn, answer);
      return answer;
    },
  };
  return dialog;
}

/**
 * The operator's form of automatic App registration (route `/provisioning/new`, `?customer=<id>` to choose one):
 * the customer (existing ones, as the wizard's customer step), the app name ("<customer> Direct Routing" until the
 * operator edits it), the cloud, "Assign the Teams Administrator role", "Let the product rotate the secret" and the
 * secret's lifetime. The fields follow the contract's start schema and its messages, shown once a field was left or
 * Start pressed, as the other forms do; the server's own field messages win. Start opens the run's page.
 */
import {
  CLOUDS,
  type Cloud,
  type Customer,
  PROVISIONING_DEFAULT_SECRET_DAYS,
  type StartProvisioningBody,
} from "@dr/contract";
import {
  Button,
  Checkbox,
  Dropdown,
  Field,
  Input,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  Option,
  Spinner,
} from "@fluentui/react-components";
import { PlayRegular } from "@fluentui/react-icons";
import { type FormEvent, useEffect, useMemo, useRef, useState } from "react";
import { ApiProblem } from "../api/api.client";
import { useApp } from "../app/app.context";
import { navigate, paths, useLocation } from "../app/router";
import { useSharedStyles } from "../components/shared.styles";
import { en } from "../i18n/en";
import { useTouched } from "../wizard/wizard.types";
import { operatorProvisioning } from "./provisioning.api";
import { provisioningEn as t } from "./provisioning.en";
import {
  defaultAppName,
  formErrors,
  type ProvisioningField,
  type ProvisioningFormValues,
  startBody,
} from "./provisioning.format";

/** The fields in form order, for focusing the first refused one. */
const FIELD_ORDER: readonly ProvisioningField[] = ["customerId", "appName", "cloud", "secretLifetimeDays"];

/** The form. */
export function ProvisioningForm() {
  const shared = useSharedStyles();
  const { api } = useApp();
  const port = useMemo(() => operatorProvisioning(api), [api]);
  const { search } = useLocation();
  const form = useRef<HTMLFormElement>(null);
  const [customers, setCustomers] = useState<Customer[] | undefined>(undefined);
  const [customersFailed, setCustomersFailed] = useState(false);
  const [customersRequest, setCustomersRequest] = useState(0);
  const [values, setValues] = useState<ProvisioningFormValues>(() => ({
    customerId: search.get("customer") ?? "",
    appName: "",
    cloud: "global",
    assignTeamsAdministrator: true,
    allowSelfRotation: true,
    secretLifetimeDays: String(PROVISIONING_DEFAULT_SECRET_DAYS),
    reuseExistingApp: false,
  }));
  // The app name follows the customer until the operator types one.
  const [nameEdited, setNameEdited] = useState(false);
  const [submitted, setSubmitted] = useState(false);
  const { shown, touch } = useTouched(submitted);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | undefined>(undefined);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `customersRequest` is the Retry trigger
  useEffect(() => {
    const controller = new AbortController();
    setCustomersFailed(false);
    api.listCustomers({ signal: controller.signal }).then(
      (body) => setCustomers(body.items),
      () => {
        if (!controller.signal.aborted) setCustomersFailed(true);
      },
    );
    return () => controller.abort();
  }, [api, customersRequest]);

  const chosen = customers?.find((c) => c.id === values.customerId);
  const set = (patch: Partial<ProvisioningFormValues>) => setValues((v) => ({ ...v, ...patch }));

  // A customer chosen through the address (Start again) names the app too.
  useEffect(() => {
    if (chosen && !nameEdited) setValues((v) => ({ ...v, appName: defaultAppName(chosen.name) }));
  }, [chosen, nameEdited]);

  const errors = formErrors(values);
  const messageOf = (field: ProvisioningField): string | undefined => {
    const server = problem?.errors.find((e) => e.path === field)?.message;
    if (server) return server;
    return shown(field) ? errors[field] : undefined;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setSubmitted(true);
    setProblem(undefined);
    const refused = FIELD_ORDER.find((f) => errors[f] !== undefined);
    if (refused) {
      const input = form.current?.querySelector<HTMLElement>(`[name="${refused}"]`);
      input?.focus();
      return;
    }
    setBusy(true);
    try {
      const run = await port.start(startBody(values) as StartProvisioningBody);
      navigate(paths.provisioning(run.id));
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem({ status: 0, code: "network" }));
      setBusy(false);
    }
  };

  const generalProblem =
    problem && problem.errors.length === 0
      ? problem.code === "network"
        ? en.errors.network
        : problem.code === "timeout"
          ? en.errors.timeout
          : problem.detail
      : undefined;

  return (
    <form ref={form} className={shared.form} onSubmit={submit} noValidate aria-label={t.title}>
      {generalProblem && (
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody>{generalProblem}</MessageBarBody>
        </MessageBar>
      )}
      {customersFailed ? (
        <MessageBar intent="error">
          <MessageBarBody>{t.customersFailed}</MessageBarBody>
          <MessageBarActions>
            <Button onClick={() => setCustomersRequest((n) => n + 1)}>{en.app.retry}</Button>
          </MessageBarActions>
        </MessageBar>
      ) : customers?.length === 0 ? (
        <MessageBar intent="info" layout="multiline">
          <MessageBarBody>{t.noCustomers}</MessageBarBody>
        </MessageBar>
      ) : null}
      <Field label={t.customer} required validationMessage={messageOf("customerId")}>
        <Dropdown
          name="customerId"
          placeholder={customers === undefined ? t.customersLoading : t.customerPlaceholder}
          value={chosen?.name ?? ""}
          selectedOptions={chosen ? [chosen.id] : []}
          onOptionSelect={(_, data) => {
            const customer = customers?.find((c) => c.id === data.optionValue);
            if (!customer) return;
            set({ customerId: customer.id, ...(nameEdited ? {} : { appName: defaultAppName(customer.name) }) });
          }}
          onBlur={() => touch("customerId")}
        >
          {(customers ?? []).map((c) => (
            <Option key={c.id} value={c.id} text={c.name}>
              {c.contactEmail ? `${c.name} (${c.contactEmail})` : c.name}
            </Option>
          ))}
        </Dropdown>
      </Field>
      <Field label={t.appName} hint={t.appNameHint} required validationMessage={messageOf("appName")}>
        <Input
          name="appName"
          value={values.appName}
          onChange={(_, d) => {
            setNameEdited(true);
            set({ appName: d.value });
          }}
          onBlur={() => touch("appName")}
          autoComplete="off"
        />
      </Field>
      <Field label={t.cloud} validationMessage={messageOf("cloud")}>
        <Dropdown
          name="cloud"
          value={en.wizard.clouds[values.cloud as Cloud] ?? values.cloud}
          selectedOptions={[values.cloud]}
          onOptionSelect={(_, data) => {
            if (data.optionValue) set({ cloud: data.optionValue });
          }}
        >
          {CLOUDS.map((cloud) => (
            <Option key={cloud} value={cloud}>
              {en.wizard.clouds[cloud]}
            </Option>
          ))}
        </Dropdown>
      </Field>
      <Field hint={t.assignRoleHint}>
        <Checkbox
          label={t.assignRole}
          checked={values.assignTeamsAdministrator}
          onChange={(_, d) => set({ assignTeamsAdministrator: d.checked === true })}
        />
      </Field>
      <Field hint={t.selfRotationHint}>
        <Checkbox
          label={t.selfRotation}
          checked={values.allowSelfRotation}
          onChange={(_, d) => set({ allowSelfRotation: d.checked === true })}
        />
      </Field>
      <Field label={t.lifetime} hint={t.lifetimeHint} required validationMessage={messageOf("secretLifetimeDays")}>
        <Input
          name="secretLifetimeDays"
          type="number"
          min={1}
          max={730}
          inputMode="numeric"
          value={values.secretLifetimeDays}
          onChange={(_, d) => set({ secretLifetimeDays: d.value })}
          onBlur={() => touch("secretLifetimeDays")}
        />
      </Field>
      <Field hint={t.reuseAppHint}>
        <Checkbox
          label={t.reuseApp}
          checked={values.reuseExistingApp}
          onChange={(_, d) => set({ reuseExistingApp: d.checked === true })}
        />
      </Field>
      <div className={shared.actions}>
        <Button
          type="submit"
          appearance="primary"
          icon={busy ? <Spinner size="tiny" /> : <PlayRegular />}
          disabledFocusable={busy}
        >
          {busy ? t.starting : t.start}
        </Button>
      </div>
    </form>
  );
}

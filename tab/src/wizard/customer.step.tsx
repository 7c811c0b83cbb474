/**
 * Step 1: the customer. Pick an existing one, or create one inline (name, optional contact e-mail, optional note);
 * the new customer is created when the operator presses Next.
 */

import type { Customer } from "@dr/contract";
import {
  Button,
  Dropdown,
  Field,
  Input,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  Option,
  Spinner,
  Textarea,
} from "@fluentui/react-components";
import { PersonAddRegular } from "@fluentui/react-icons";
import { useSharedStyles } from "../components/shared.styles";
import { en } from "../i18n/en";
import type { WizardDraft } from "./wizard.state";
import { type StepProps, useTouched } from "./wizard.types";
import { newCustomerErrors } from "./wizard.validation";

/** Props of the customer step. */
export interface CustomerStepProps extends StepProps {
  /** Undefined while loading. */
  customers: Customer[] | undefined;
  customersFailed: boolean;
  reloadCustomers(): void;
  /** A POST /api/customers is in flight. */
  creating: boolean;
}

/** Step 1. */
export function CustomerStep({
  draft,
  update,
  submitted,
  customers,
  customersFailed,
  reloadCustomers,
  creating,
}: CustomerStepProps) {
  const shared = useSharedStyles();
  const { shown, touch } = useTouched(submitted);
  const errors = newCustomerErrors(draft);
  const hasCustomers = (customers?.length ?? 0) > 0;
  // With no customer to pick, the form is the only way forward.
  const mode = customers !== undefined && !hasCustomers ? "new" : draft.customerMode;
  const setNew = (patch: Partial<WizardDraft["newCustomer"]>) =>
    update({ newCustomer: { ...draft.newCustomer, ...patch } });

  if (customersFailed) {
    return (
      <MessageBar intent="error">
        <MessageBarBody>{en.wizard.customersError}</MessageBarBody>
        <MessageBarActions>
          <Button onClick={reloadCustomers}>{en.app.retry}</Button>
        </MessageBarActions>
      </MessageBar>
    );
  }
  if (customers === undefined) return <Spinner label={en.wizard.customersLoading} />;

  if (mode === "existing") {
    const selected = customers.find((c) => c.id === draft.customerId);
    return (
      <div className={shared.form}>
        <Field
          label={en.wizard.customerPick}
          required
          validationMessage={submitted && !selected ? en.wizard.customerPickRequired : undefined}
        >
          <Dropdown
            placeholder={en.wizard.customerPickPlaceholder}
            value={selected?.name ?? ""}
            selectedOptions={selected ? [selected.id] : []}
            onOptionSelect={(_, data) => {
              const customer = customers.find((c) => c.id === data.optionValue);
              if (customer) update({ customerId: customer.id, customerName: customer.name });
            }}
          >
            {customers.map((c) => (
              <Option key={c.id} value={c.id} text={c.name}>
                {c.contactEmail ? `${c.name} (${c.contactEmail})` : c.name}
              </Option>
            ))}
          </Dropdown>
        </Field>
        <div className={shared.actions}>
          <Button icon={<PersonAddRegular />} onClick={() => update({ customerMode: "new" })}>
            {en.wizard.customerNew}
          </Button>
        </div>
      </div>
    );
  }

  return (
    <div className={shared.form}>
      {!hasCustomers && <MessageBar intent="info">{en.wizard.customersEmpty}</MessageBar>}
      <Field label={en.wizard.customerName} required validationMessage={shown("name") ? errors.name : undefined}>
        <Input
          value={draft.newCustomer.name}
          onChange={(_, data) => setNew({ name: data.value })}
          onBlur={() => touch("name")}
          disabled={creating}
        />
      </Field>
      <Field label={en.wizard.contactEmail} validationMessage={shown("contactEmail") ? errors.contactEmail : undefined}>
        <Input
          type="email"
          autoComplete="email"
          value={draft.newCustomer.contactEmail}
          onChange={(_, data) => setNew({ contactEmail: data.value })}
          onBlur={() => touch("contactEmail")}
          disabled={creating}
        />
      </Field>
      <Field label={en.wizard.note} validationMessage={shown("note") ? errors.note : undefined}>
        <Textarea
          value={draft.newCustomer.note}
          onChange={(_, data) => setNew({ note: data.value })}
          onBlur={() => touch("note")}
          disabled={creating}
          resize="vertical"
        />
      </Field>
      {creating && <Spinner size="tiny" label={en.wizard.creatingCustomer} />}
      {hasCustomers && (
        <div className={shared.actions}>
          <Button onClick={() => update({ customerMode: "existing" })} disabled={creating}>
            {en.wizard.customerExisting}
          </Button>
        </div>
      )}
    </div>
  );
}

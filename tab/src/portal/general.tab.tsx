/**
 * General section of the portal: the editable service fields (full name, licence type, licensed users) saved with
 * PATCH, the fixed facts of the service, and Delete service. Editing and deleting need the admin permission; others
 * see the fields read-only.
 */

import {
  fieldMessage,
  fullNameSchema,
  LICENSE_TYPES,
  licensedUsersSchema,
  MAX_LICENSED_USERS,
  type Service,
  type UpdateServiceBody,
} from "@dr/contract";
import {
  Button,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  makeStyles,
  Radio,
  RadioGroup,
  Spinner,
  Text,
  tokens,
} from "@fluentui/react-components";
import { type FormEvent, useState } from "react";
import { ApiProblem } from "../api/api.client";
import { useApp, useCan } from "../app/app.context";
import { useSharedStyles } from "../components/shared.styles";
import { parseUsers } from "../format/field-rules";
import { formatDateTime } from "../format/format";
import { en } from "../i18n/en";
import { DeleteServiceSection } from "./delete-service.section";

const useStyles = makeStyles({
  layout: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXL },
});

/** Props of GeneralTab. */
export interface GeneralTabProps {
  service: Service;
  onSaved(service: Service): void;
}

/** The General section. */
export function GeneralTab({ service, onSaved }: GeneralTabProps) {
  const styles = useStyles();
  const shared = useSharedStyles();
  const { api } = useApp();
  const editable = useCan()("admin");
  const [fullName, setFullName] = useState(service.fullName ?? "");
  const [licenseType, setLicenseType] = useState<Service["licenseType"]>(service.licenseType);
  const [users, setUsers] = useState(String(service.licensedUsers));
  const [submitted, setSubmitted] = useState(false);
  const [saving, setSaving] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | undefined>(undefined);

  const fullNameError = fieldMessage(fullNameSchema, fullName);
  const usersError = fieldMessage(licensedUsersSchema, parseUsers(users));

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    setOutcome(undefined);
    if (fullNameError || usersError || saving || !editable) return;
    const patch: UpdateServiceBody = {};
    if (fullName !== (service.fullName ?? "")) patch.fullName = fullName;
    if (licenseType !== service.licenseType) patch.licenseType = licenseType;
    if (parseUsers(users) !== service.licensedUsers) patch.licensedUsers = parseUsers(users);
    if (Object.keys(patch).length === 0) {
      setOutcome({ ok: true, text: en.portal.noChanges });
      return;
    }
    setSaving(true);
    try {
      const saved = await api.updateService(service.id, patch);
      onSaved(saved);
      setOutcome({ ok: true, text: en.portal.saved });
    } catch (error) {
      const detail =
        error instanceof ApiProblem
          ? error.errors.map((e) => e.message).join(" ") || error.detail
          : en.errors.unexpected;
      setOutcome({ ok: false, text: `${en.portal.saveFailed} ${detail}` });
    } finally {
      setSaving(false);
    }
  };

  const dr = service.directRouting;
  return (
    <div className={styles.layout}>
      <form className={`${shared.surface} ${shared.form}`} onSubmit={save} noValidate aria-label={en.portal.tabGeneral}>
        <Field label={en.portal.fullName} validationMessage={submitted ? fullNameError : undefined}>
          <Input value={fullName} readOnly={!editable} onChange={(_, d) => setFullName(d.value)} />
        </Field>
        <Field label={en.portal.licenseType} required>
          <RadioGroup
            value={licenseType}
            disabled={!editable}
            onChange={(_, d) => setLicenseType(d.value as Service["licenseType"])}
          >
            {LICENSE_TYPES.map((t) => (
              <Radio key={t} value={t} label={en.licence[t]} />
            ))}
          </RadioGroup>
        </Field>
        <Field
          label={en.portal.licensedUsers}
          required
          hint={en.wizard.licensedUsersHint}
          validationMessage={submitted ? usersError : undefined}
        >
          <Input
            type="number"
            inputMode="numeric"
            min={1}
            max={MAX_LICENSED_USERS}
            value={users}
            readOnly={!editable}
            onChange={(_, d) => setUsers(d.value)}
          />
        </Field>
        {outcome && (
          <MessageBar intent={outcome.ok ? "success" : "error"}>
            <MessageBarBody>{outcome.text}</MessageBarBody>
          </MessageBar>
        )}
        {editable ? (
          <div className={shared.actions}>
            <Button type="submit" appearance="primary" icon={saving ? <Spinner size="tiny" /> : undefined}>
              {en.app.save}
            </Button>
          </div>
        ) : (
          <Text>{en.portal.editNeedsAdmin}</Text>
        )}
      </form>
      <dl className={`${shared.surface} ${shared.facts}`}>
        <dt>{en.portal.shortName}</dt>
        <dd>
          <Text>{service.shortName}</Text>
        </dd>
        <dt>{en.portal.customer}</dt>
        <dd>
          <Text>{service.customerName}</Text>
        </dd>
        <dt>{en.portal.created}</dt>
        <dd>
          <Text>
            {formatDateTime(service.createdAt)} · {service.createdBy}
          </Text>
        </dd>
        <dt>{en.portal.m365Domain}</dt>
        <dd>
          <Text>{dr?.m365Domain ?? en.app.none}</Text>
        </dd>
        <dt>{en.portal.sbcRegion}</dt>
        <dd>
          <Text>{dr?.sbcRegion ?? en.app.none}</Text>
        </dd>
        <dt>{en.portal.sbcFqdn}</dt>
        <dd>
          <Text font="monospace">{dr?.sbcFqdn ?? en.app.none}</Text>
        </dd>
      </dl>
      {editable && <DeleteServiceSection serviceId={service.id} shortName={service.shortName} />}
    </div>
  );
}

/**
 * The wizard's "From automatic registration": what the chosen run made, in place of the three fields (tenant, app,
 * the secret's hint, its expiry, self-rotation), or why the run cannot be used. Never a secret: the run answers
 * only the hint.
 */
import type { ProvisioningRun } from "@dr/contract";
import { MessageBar, MessageBarBody, MessageBarTitle, Spinner, Text } from "@fluentui/react-components";
import { MaskedSecret } from "../components/masked-secret";
import { useSharedStyles } from "../components/shared.styles";
import { formatDate } from "../format/format";
import { en } from "../i18n/en";
import { provisioningEn as t } from "./provisioning.en";

/** The tenant as "Name (id)", or the id. */
export function runTenantLabel(run: ProvisioningRun): string {
  const id = run.result?.tenantId ?? run.tenant?.id ?? "";
  const name = run.result?.report.tenant?.displayName ?? run.tenant?.displayName;
  return name && id ? `${name} (${id})` : name || id;
}

/** Props of ProvisioningFacts. */
export interface ProvisioningFactsProps {
  /** Undefined while it loads. */
  run: ProvisioningRun | undefined;
  /** Whether Create can use it. */
  usable: boolean;
}

/** What the run made. */
export function ProvisioningFacts({ run, usable }: ProvisioningFactsProps) {
  const shared = useSharedStyles();
  if (!run) return <Spinner size="tiny" label={t.loadingRun} />;
  if (!usable || !run.result) {
    return (
      <MessageBar intent="warning" layout="multiline">
        <MessageBarBody>{t.provisioningNotUsable}</MessageBarBody>
      </MessageBar>
    );
  }
  const r = run.result;
  return (
    <>
      <MessageBar intent="success" layout="multiline">
        <MessageBarBody>
          <MessageBarTitle>{t.fromProvisioning}</MessageBarTitle>
          {t.provisioningChosen}
        </MessageBarBody>
      </MessageBar>
      <dl className={shared.facts} aria-label={t.provisioningFacts}>
        <dt>{t.tenant}</dt>
        <dd>
          <Text>{runTenantLabel(run)}</Text>
        </dd>
        <dt>{t.appName}</dt>
        <dd>
          <Text>{run.appName}</Text>
        </dd>
        <dt>{t.clientId}</dt>
        <dd>
          <Text font="monospace">{r.clientId}</Text>
        </dd>
        <dt>{t.secret}</dt>
        <dd>
          <MaskedSecret hint={r.secretHint} />
        </dd>
        <dt>{t.secretExpires}</dt>
        <dd>
          <Text>{formatDate(r.secretExpiresAt)}</Text>
        </dd>
        <dt>{t.selfRotationFact}</dt>
        <dd>
          <Text>{r.selfRotation ? t.on : t.off}</Text>
        </dd>
        <dt>{en.wizard.cloud}</dt>
        <dd>
          <Text>{en.wizard.clouds[run.cloud]}</Text>
        </dd>
      </dl>
    </>
  );
}

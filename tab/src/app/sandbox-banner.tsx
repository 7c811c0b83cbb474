/**
 * Sandbox mode banner: says that Microsoft 365 is emulated and lists the demo tenants (fictitious credentials) with
 * copy buttons, collapsed by default so it does not push the page down; and a link to the Outbox page, where the
 * invitation mails of the demo are kept (sandbox mode sends no mail).
 */

import type { SandboxTenant } from "@dr/contract";
import {
  Button,
  Caption1,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
  Text,
  tokens,
} from "@fluentui/react-components";
import { ArrowDownloadRegular, CopyRegular } from "@fluentui/react-icons";
import { useEffect, useId, useState } from "react";
import { AppLink } from "../components/app-link";
import { useSharedStyles } from "../components/shared.styles";
import { en } from "../i18n/en";
import { copyText } from "../invitations/copy-text";
import { invitationsEn } from "../invitations/invitations.en";
import { useApp } from "./app.context";
import { paths } from "./router";

const useStyles = makeStyles({
  list: {
    listStyleType: "none",
    margin: 0,
    padding: 0,
    display: "grid",
    gridTemplateColumns: "repeat(auto-fill, minmax(min(100%, 340px), 1fr))",
    gap: tokens.spacingHorizontalM,
  },
  tenant: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXS },
  row: { display: "flex", alignItems: "center", gap: tokens.spacingHorizontalXS, minWidth: 0 },
  value: { fontFamily: tokens.fontFamilyMonospace, overflowWrap: "anywhere", minWidth: 0, flexGrow: 1 },
  label: { color: tokens.colorNeutralForeground2, minWidth: "88px" },
  // The brand-coloured link fails contrast on the warning bar in the dark theme (axe): the bar's own text colour,
  // underlined, reads as a link in every theme.
  barLink: {
    color: tokens.colorNeutralForeground1,
    textDecorationLine: "underline",
    ":hover": { color: tokens.colorNeutralForeground1Hover },
  },
});

/** The sandbox banner with its collapsible tenant list (default export for React.lazy). */
export default function SandboxBanner() {
  const styles = useStyles();
  const shared = useSharedStyles();
  const { api } = useApp();
  const [open, setOpen] = useState(false);
  // Undefined while loading; the button is there from the first frame either way, so the banner never grows.
  const [tenants, setTenants] = useState<SandboxTenant[] | "failed" | undefined>(undefined);
  const [announcement, setAnnouncement] = useState("");
  const listId = useId();

  useEffect(() => {
    const controller = new AbortController();
    api.getSandbox({ signal: controller.signal }).then(
      (body) => setTenants(body.tenants),
      () => {
        if (!controller.signal.aborted) setTenants("failed");
      },
    );
    return () => controller.abort();
  }, [api]);

  const copy = async (text: string) => {
    setAnnouncement((await copyText(text)) ? en.sandbox.copied : en.sandbox.copyFailed);
  };

  // A certificate scenario's PEM as a file, to try the certificate file picker with.
  const download = (name: string, text: string) => {
    const url = URL.createObjectURL(new Blob([text], { type: "application/x-pem-file" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = name;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 0);
  };

  const field = (label: string, value: string, scenario: string) => (
    <div className={styles.row}>
      <Caption1 className={styles.label}>{label}</Caption1>
      <Text size={200} className={styles.value}>
        {value}
      </Text>
      <Button
        size="small"
        appearance="subtle"
        icon={<CopyRegular />}
        aria-label={en.sandbox.copy(label, scenario)}
        onClick={() => void copy(value)}
      />
    </div>
  );

  return (
    <section aria-label={en.sandbox.title}>
      <MessageBar intent="warning" layout="multiline">
        <MessageBarBody>
          <MessageBarTitle>{en.sandbox.title}</MessageBarTitle>
          {en.sandbox.body}{" "}
          <AppLink href={paths.outbox()} inline className={styles.barLink}>
            {invitationsEn.outboxLink}
          </AppLink>
        </MessageBarBody>
        <MessageBarActions>
          <Button aria-expanded={open} aria-controls={listId} onClick={() => setOpen((v) => !v)}>
            {open ? en.sandbox.hideTenants : en.sandbox.showTenants}
          </Button>
        </MessageBarActions>
      </MessageBar>
      <div id={listId} hidden={!open}>
        {open && tenants === undefined && <Caption1>{en.sandbox.tenantsLoading}</Caption1>}
        {open && tenants === "failed" && <Caption1>{en.sandbox.tenantsFailed}</Caption1>}
        {open && Array.isArray(tenants) && (
          <ul className={styles.list} aria-label={en.sandbox.tenantsLabel}>
            {tenants.map((t) => (
              <li key={t.scenario} className={`${shared.surface} ${styles.tenant}`}>
                <Text weight="semibold">{t.scenario}</Text>
                <Caption1>{t.description}</Caption1>
                {t.cloud !== "global" && <Caption1>{en.sandbox.cloud(en.wizard.clouds[t.cloud])}</Caption1>}
                {field(en.sandbox.tenantId, t.tenantId, t.scenario)}
                {t.tenantDomain && field(en.sandbox.tenantDomain, t.tenantDomain, t.scenario)}
                {field(en.sandbox.clientId, t.clientId, t.scenario)}
                {t.clientCertificatePem ? (
                  <div className={styles.row}>
                    <Caption1 className={styles.label}>{en.sandbox.certificate}</Caption1>
                    <Text size={200} className={styles.value}>
                      {en.sandbox.certificateValue}
                    </Text>
                    <Button
                      size="small"
                      appearance="subtle"
                      icon={<CopyRegular />}
                      aria-label={en.sandbox.copy(en.sandbox.certificate, t.scenario)}
                      onClick={() => void copy(t.clientCertificatePem ?? "")}
                    />
                    <Button
                      size="small"
                      appearance="subtle"
                      icon={<ArrowDownloadRegular />}
                      aria-label={en.sandbox.download(t.scenario)}
                      onClick={() => download(`${t.scenario}.pem`, t.clientCertificatePem ?? "")}
                    />
                  </div>
                ) : (
                  field(en.sandbox.clientSecret, t.clientSecret, t.scenario)
                )}
              </li>
            ))}
          </ul>
        )}
      </div>
      <div aria-live="polite" className={shared.visuallyHidden}>
        {announcement}
      </div>
    </section>
  );
}

/**
 * Sandbox mode only: the stand-in for the admin's browser sign-in at the verification page. It lists the sandbox
 * admins (GET /api/sandbox/admins) as buttons that answer the run's code as that admin would: sign in, decline or let
 * it expire (POST /api/sandbox/device-sign-in). A live server answers 404 and the section is not shown at all. It is
 * labelled as sandbox so nobody takes it for a real sign-in.
 */
import type { SandboxAdmin } from "@dr/contract";
import { Body1, Button, Caption1, makeStyles, Spinner, Subtitle2, Text, tokens } from "@fluentui/react-components";
import { BeakerRegular } from "@fluentui/react-icons";
import { useEffect, useId, useState } from "react";
import { ApiProblem } from "../api/api.client";
import type { SandboxSignInPort } from "./provisioning.api";
import { provisioningEn as t } from "./provisioning.en";
import { sandboxButtonLabel } from "./provisioning.format";

const useStyles = makeStyles({
  box: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalS,
    padding: `${tokens.spacingVerticalM} ${tokens.spacingHorizontalM}`,
    borderRadius: tokens.borderRadiusMedium,
    border: `${tokens.strokeWidthThick} dashed ${tokens.colorPaletteDarkOrangeBorder2}`,
    minWidth: 0,
  },
  heading: { margin: 0, display: "flex", alignItems: "center", gap: tokens.spacingHorizontalS },
  list: {
    listStyleType: "none",
    margin: 0,
    padding: 0,
    display: "grid",
    gridTemplateColumns: "repeat(auto-fill, minmax(min(100%, 300px), 1fr))",
    gap: tokens.spacingHorizontalM,
  },
  admin: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXXS, alignItems: "flex-start" },
  quiet: { color: tokens.colorNeutralForeground2 },
});

/** Props of SandboxSignIn. */
export interface SandboxSignInProps {
  port: SandboxSignInPort;
  userCode: string;
}

/** The sandbox section (nothing in live mode). */
export function SandboxSignIn({ port, userCode }: SandboxSignInProps) {
  const styles = useStyles();
  const headingId = useId();
  const [admins, setAdmins] = useState<SandboxAdmin[] | "none" | undefined>(undefined);
  const [busy, setBusy] = useState<string | undefined>(undefined);
  const [outcome, setOutcome] = useState("");

  useEffect(() => {
    const controller = new AbortController();
    port.admins({ signal: controller.signal }).then(setAdmins, () => {
      // 404 in live mode (or any failure): no sandbox section; the real verification page is the way.
      if (!controller.signal.aborted) setAdmins("none");
    });
    return () => controller.abort();
  }, [port]);

  if (admins === "none" || (Array.isArray(admins) && admins.length === 0)) return null;

  const answer = async (admin: SandboxAdmin) => {
    if (busy) return;
    setBusy(admin.scenario);
    setOutcome("");
    try {
      await port.signIn({ userCode, scenario: admin.scenario });
      setOutcome(t.sandboxSent);
    } catch (error) {
      setOutcome(error instanceof ApiProblem ? `${t.sandboxFailed} ${error.detail}` : t.sandboxFailed);
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <section className={styles.box} aria-labelledby={headingId} data-testid="sandbox-sign-in">
      <Subtitle2 as="h3" id={headingId} className={styles.heading}>
        <BeakerRegular aria-hidden="true" />
        {t.sandboxTitle}
      </Subtitle2>
      <Body1>{t.sandboxBody}</Body1>
      {admins === undefined ? (
        <Spinner size="tiny" label={t.sandboxLoading} />
      ) : (
        <ul className={styles.list} aria-label={t.sandboxAdminsLabel}>
          {admins.map((admin) => (
            <li key={admin.scenario} className={styles.admin} data-scenario={admin.scenario}>
              <Text weight="semibold">{admin.label}</Text>
              <Caption1 id={`${headingId}-${admin.scenario}`} className={styles.quiet}>
                {admin.description}
              </Caption1>
              <Button
                size="small"
                aria-describedby={`${headingId}-${admin.scenario}`}
                icon={busy === admin.scenario ? <Spinner size="extra-tiny" /> : undefined}
                disabledFocusable={busy !== undefined}
                onClick={() => void answer(admin)}
              >
                {sandboxButtonLabel(admin)}
              </Button>
            </li>
          ))}
        </ul>
      )}
      <div role="status" aria-live="polite">
        {outcome}
      </div>
    </section>
  );
}

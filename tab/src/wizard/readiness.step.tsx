/**
 * Wizard step "Readiness", before Summary (docs/product.md section 10): POST /api/readiness with the credentials on
 * screen and the SBC sub-domain label, then each check with its remedy. It informs and never blocks Create; a
 * service from an invitation or an automatic registration has its credentials on the server, so it is checked from
 * the portal after Create instead.
 */
import type { ReadinessReport } from "@dr/contract";
import {
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
  Text,
  tokens,
} from "@fluentui/react-components";
import { useCallback, useEffect, useRef, useState } from "react";
import { ApiProblem } from "../api/api.client";
import { useApp } from "../app/app.context";
import { type CertificateInput, certificateMessage, credentialBody } from "../format/certificate-input";
import { readinessEn } from "./readiness.en";
import { ReadinessList } from "./readiness.list";
import { effectiveLabel } from "./subdomain-check";
import type { StepProps } from "./wizard.types";

const useStyles = makeStyles({
  step: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM, minWidth: 0 },
});

/** Props of the step. */
export interface ReadinessStepProps extends StepProps {
  secret: string;
  /** The certificate, when the draft chose one in place of the secret. */
  certificate: CertificateInput;
  /** False for credentials kept on the server (an invitation, an automatic registration). */
  typedCredentials: boolean;
}

/** The step (default export for React.lazy). */
export default function ReadinessStep({ draft, secret, certificate, typedCredentials }: ReadinessStepProps) {
  const styles = useStyles();
  const { api } = useApp();
  const [report, setReport] = useState<ReadinessReport | undefined>();
  const [problem, setProblem] = useState<ApiProblem | undefined>();
  const [running, setRunning] = useState(false);
  const controller = useRef<AbortController | undefined>(undefined);
  const label = effectiveLabel(draft);
  const kind = draft.credentialType;
  // A credential on screen: the secret typed, or a certificate of the right shape.
  const hasCredential = kind === "certificate" ? certificateMessage(certificate) === undefined : secret !== "";

  const check = useCallback(async () => {
    controller.current?.abort();
    const own = new AbortController();
    controller.current = own;
    setRunning(true);
    setProblem(undefined);
    setReport(undefined);
    try {
      const answer = await api.request<ReadinessReport>("POST", "/api/readiness", {
        body: {
          tenantId: draft.tenantId,
          clientId: draft.clientId,
          ...credentialBody(kind, secret, certificate),
          cloud: draft.cloud,
          subdomainLabel: label,
        },
        signal: own.signal,
      });
      if (!own.signal.aborted) setReport(answer);
    } catch (error) {
      if (!own.signal.aborted)
        setProblem(error instanceof ApiProblem ? error : new ApiProblem({ status: 0, code: "network" }));
    } finally {
      if (controller.current === own) setRunning(false);
    }
  }, [api, draft.tenantId, draft.clientId, draft.cloud, kind, secret, certificate, label]);

  useEffect(() => {
    if (typedCredentials && hasCredential) void check();
    return () => controller.current?.abort();
  }, [typedCredentials, hasCredential, check]);

  if (!typedCredentials || !hasCredential) {
    return (
      <MessageBar intent="info" layout="multiline">
        <MessageBarBody>{readinessEn.notForInvitation}</MessageBarBody>
      </MessageBar>
    );
  }
  return (
    <div className={styles.step}>
      <Text>{readinessEn.intro}</Text>
      {report?.sbcFqdn && <Text>{readinessEn.checkedFor(report.sbcFqdn)}</Text>}
      {problem && (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>{readinessEn.failed}</MessageBarTitle>
            {problem.detail}
          </MessageBarBody>
          <MessageBarActions>
            <Button onClick={() => void check()}>{readinessEn.retry}</Button>
          </MessageBarActions>
        </MessageBar>
      )}
      {report && (
        <MessageBar intent={report.ok ? "success" : "warning"} layout="multiline">
          <MessageBarBody>{report.ok ? readinessEn.ready : readinessEn.notReady}</MessageBarBody>
        </MessageBar>
      )}
      <div aria-live="polite">{running ? readinessEn.running : ""}</div>
      <ReadinessList report={report} running={running} />
      {report && !running && (
        <div>
          <Button onClick={() => void check()}>{readinessEn.retry}</Button>
        </div>
      )}
    </div>
  );
}

/**
 * The "Pending invitations" section of the services page: customer, e-mail, state (words and an icon), expiry, and
 * the tenant once completed. Operators may Resend (a new link, shown once) and Revoke (after a confirmation);
 * "Continue onboarding" opens the wizard with a completed invitation chosen. Its own chunk, loaded with the page.
 */
import type { Invitation, InvitationWithUrl } from "@dr/contract";
import {
  Button,
  Caption1,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  MessageBar,
  MessageBarBody,
  makeStyles,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  tokens,
} from "@fluentui/react-components";
import { ArrowRightRegular, DeleteRegular, SendRegular } from "@fluentui/react-icons";
import { useCallback, useEffect, useState } from "react";
import { ApiProblem } from "../api/api.client";
import { useApp, useCan } from "../app/app.context";
import { navigate, paths } from "../app/router";
import { RetryMessage } from "../components/retry-message";
import { canResend, canRevoke, dateTime, tenantLabel } from "./invitation.format";
import { InvitationLink } from "./invitation-link";
import { InvitationStatusBadge } from "./invitation-status";
import { invitationsEn as t } from "./invitations.en";

const useStyles = makeStyles({
  section: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS, minWidth: 0 },
  h2: { margin: 0, fontSize: tokens.fontSizeBase500, lineHeight: tokens.lineHeightBase500 },
  scroll: { overflowX: "auto", minWidth: 0 },
  actions: { display: "flex", flexWrap: "wrap", gap: tokens.spacingHorizontalXS },
  tenant: { overflowWrap: "anywhere" },
});

/** Props of the section. */
export interface PendingInvitationsProps {
  /** Bumped by the page when a new invitation was created, to load the list again. */
  reloadKey: number;
}

/** The section (default export for React.lazy). */
export default function PendingInvitations({ reloadKey }: PendingInvitationsProps) {
  const styles = useStyles();
  const { api } = useApp();
  const can = useCan();
  const [items, setItems] = useState<Invitation[] | undefined>(undefined);
  const [failed, setFailed] = useState<ApiProblem | undefined>(undefined);
  const [reload, setReload] = useState(0);
  const [resent, setResent] = useState<InvitationWithUrl | undefined>(undefined);
  const [revoking, setRevoking] = useState<Invitation | undefined>(undefined);
  const [busy, setBusy] = useState<string | undefined>(undefined);
  const [notice, setNotice] = useState<{ intent: "success" | "error"; text: string } | undefined>(undefined);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `reload` and `reloadKey` are the triggers
  useEffect(() => {
    const controller = new AbortController();
    setFailed(undefined);
    api.listInvitations(undefined, { signal: controller.signal }).then(
      (body) => setItems(body.items),
      (problem: ApiProblem) => {
        if (!controller.signal.aborted) setFailed(problem);
      },
    );
    return () => controller.abort();
  }, [api, reload, reloadKey]);

  const again = useCallback(() => setReload((n) => n + 1), []);

  const resend = async (i: Invitation) => {
    setBusy(i.id);
    setNotice(undefined);
    try {
      setResent(await api.resendInvitation(i.id));
      again();
    } catch (error) {
      setNotice({ intent: "error", text: error instanceof ApiProblem ? error.detail : String(error) });
    } finally {
      setBusy(undefined);
    }
  };

  const revoke = async (i: Invitation) => {
    setBusy(i.id);
    setNotice(undefined);
    try {
      await api.revokeInvitation(i.id);
      setNotice({ intent: "success", text: t.revoked });
      again();
    } catch (error) {
      setNotice({ intent: "error", text: error instanceof ApiProblem ? error.detail : String(error) });
    } finally {
      setBusy(undefined);
      setRevoking(undefined);
    }
  };

  const operate = can("operate");
  return (
    <section aria-labelledby="pending-invitations" className={styles.section}>
      <h2 id="pending-invitations" className={styles.h2}>
        {t.pendingTitle}
      </h2>
      {notice && (
        <MessageBar intent={notice.intent}>
          <MessageBarBody>{notice.text}</MessageBarBody>
        </MessageBar>
      )}
      {failed && (
        <RetryMessage onRetry={again}>
          {t.pendingFailed} {failed.detail}
        </RetryMessage>
      )}
      {!failed && items === undefined && <Spinner size="small" label={t.pendingLoading} />}
      {items?.length === 0 && <Caption1>{t.pendingEmpty}</Caption1>}
      {items !== undefined && items.length > 0 && (
        <div className={styles.scroll}>
          <Table aria-labelledby="pending-invitations" size="small">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>{t.colCustomer}</TableHeaderCell>
                <TableHeaderCell>{t.colEmail}</TableHeaderCell>
                <TableHeaderCell>{t.colState}</TableHeaderCell>
                <TableHeaderCell>{t.colExpires}</TableHeaderCell>
                <TableHeaderCell>{t.colTenant}</TableHeaderCell>
                <TableHeaderCell>{t.colActions}</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {items.map((i) => (
                <TableRow key={i.id} data-invitation={i.id}>
                  <TableCell>{i.customerName}</TableCell>
                  <TableCell>{i.email ?? "—"}</TableCell>
                  <TableCell>
                    <InvitationStatusBadge status={i.status} />
                  </TableCell>
                  <TableCell>{dateTime(i.expiresAt)}</TableCell>
                  <TableCell className={styles.tenant}>{tenantLabel(i.tenant) || "—"}</TableCell>
                  <TableCell>
                    <div className={styles.actions}>
                      {operate && i.status === "completed" && (
                        <Button
                          size="small"
                          appearance="primary"
                          icon={<ArrowRightRegular />}
                          aria-label={t.actionFor(t.continueOnboarding, i.customerName)}
                          onClick={() => navigate(paths.wizard(i.id))}
                        >
                          {t.continueOnboarding}
                        </Button>
                      )}
                      {operate && canResend(i.status) && (
                        <Button
                          size="small"
                          icon={<SendRegular />}
                          disabledFocusable={busy !== undefined}
                          aria-label={t.actionFor(t.resend, i.customerName)}
                          onClick={() => void resend(i)}
                        >
                          {t.resend}
                        </Button>
                      )}
                      {operate && canRevoke(i.status) && (
                        <Button
                          size="small"
                          icon={<DeleteRegular />}
                          disabledFocusable={busy !== undefined}
                          aria-label={t.actionFor(t.revoke, i.customerName)}
                          onClick={() => setRevoking(i)}
                        >
                          {t.revoke}
                        </Button>
                      )}
                    </div>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}

      <Dialog open={resent !== undefined} onOpenChange={(_, d) => !d.open && setResent(undefined)}>
        <DialogSurface aria-describedby={undefined}>
          <DialogBody>
            <DialogTitle>{t.resendTitle}</DialogTitle>
            <DialogContent>{resent && <InvitationLink invitation={resent} />}</DialogContent>
            <DialogActions>
              <Button appearance="primary" onClick={() => setResent(undefined)}>
                {t.close}
              </Button>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>

      <Dialog
        open={revoking !== undefined}
        modalType="alert"
        onOpenChange={(_, d) => !d.open && setRevoking(undefined)}
      >
        <DialogSurface>
          <DialogBody>
            <DialogTitle>{t.revokeTitle}</DialogTitle>
            <DialogContent>{revoking && t.revokeBody(revoking.customerName)}</DialogContent>
            <DialogActions>
              <Button
                appearance="primary"
                disabledFocusable={busy !== undefined}
                onClick={() => revoking && void revoke(revoking)}
              >
                {t.revokeConfirm}
              </Button>
              <Button onClick={() => setRevoking(undefined)}>{t.cancel}</Button>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
    </section>
  );
}

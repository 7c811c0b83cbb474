/**
 * "Invite the customer's admin" (Operator and Admin): customer (existing ones), the admin's e-mail (optional),
 * expiry in days (1 to 30, default 7) and a note. The fields follow the contract's schema; on create the dialog
 * shows the link once with Copy link and says whether the mail was sent. Its own chunk: the services page loads it
 * when the operator opens it.
 */
import {
  type CreateInvitationBody,
  type Customer,
  createInvitationSchema,
  INVITATION_DEFAULT_DAYS,
  type InvitationWithUrl,
} from "@dr/contract";
import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Dropdown,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  Option,
  Spinner,
  Textarea,
} from "@fluentui/react-components";
import { type FormEvent, useEffect, useId, useState } from "react";
import { ApiProblem } from "../api/api.client";
import { useApp } from "../app/app.context";
import { useSharedStyles } from "../components/shared.styles";
import { InvitationLink } from "./invitation-link";
import { invitationsEn as t } from "./invitations.en";

/** Props of the dialog. */
export interface InviteDialogProps {
  open: boolean;
  onClose(): void;
  /** A new invitation was created (the pending list reloads). */
  onCreated(): void;
}

/** The dialog (default export for React.lazy). */
export default function InviteDialog({ open, onClose, onCreated }: InviteDialogProps) {
  const shared = useSharedStyles();
  const { api } = useApp();
  const formId = useId();
  const [customers, setCustomers] = useState<Customer[] | undefined>(undefined);
  const [customerId, setCustomerId] = useState("");
  const [email, setEmail] = useState("");
  const [days, setDays] = useState(String(INVITATION_DEFAULT_DAYS));
  const [note, setNote] = useState("");
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | undefined>(undefined);
  const [created, setCreated] = useState<InvitationWithUrl | undefined>(undefined);

  useEffect(() => {
    if (!open) return;
    // A fresh form every time it opens; the link of the last one is gone.
    setCreated(undefined);
    setSubmitted(false);
    setProblem(undefined);
    setEmail("");
    setNote("");
    setDays(String(INVITATION_DEFAULT_DAYS));
    const controller = new AbortController();
    api.listCustomers({ signal: controller.signal }).then(
      (body) => setCustomers(body.items),
      () => {
        if (!controller.signal.aborted) setCustomers([]);
      },
    );
    return () => controller.abort();
  }, [api, open]);

  const body: CreateInvitationBody = {
    customerId,
    ...(email.trim() ? { email: email.trim() } : {}),
    expiresInDays: days.trim() === "" ? Number.NaN : Number(days),
    ...(note.trim() ? { note: note.trim() } : {}),
  };
  const parsed = createInvitationSchema.safeParse(body);
  const messageOf = (path: string): string | undefined => {
    const server = problem?.errors.find((e) => e.path === path)?.message;
    if (server) return server;
    if (!submitted || parsed.success) return undefined;
    const issue = parsed.error.issues.find((i) => i.path[0] === path);
    if (!issue) return undefined;
    return path === "customerId" ? t.customerRequired : issue.message;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setSubmitted(true);
    setProblem(undefined);
    if (!parsed.success) return;
    setBusy(true);
    try {
      const answer = await api.createInvitation(body);
      setCreated(answer);
      onCreated();
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem({ status: 0, code: "network" }));
    } finally {
      setBusy(false);
    }
  };

  const chosen = customers?.find((c) => c.id === customerId);
  return (
    <Dialog open={open} onOpenChange={(_, data) => !data.open && onClose()} modalType="modal">
      <DialogSurface aria-describedby={undefined}>
        <DialogBody>
          <DialogTitle>{t.dialogTitle}</DialogTitle>
          <DialogContent>
            {created ? (
              <InvitationLink invitation={created} />
            ) : (
              <form id={formId} className={shared.form} onSubmit={submit} noValidate>
                <p>{t.dialogIntro}</p>
                {customers?.length === 0 && (
                  <MessageBar intent="info">
                    <MessageBarBody>{t.noCustomers}</MessageBarBody>
                  </MessageBar>
                )}
                {problem && problem.errors.length === 0 && (
                  <MessageBar intent="error">
                    <MessageBarBody>{problem.detail}</MessageBarBody>
                  </MessageBar>
                )}
                <Field label={t.customer} required validationMessage={messageOf("customerId")}>
                  <Dropdown
                    placeholder={customers === undefined ? t.pendingLoading : t.customerPlaceholder}
                    value={chosen?.name ?? ""}
                    selectedOptions={customerId ? [customerId] : []}
                    onOptionSelect={(_, data) => setCustomerId(data.optionValue ?? "")}
                  >
                    {(customers ?? []).map((c) => (
                      <Option key={c.id} value={c.id}>
                        {c.name}
                      </Option>
                    ))}
                  </Dropdown>
                </Field>
                <Field label={t.email} hint={t.emailHint} validationMessage={messageOf("email")}>
                  <Input type="email" value={email} onChange={(_, d) => setEmail(d.value)} autoComplete="off" />
                </Field>
                <Field label={t.expires} hint={t.expiresHint} validationMessage={messageOf("expiresInDays")}>
                  <Input
                    type="number"
                    min={1}
                    max={30}
                    value={days}
                    onChange={(_, d) => setDays(d.value)}
                    inputMode="numeric"
                  />
                </Field>
                <Field label={t.note} validationMessage={messageOf("note")}>
                  <Textarea value={note} onChange={(_, d) => setNote(d.value)} resize="vertical" />
                </Field>
              </form>
            )}
          </DialogContent>
          <DialogActions>
            {created ? (
              <Button appearance="primary" onClick={onClose}>
                {t.close}
              </Button>
            ) : (
              <>
                <Button
                  appearance="primary"
                  type="submit"
                  form={formId}
                  disabledFocusable={busy}
                  icon={busy ? <Spinner size="tiny" /> : undefined}
                >
                  {busy ? t.creating : t.create}
                </Button>
                <Button onClick={onClose}>{t.cancel}</Button>
              </>
            )}
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

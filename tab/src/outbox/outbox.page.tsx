/**
 * The Outbox (route `/outbox`, sandbox mode only): the mails the built-in outbox kept instead of sending them
 * (GET /api/outbox), newest first, each with its recipient, subject, time and text, and the invitation link
 * clickable, so a new user can act as the customer's admin in the demo. A live server answers 404: the page says so.
 */
import type { OutboxMessage } from "@dr/contract";
import {
  Caption1,
  Link,
  MessageBar,
  MessageBarBody,
  makeStyles,
  Spinner,
  Text,
  tokens,
} from "@fluentui/react-components";
import { useCallback, useEffect, useState } from "react";
import type { ApiProblem } from "../api/api.client";
import { useApp } from "../app/app.context";
import { paths } from "../app/router";
import { AppLink } from "../components/app-link";
import { RetryMessage } from "../components/retry-message";
import { useSharedStyles } from "../components/shared.styles";
import { en } from "../i18n/en";
import { dateTime, inviteLinkIn } from "../invitations/invitation.format";
import { invitationsEn as t } from "../invitations/invitations.en";

const useStyles = makeStyles({
  page: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalL, minWidth: 0 },
  h1: { margin: 0, fontSize: tokens.fontSizeBase600, lineHeight: tokens.lineHeightBase600 },
  list: {
    listStyleType: "none",
    margin: 0,
    padding: 0,
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalM,
  },
  mail: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
  subject: { margin: 0, fontSize: tokens.fontSizeBase400, lineHeight: tokens.lineHeightBase400 },
  text: {
    whiteSpace: "pre-wrap",
    overflowWrap: "anywhere",
    margin: 0,
    fontFamily: tokens.fontFamilyBase,
    fontSize: tokens.fontSizeBase300,
  },
  link: { overflowWrap: "anywhere" },
});

/** The mail's text with its invitation link as a real link. */
function MailText({ text }: { text: string }) {
  const styles = useStyles();
  const url = inviteLinkIn(text);
  if (!url) return <pre className={styles.text}>{text}</pre>;
  const at = text.indexOf(url);
  return (
    <pre className={styles.text}>
      {text.slice(0, at)}
      <Link href={url} target="_blank" rel="noreferrer noopener" className={styles.link} aria-label={t.openLink(url)}>
        {url}
      </Link>
      {text.slice(at + url.length)}
    </pre>
  );
}

/** The page (default export for React.lazy). */
export default function OutboxPage() {
  const styles = useStyles();
  const shared = useSharedStyles();
  const { api, settings } = useApp();
  const [items, setItems] = useState<OutboxMessage[] | undefined>(undefined);
  const [problem, setProblem] = useState<ApiProblem | undefined>(undefined);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    document.title = `${t.outboxTitle} – ${en.app.productName}`;
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `reload` is the Retry trigger
  useEffect(() => {
    const controller = new AbortController();
    setProblem(undefined);
    api.listOutbox({ signal: controller.signal }).then(
      (body) => setItems([...body.items].sort((a, b) => b.at.localeCompare(a.at))),
      (error: ApiProblem) => {
        if (!controller.signal.aborted) setProblem(error);
      },
    );
    return () => controller.abort();
  }, [api, reload]);

  const retry = useCallback(() => setReload((n) => n + 1), []);
  const live = settings?.mode !== undefined && settings.mode !== "sandbox";

  return (
    <div className={styles.page}>
      <div>
        <AppLink href={paths.services()}>{en.app.backToServices}</AppLink>
      </div>
      <h1 className={styles.h1}>{t.outboxTitle}</h1>
      <Text>{t.outboxIntro}</Text>
      {(live || problem?.status === 404) && (
        <MessageBar intent="info">
          <MessageBarBody>{t.outboxLive}</MessageBarBody>
        </MessageBar>
      )}
      {problem && problem.status !== 404 && (
        <RetryMessage onRetry={retry}>
          {t.outboxFailed} {problem.detail}
        </RetryMessage>
      )}
      {!problem && items === undefined && <Spinner label={t.outboxLoading} />}
      {items?.length === 0 && <Caption1>{t.outboxEmpty}</Caption1>}
      {items !== undefined && items.length > 0 && (
        <ul className={styles.list} aria-label={t.outboxTitle}>
          {items.map((m) => (
            <li key={m.id} className={`${shared.surface} ${styles.mail}`}>
              <h2 className={styles.subject}>{m.subject}</h2>
              <Caption1>
                {t.to}: {m.to} · {t.sentAt}: {dateTime(m.at)}
              </Caption1>
              <MailText text={m.text} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

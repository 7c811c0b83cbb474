/**
 * The customer's invitation page (docs/product.md sections 8 and 9): who invites whom and until when, then a choice:
 * "Create it for me" (the admin signs in once with a code and the App registration is created; invite.provisioning.tsx)
 * or "I have the values" (the guide to creating the App registration, and the form that checks it). Both stay mounted
 * while the admin switches, so neither loses what it holds. An unknown, used, revoked or expired link (the API answers the
 * same 404 for each) gets one neutral page, the same in every case. Nothing here knows the provider's operators or
 * other customers: the page has the token from its address and the public facts the API gives for it.
 */
import type { InvitePublic } from "@dr/contract";
import {
  Body1,
  Button,
  Caption1,
  Link,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
  mergeClasses,
  Radio,
  RadioGroup,
  Spinner,
  Subtitle1,
  Text,
  Title2,
  tokens,
} from "@fluentui/react-components";
import { ArrowClockwiseRegular } from "@fluentui/react-icons";
import { lazy, type ReactNode, Suspense, useCallback, useEffect, useState } from "react";
import { useSharedStyles } from "../components/shared.styles";
import { runProblemText } from "../components/use-validation-run.hook";
import { en } from "../i18n/en";
import { type InviteLoad, loadInvite } from "./invite.api";
import { InviteForm } from "./invite.form";

/** "Create it for me": its own chunk (the run view, the sandbox sign-in), fetched once the invitation shows. */
const loadProvisioning = () => import("./invite.provisioning");
const InviteProvisioning = lazy(loadProvisioning);

import { inviteTexts as t } from "./invite.texts";
import { InviteGuide } from "./invite-guide";

const useStyles = makeStyles({
  page: {
    boxSizing: "border-box",
    minHeight: "100vh",
    backgroundColor: tokens.colorNeutralBackground2,
    color: tokens.colorNeutralForeground1,
    padding: `${tokens.spacingVerticalXXL} ${tokens.spacingHorizontalM}`,
  },
  main: {
    boxSizing: "border-box",
    maxWidth: "760px",
    margin: "0 auto",
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalXL,
    minWidth: 0,
  },
  heading: { margin: 0 },
  section: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM, minWidth: 0 },
  facts: {
    margin: 0,
    display: "grid",
    gridTemplateColumns: "max-content minmax(0, 1fr)",
    columnGap: tokens.spacingHorizontalM,
    rowGap: tokens.spacingVerticalXS,
    overflowWrap: "anywhere",
  },
  term: { color: tokens.colorNeutralForeground3 },
  choiceLabel: { display: "flex", flexDirection: "column" },
  choiceHint: { color: tokens.colorNeutralForeground2 },
  /** The way not chosen stays mounted (it keeps a started run or typed values) but is not shown. */
  away: { display: "none" },
  value: { margin: 0 },
});

/** The expiry as the reader's locale writes it (date and time, with the time zone). */
function formatExpiry(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(undefined, { dateStyle: "long", timeStyle: "short" }).format(date);
}

/** The page for one token (undefined: the address has none, which is the neutral page too). */
export function InvitePage({ token }: { token: string | undefined }) {
  const styles = useStyles();
  const [load, setLoad] = useState<InviteLoad | undefined>(token ? undefined : { kind: "gone" });
  const [attempt, setAttempt] = useState(0);
  const [valid, setValid] = useState(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is the Reload button's trigger.
  useEffect(() => {
    if (!token) return;
    const controller = new AbortController();
    setLoad(undefined);
    void loadInvite(token, controller.signal).then((result) => {
      if (!controller.signal.aborted) setLoad(result);
    });
    return () => controller.abort();
  }, [token, attempt]);

  const onGone = useCallback(() => setLoad({ kind: "gone" }), []);
  const onValid = useCallback(() => setValid(true), []);

  useEffect(() => {
    document.title = load?.kind === "gone" ? t.goneTitle : t.documentTitle;
  }, [load?.kind]);

  let content: ReactNode;
  if (load === undefined) content = <Spinner label={t.loading} />;
  else if (load.kind === "gone") content = <Gone />;
  else if (load.kind === "failed")
    content = (
      <MessageBar intent="error" layout="multiline">
        <MessageBarBody>
          <MessageBarTitle>{t.loadFailedTitle}</MessageBarTitle>
          {runProblemText(load.problem, en.errors)}
        </MessageBarBody>
        <MessageBarActions>
          <Button icon={<ArrowClockwiseRegular />} onClick={() => setAttempt((n) => n + 1)}>
            {t.reload}
          </Button>
        </MessageBarActions>
      </MessageBar>
    );
  else
    content = <Invitation invite={load.invite} token={token ?? ""} valid={valid} onGone={onGone} onValid={onValid} />;

  return (
    <div className={styles.page}>
      <main className={styles.main}>{content}</main>
    </div>
  );
}

/** The one page for every link that does not work (unknown, used, revoked, expired, malformed). */
function Gone() {
  const styles = useStyles();
  return (
    <section className={styles.section} aria-labelledby="invite-gone">
      <Title2 as="h1" id="invite-gone" className={styles.heading}>
        {t.goneTitle}
      </Title2>
      <Body1>{t.goneBody}</Body1>
    </section>
  );
}

/** A working invitation. */
function Invitation(props: { invite: InvitePublic; token: string; valid: boolean; onGone(): void; onValid(): void }) {
  const { invite, token, valid } = props;
  const styles = useStyles();
  const shared = useSharedStyles();
  // "I have the values" first, as the page always offered; "Create it for me" is one click away.
  const [way, setWay] = useState<"create" | "values">("values");
  // Mounted from the first choice of "Create it for me" on, so switching back and forth keeps a started run.
  const [createChosen, setCreateChosen] = useState(false);
  useEffect(() => {
    void loadProvisioning().catch(() => undefined); // a failure shows when it is chosen (the page's boundary)
  }, []);
  const choice = (title: string, hint: string) => (
    <span className={styles.choiceLabel}>
      <Text weight="semibold">{title}</Text>
      <Caption1 className={styles.choiceHint}>{hint}</Caption1>
    </span>
  );
  return (
    <>
      <header className={styles.section}>
        <Title2 as="h1" className={styles.heading}>
          {t.title(invite.providerName)}
        </Title2>
        <dl className={styles.facts}>
          <dt className={styles.term}>
            <Caption1>{t.invitedBy}</Caption1>
          </dt>
          <dd className={styles.value}>
            <Text weight="semibold">{invite.providerName}</Text>
          </dd>
          <dt className={styles.term}>
            <Caption1>{t.customer}</Caption1>
          </dt>
          <dd className={styles.value}>
            <Text weight="semibold">{invite.customerName}</Text>
          </dd>
          <dt className={styles.term}>
            <Caption1>{t.expires}</Caption1>
          </dt>
          <dd className={styles.value}>
            <Text>
              <time dateTime={invite.expiresAt}>{formatExpiry(invite.expiresAt)}</time>
            </Text>
          </dd>
        </dl>
        {!valid && <Body1>{t.intro(invite.providerName)}</Body1>}
      </header>
      {!valid && (
        <section aria-labelledby="invite-choice" className={`${styles.section} ${shared.surface}`}>
          <Subtitle1 as="h2" id="invite-choice" className={styles.heading}>
            {t.choiceTitle}
          </Subtitle1>
          <RadioGroup
            aria-labelledby="invite-choice"
            value={way}
            onChange={(_, data) => {
              const create = data.value === "create";
              if (create) setCreateChosen(true);
              setWay(create ? "create" : "values");
            }}
          >
            <Radio value="create" label={choice(t.createForMe, t.createForMeHint)} />
            <Radio value="values" label={choice(t.haveValues, t.haveValuesHint)} />
          </RadioGroup>
        </section>
      )}
      {createChosen && (
        <div
          className={mergeClasses(styles.section, shared.surface, way !== "create" && styles.away)}
          hidden={way !== "create"}
        >
          <Suspense fallback={<Spinner label={t.createLoading} />}>
            <InviteProvisioning
              token={token}
              providerName={invite.providerName}
              onGone={props.onGone}
              onValid={props.onValid}
            />
          </Suspense>
        </div>
      )}
      {!valid && way === "values" && (
        <section aria-labelledby="invite-guide" className={`${styles.section} ${shared.surface}`}>
          <Subtitle1 as="h2" id="invite-guide" className={styles.heading}>
            {t.guideTitle}
          </Subtitle1>
          <InviteGuide cloud={invite.cloud} />
        </section>
      )}
      <div
        className={mergeClasses(styles.section, shared.surface, way !== "values" && styles.away)}
        hidden={way !== "values"}
      >
        <InviteForm
          token={token}
          cloud={invite.cloud}
          providerName={invite.providerName}
          onGone={props.onGone}
          onValid={props.onValid}
        />
      </div>
      {invite.providerSupportEmail && (
        <footer>
          <Body1>
            {t.support} <Link href={`mailto:${invite.providerSupportEmail}`}>{invite.providerSupportEmail}</Link>
          </Body1>
        </footer>
      )}
    </>
  );
}

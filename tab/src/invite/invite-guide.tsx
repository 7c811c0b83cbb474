/**
 * The step-by-step guide to creating the App registration in the customer's tenant (texts in invite.texts.ts).
 * The admin-consent link itself is under the fields (invite.form.tsx), where the values are typed.
 */
import type { Cloud } from "@dr/contract";
import { Body1, Link, makeStyles, Subtitle2, tokens } from "@fluentui/react-components";
import type { ReactNode } from "react";
import { REGISTRATION_PORTALS } from "./consent-link";
import { inviteTexts as t } from "./invite.texts";

const useStyles = makeStyles({
  steps: {
    margin: 0,
    paddingLeft: tokens.spacingHorizontalXL,
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalL,
  },
  // The list item keeps its number; its content stacks inside.
  step: { overflowWrap: "anywhere" },
  stepBody: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXS },
  heading: { margin: 0 },
  permissions: {
    margin: 0,
    paddingLeft: tokens.spacingHorizontalXL,
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase300,
    lineHeight: tokens.lineHeightBase300,
    color: tokens.colorNeutralForeground1,
  },
  hint: { color: tokens.colorNeutralForeground3 },
});

/** One numbered step: its heading and what to do. */
function Step({ title, children }: { title: string; children: ReactNode }) {
  const styles = useStyles();
  return (
    <li className={styles.step}>
      <div className={styles.stepBody}>
        <Subtitle2 as="h3" className={styles.heading}>
          {title}
        </Subtitle2>
        {children}
      </div>
    </li>
  );
}

/** Props of InviteGuide. */
export interface InviteGuideProps {
  cloud: Cloud;
}

/** The guide. */
export function InviteGuide({ cloud }: InviteGuideProps) {
  const styles = useStyles();
  const s = t.steps;
  return (
    <>
      <Body1>
        {t.guideIntro}{" "}
        <Link href={REGISTRATION_PORTALS[cloud]} target="_blank" rel="noreferrer">
          {cloud === "global" ? t.portalLink : t.portalLinkNational}
        </Link>
      </Body1>
      <ol className={styles.steps}>
        <Step title={s.register.title}>
          <Body1>{s.register.body}</Body1>
          <Body1>{s.register.copy}</Body1>
        </Step>
        <Step title={s.permissions.title}>
          <Body1>{s.permissions.body}</Body1>
          <ul className={styles.permissions} aria-label={s.permissions.title}>
            {s.permissions.list.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </Step>
        <Step title={s.consent.title}>
          <Body1>{s.consent.body}</Body1>
          <Body1 className={styles.hint}>{s.consent.linkHint}</Body1>
        </Step>
        <Step title={s.role.title}>
          <Body1>{s.role.body}</Body1>
        </Step>
        <Step title={s.secret.title}>
          <Body1>{s.secret.body}</Body1>
          <Body1>{s.secret.lifetime}</Body1>
          <Body1>
            <strong>{s.secret.value}</strong>
          </Body1>
          <Body1>{s.secret.certificate}</Body1>
        </Step>
      </ol>
    </>
  );
}

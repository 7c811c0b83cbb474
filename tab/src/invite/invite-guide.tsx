/**
 * The step-by-step guide to creating the App registration in the customer's tenant (texts in invite.texts.ts).
 * The admin-consent link itself is under the fields (invite.form.tsx), where the values are typed.
 */
import type { Cloud } from "@dr/contract";
import { Body1, Link, makeStyles, Subtitle2, tokens } from "@fluentui/react-components";
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
  step: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXS, overflowWrap: "anywhere" },
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
        <li className={styles.step}>
          <Subtitle2 as="h3" className={styles.heading}>
            {s.register.title}
          </Subtitle2>
          <Body1>{s.register.body}</Body1>
          <Body1>{s.register.copy}</Body1>
        </li>
        <li className={styles.step}>
          <Subtitle2 as="h3" className={styles.heading}>
            {s.permissions.title}
          </Subtitle2>
          <Body1>{s.permissions.body}</Body1>
          <ul className={styles.permissions} aria-label={s.permissions.title}>
            {s.permissions.list.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </li>
        <li className={styles.step}>
          <Subtitle2 as="h3" className={styles.heading}>
            {s.consent.title}
          </Subtitle2>
          <Body1>{s.consent.body}</Body1>
          <Body1 className={styles.hint}>{s.consent.linkHint}</Body1>
        </li>
        <li className={styles.step}>
          <Subtitle2 as="h3" className={styles.heading}>
            {s.role.title}
          </Subtitle2>
          <Body1>{s.role.body}</Body1>
        </li>
        <li className={styles.step}>
          <Subtitle2 as="h3" className={styles.heading}>
            {s.secret.title}
          </Subtitle2>
          <Body1>{s.secret.body}</Body1>
          <Body1>{s.secret.lifetime}</Body1>
          <Body1>
            <strong>{s.secret.value}</strong>
          </Body1>
        </li>
      </ol>
    </>
  );
}

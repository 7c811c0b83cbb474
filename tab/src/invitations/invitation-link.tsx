/**
 * The link of a created (or resent) invitation, shown this once with Copy link, and whether the mail went out
 * (emailSent / emailError). The link is a bearer token: it is never stored by the tab and never shown again.
 */
import type { InvitationWithUrl } from "@dr/contract";
import { Button, Field, Input, MessageBar, MessageBarBody, makeStyles, tokens } from "@fluentui/react-components";
import { CopyRegular } from "@fluentui/react-icons";
import { useState } from "react";
import { useSharedStyles } from "../components/shared.styles";
import { copyText } from "./copy-text";
import { invitationsEn as t } from "./invitations.en";

const useStyles = makeStyles({
  row: { display: "flex", gap: tokens.spacingHorizontalS, alignItems: "end", flexWrap: "wrap" },
  link: { flexGrow: 1, minWidth: "min(100%, 260px)", fontFamily: tokens.fontFamilyMonospace },
});

/** The link and the mail's outcome. */
export function InvitationLink({ invitation }: { invitation: InvitationWithUrl }) {
  const styles = useStyles();
  const shared = useSharedStyles();
  const [announcement, setAnnouncement] = useState("");
  const i = invitation;
  return (
    <div className={shared.form}>
      <MessageBar intent="warning" layout="multiline">
        <MessageBarBody>{t.linkOnce}</MessageBarBody>
      </MessageBar>
      <div className={styles.row}>
        <Field label={t.linkTitle} className={styles.link}>
          <Input
            readOnly
            value={i.url}
            data-testid="invitation-url"
            onFocus={(event) => event.currentTarget.select()}
            input={{ className: styles.link }}
          />
        </Field>
        <Button
          icon={<CopyRegular />}
          onClick={() => void copyText(i.url).then((ok) => setAnnouncement(ok ? t.copied : t.copyFailed))}
        >
          {t.copyLink}
        </Button>
      </div>
      <MessageBar intent={!i.email ? "info" : i.emailSent ? "success" : "warning"} layout="multiline">
        <MessageBarBody data-testid="invitation-mail">
          {!i.email ? t.noAddress : i.emailSent ? t.mailed(i.email) : t.notMailed(i.email, i.emailError)}
        </MessageBarBody>
      </MessageBar>
      <div aria-live="polite" role="status">
        {announcement}
      </div>
    </div>
  );
}

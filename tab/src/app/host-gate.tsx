/**
 * The pages shown instead of the app when it cannot run where it was opened:
 * - `teams-unanswered`: framed (so meant for Teams) but Teams did not start the tab in time; Reload tries again.
 * - `open-in-teams`: a plain browser on a server that signs operators in through Teams only (AUTH_MODE=entra);
 *   every API call would answer 401, so no page of the app is offered, only the way into Teams.
 * And `HostWaiting`, the spinner a framed page shows while Teams is slow to answer.
 */
import { Button, makeStyles, Spinner, tokens } from "@fluentui/react-components";
import { shell as en } from "../i18n/en.shell";
import { type HostGateKind, openInTeamsUrl, teamsAppIdFrom } from "./host-gate.rules";

const useStyles = makeStyles({
  gate: {
    maxWidth: "640px",
    margin: "0 auto",
    padding: `${tokens.spacingVerticalXXXL} ${tokens.spacingHorizontalXL}`,
    display: "flex",
    flexDirection: "column",
    alignItems: "flex-start",
    gap: tokens.spacingVerticalM,
    boxSizing: "border-box",
  },
  heading: { margin: 0, fontSize: tokens.fontSizeBase600, lineHeight: tokens.lineHeightBase600 },
  text: { margin: 0 },
});

/** Props of HostGate. */
export interface HostGateProps {
  kind: HostGateKind;
  /** The page's query string, which may carry `teamsAppId` (tests pass their own). */
  search?: string;
}

/** The explanation page, in a `<main>` landmark like every page of the app. */
export function HostGate({ kind, search = window.location.search }: HostGateProps) {
  const styles = useStyles();
  if (kind === "teams-unanswered") {
    return (
      <main className={styles.gate}>
        <h1 className={styles.heading}>{en.host.unansweredTitle}</h1>
        <p className={styles.text}>{en.host.unansweredBody}</p>
        <Button appearance="primary" onClick={() => window.location.reload()}>
          {en.host.reload}
        </Button>
      </main>
    );
  }
  const appId = teamsAppIdFrom(search);
  return (
    <main className={styles.gate}>
      <h1 className={styles.heading}>{en.host.openInTeamsTitle}</h1>
      <p className={styles.text}>{en.host.openInTeamsBody}</p>
      <Button as="a" appearance="primary" href={openInTeamsUrl(appId)}>
        {appId ? en.host.openInTeamsLink : en.host.openTeamsLink}
      </Button>
      <p className={styles.text}>{en.host.openInTeamsHelp}</p>
    </main>
  );
}

/** What a framed page shows while Teams takes its time to answer. */
export function HostWaiting() {
  const styles = useStyles();
  return (
    <main className={styles.gate}>
      <Spinner label={en.host.waiting} />
    </main>
  );
}

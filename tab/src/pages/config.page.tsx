/**
 * The configuration page of the team tab (manifest `configurableTabs[0].configurationUrl`): it enables Teams' Save
 * button and saves the services page as the tab's content (docs/teams.md section 2, pages.config).
 */
import { Body1, makeStyles, tokens } from "@fluentui/react-components";
import { useEffect, useState } from "react";
import { useApp } from "../app/app.context";
import { browserUrl } from "../app/host-gate.rules";
import { en } from "../i18n/en";

const useStyles = makeStyles({
  page: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
});

/** The team tab's settings page. */
export default function ConfigPage() {
  const styles = useStyles();
  const { host, hostContext } = useApp();
  const [ready, setReady] = useState<boolean | undefined>(undefined);

  useEffect(() => {
    const origin = window.location.origin;
    void host
      .enableTabConfiguration({
        entityId: "dr-services",
        contentUrl: `${origin}/?inTeams=true`,
        // Opened outside Teams, the tab says to open it in Teams and links the app by this id (host-gate.tsx).
        websiteUrl: browserUrl(origin, hostContext.appId),
        suggestedDisplayName: en.config.tabName,
      })
      .then(setReady, () => setReady(false));
  }, [host, hostContext.appId]);

  return (
    <div className={styles.page}>
      <h1>{en.config.title}</h1>
      <Body1>{ready === false ? en.config.outsideTeams : en.config.body}</Body1>
    </div>
  );
}

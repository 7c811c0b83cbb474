/** The bundle benchmark's baseline: React, one FluentProvider and one Button, built by the tab's Vite setup. */
import { Button, FluentProvider, teamsLightTheme } from "@fluentui/react-components";
import { createRoot } from "react-dom/client";

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <FluentProvider theme={teamsLightTheme}>
      <Button appearance="primary">Baseline</Button>
    </FluentProvider>,
  );
}

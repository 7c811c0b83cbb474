/**
 * Small style pieces used across pages. Fluent v9 has no visually-hidden utility, so it lives here.
 */
import { makeStyles, tokens } from "@fluentui/react-components";

/** Shared classes. */
export const useSharedStyles = makeStyles({
  /** Hidden on screen, read by screen readers. */
  visuallyHidden: {
    position: "absolute",
    width: "1px",
    height: "1px",
    margin: "-1px",
    padding: "0",
    overflow: "hidden",
    clip: "rect(0, 0, 0, 0)",
    whiteSpace: "nowrap",
    border: "0",
  },
  /** A vertical stack of form fields. */
  form: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalL,
    maxWidth: "560px",
  },
  /** A row of buttons that wraps on narrow screens. */
  actions: {
    display: "flex",
    flexWrap: "wrap",
    gap: tokens.spacingHorizontalS,
    alignItems: "center",
  },
  /** A raised surface for grouped content. */
  surface: {
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusLarge,
    boxShadow: tokens.shadow4,
    padding: `${tokens.spacingVerticalL} ${tokens.spacingHorizontalL}`,
    minWidth: 0,
  },
  /** A wide table's own horizontal scroller, so the page itself never scrolls sideways at 320 px. */
  tableScroller: {
    overflowX: "auto",
    maxWidth: "100%",
  },
  /** Label/value pairs that stack on narrow screens. */
  facts: {
    display: "grid",
    gridTemplateColumns: "minmax(140px, max-content) 1fr",
    columnGap: tokens.spacingHorizontalL,
    rowGap: tokens.spacingVerticalS,
    margin: 0,
    "@media (max-width: 480px)": { gridTemplateColumns: "1fr", rowGap: tokens.spacingVerticalXXS },
    "& dt": { color: tokens.colorNeutralForeground2, fontWeight: tokens.fontWeightSemibold },
    "& dd": {
      margin: 0,
      overflowWrap: "anywhere",
      "@media (max-width: 480px)": { marginBottom: tokens.spacingVerticalS },
    },
  },
});

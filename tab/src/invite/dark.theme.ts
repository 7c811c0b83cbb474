/** Fluent's web dark theme, in its own chunk: only readers whose browser prefers dark load it. */
export { webDarkTheme as theme } from "@fluentui/react-components";

/** Teams dark theme, in its own chunk: most users never need it, so the first load does not carry it. */
export { teamsDarkTheme as theme } from "@fluentui/react-components";

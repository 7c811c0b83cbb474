/** Teams high-contrast theme, in its own chunk: loaded only when Teams (or `?theme=contrast`) asks for it. */
export { teamsHighContrastTheme as theme } from "@fluentui/react-components";

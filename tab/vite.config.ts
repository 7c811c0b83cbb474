/**
 * Vite build of the Teams tab. The output in tab/dist is served at `/` by the one server (api/src/http/static.routes.ts).
 * `@dr/contract` is an npm workspace: it resolves through node_modules like any package, so no alias is needed.
 */
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";
import { griffelAot } from "./tools/griffel-aot.plugin.ts";

/** Where the API listens during `vite dev` (the dev server proxies /api there so the tab stays same-origin). */
const apiTarget = "http://127.0.0.1:3978";

/** The build and dev-server settings. */
export default defineConfig({
  // Styles are compiled at build time (only the tab's own sources: Fluent's packages ship precompiled).
  plugins: [griffelAot({ include: /\/tab\/src\/.*\.tsx?$/ }), react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // No sourcemaps in the shipped build: the server would serve them to anyone.
    sourcemap: false,
    target: "es2022",
  },
  server: { proxy: { "/api": { target: apiTarget, changeOrigin: false } } },
  preview: { proxy: { "/api": { target: apiTarget, changeOrigin: false } } },
});

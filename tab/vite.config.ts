/**
 * Vite build of the Teams tab and of the customer's invitation page, two pages of one build: index.html (the tab)
 * and invite.html (src/invite/, served at /invite/{token}). They share the asset folder and common chunks (React,
 * Fluent), and each page loads only what it imports. The output in tab/dist is served at `/` by the one server
 * (api/src/http/static.routes.ts).
 * `@dr/contract` is an npm workspace: it resolves through node_modules like any package, so no alias is needed.
 */

import { fileURLToPath } from "node:url";
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
    rollupOptions: {
      input: {
        index: fileURLToPath(new URL("./index.html", import.meta.url)),
        invite: fileURLToPath(new URL("./invite.html", import.meta.url)),
      },
    },
  },
  server: { proxy: { "/api": { target: apiTarget, changeOrigin: false } } },
  preview: { proxy: { "/api": { target: apiTarget, changeOrigin: false } } },
});

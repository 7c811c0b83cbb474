/**
 * Build-time compilation of Griffel `makeStyles({...})` calls, as Fluent UI ships its own components: the style
 * object is resolved to class names and CSS rules at build time and the call becomes `__styles(classes, rules)`.
 * Without it every chunk carries Griffel's runtime compiler (stylis, rtl-css-js: about 8 kB gzip) and each style
 * is compiled again in every browser. The official tool is @griffel/babel-preset; this project has no Babel
 * pipeline (plugin-react 6 uses Oxc), so this small transform covers what the tab writes: style objects built from
 * literals, template strings and `tokens.*`. Anything else (another identifier in the object) is left to the
 * runtime `makeStyles`, with a warning, so the build stays correct.
 */

import { tokens } from "@fluentui/tokens";
import { type GriffelStyle, resolveStyleRulesForSlots } from "@griffel/core";
import type { Plugin } from "vite";

const CALL = "makeStyles(";
const RUNTIME_IMPORT = `import { __styles as __griffelStyles } from "@fluentui/react-components";\n`;

/** Index just past the `)` closing the call whose `(` is at `open`, skipping strings, templates and comments. */
function closingParen(code: string, open: number): number {
  let depth = 0;
  const templates: number[] = []; // brace depth at which each open template's `${` started
  let i = open;
  while (i < code.length) {
    const ch = code[i];
    if (ch === "/" && code[i + 1] === "/") {
      i = code.indexOf("\n", i);
      if (i === -1) return -1;
      continue;
    }
    if (ch === "/" && code[i + 1] === "*") {
      i = code.indexOf("*/", i) + 2;
      if (i === 1) return -1;
      continue;
    }
    if (ch === '"' || ch === "'") {
      i++;
      while (i < code.length && code[i] !== ch) i += code[i] === "\\" ? 2 : 1;
      i++;
      continue;
    }
    if (ch === "`" || (ch === "}" && templates.length > 0 && templates[templates.length - 1] === depth)) {
      // Inside template text until the closing backtick or the next `${`.
      if (ch === "}") templates.pop();
      i++;
      while (i < code.length && code[i] !== "`" && !(code[i] === "$" && code[i + 1] === "{")) {
        i += code[i] === "\\" ? 2 : 1;
      }
      if (code[i] === "$") {
        templates.push(depth);
        i += 2;
      } else i++;
      continue;
    }
    if (ch === "(" || ch === "{" || ch === "[") depth++;
    else if (ch === ")" || ch === "}" || ch === "]") {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return -1;
}

/** The Vite plugin (build only; `vite dev` keeps the runtime makeStyles for fast refresh). */
export function griffelAot(options: { include: RegExp }): Plugin {
  return {
    name: "dr-griffel-aot",
    apply: "build",
    enforce: "pre",
    transform(code, id) {
      if (!options.include.test(id) || !code.includes(CALL)) return null;
      let out = "";
      let last = 0;
      let changed = false;
      let from = code.indexOf(CALL);
      while (from !== -1) {
        const open = from + CALL.length - 1;
        const end = closingParen(code, open);
        if (end === -1) break;
        const arg = code.slice(open + 1, end - 1);
        try {
          const styles = new Function("tokens", `return (${arg});`)(tokens) as Record<string, GriffelStyle>;
          const [classes, rules] = resolveStyleRulesForSlots(styles);
          out += `${code.slice(last, from)}__griffelStyles(${JSON.stringify(classes)}, ${JSON.stringify(rules)})`;
          last = end;
          changed = true;
        } catch (error) {
          this.warn(`makeStyles in ${id} left to the runtime: ${(error as Error).message}`);
        }
        from = code.indexOf(CALL, end);
      }
      if (!changed) return null;
      return { code: RUNTIME_IMPORT + out + code.slice(last), map: null };
    },
  };
}

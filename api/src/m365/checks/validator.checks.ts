/**
 * The validator's checks in the order they are shown (docs/product.md section 3). Adding a check is one file under
 * checks/ and one line here; the runner works out from each check's `after` when it starts and when it is skipped.
 */
import type { ValidatorCheck } from "./check.types.js";
import { formatCheck } from "./format.check.js";
import { graphCheck } from "./graph.check.js";
import { permissionsCheck } from "./permissions.check.js";
import { secretExpiryCheck } from "./secret-expiry.check.js";
import { tenantCheck } from "./tenant.check.js";
import { tokenCheck } from "./token.check.js";

export const VALIDATOR_CHECKS: readonly ValidatorCheck[] = [
  formatCheck,
  tenantCheck,
  tokenCheck,
  permissionsCheck,
  graphCheck,
  secretExpiryCheck,
];

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../../src/ports/store.js";
import { describeApprovalStoreContract } from "./approval-store-contract.js";
import { describeAuditStoreContract } from "./audit-store-contract.js";
import { describeOperatorStoreContract } from "./operator-store-contract.js";
import { describeRejectionStoreContract } from "./rejection-store-contract.js";
import { describeForwardingContract } from "./store-contract-forwarding.js";
import { describeInstancesContract } from "./store-contract-instances.js";
import { describeIntakeContract } from "./store-contract-intake.js";
import { describeRetentionContract } from "./store-contract-retention.js";
import { describeTaskActivityContract } from "./store-contract-task-activity.js";
import { describeWaitsContract } from "./store-contract-waits.js";
import { describeWebhooksContract } from "./store-contract-webhooks.js";
import type { StoreHarness } from "./store-fixtures.js";

export type { StoreHarness } from "./store-fixtures.js";
export { aDelivery, aWait } from "./store-fixtures.js";

/**
 * The one contract every Store must meet, run against each dialect and runtime (SQLite on disk,
 * PostgreSQL, D1 inside workerd). A store that passes can replace any other. Each area's cases
 * live in their own file; this entry point runs them all against a fresh store per case.
 */
export function describeStoreContract(
  name: string,
  open: () => Promise<StoreHarness>,
  options: { auditLinksOnWrite?: boolean } = {},
): void {
  describeApprovalStoreContract(name, open);
  describeOperatorStoreContract(name, open);
  describeAuditStoreContract(name, open, { linksOnWrite: options.auditLinksOnWrite ?? false });
  describeRejectionStoreContract(name, open);
  describe(`Store contract: ${name}`, () => {
    let h: StoreHarness;
    let store: Store;
    beforeEach(async () => {
      h = await open();
      store = h.store;
    });
    afterEach(async () => {
      await h.cleanup();
    });
    const current = () => store;

    describeWaitsContract(current);
    describeIntakeContract(current);
    describeForwardingContract(current);
    describeInstancesContract(current);
    describeWebhooksContract(current);
    describeTaskActivityContract(current);
    describeRetentionContract(current);

    it("answers ping", async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}

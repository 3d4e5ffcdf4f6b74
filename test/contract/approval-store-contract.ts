import { afterEach, beforeEach, describe } from "vitest";
import type { Store } from "../../src/ports/store.js";
import { approvalMailCases } from "./approval-store-contract-mails.js";
import { approvalRecordCases } from "./approval-store-contract-records.js";
import { approvalStepCases } from "./approval-store-contract-steps.js";
import type { StoreHarness } from "./store-fixtures.js";

/** The approval half of the store contract: the same cases for every dialect and runtime. */
export function describeApprovalStoreContract(name: string, open: () => Promise<StoreHarness>): void {
  describe(`Approval store contract: ${name}`, () => {
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

    approvalRecordCases(current);
    approvalStepCases(current);
    approvalMailCases(current);
  });
}

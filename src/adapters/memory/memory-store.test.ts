import { describeStoreContract } from "../../../test/contract/store-contract.js";
import { MemoryStore } from "./memory-store.js";

describeStoreContract("memory", async () => {
  const store = new MemoryStore();
  return { store, cleanup: () => store.close() };
});

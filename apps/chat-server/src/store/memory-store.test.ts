import { describeMessageStoreContract } from "../test-support/message-store-contract.js";
import { createMemoryStore } from "./memory-store.js";

describeMessageStoreContract("createMemoryStore", {
  createStorage: () => createMemoryStore,
  persistent: false,
});

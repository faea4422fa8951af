import { expect, it } from "vitest";
import { historyStart } from "./interactive-chat.js";

it.each([
  { stats: { messageCount: 0n, lastId: 0n }, replayAfterId: 0n, removedThrough: 0n },
  { stats: { messageCount: 5n, lastId: 5n }, replayAfterId: 0n, removedThrough: 0n },
  { stats: { messageCount: 25n, lastId: 25n }, replayAfterId: 5n, removedThrough: 0n },
  { stats: { messageCount: 25n }, replayAfterId: 5n, removedThrough: 0n },
  { stats: { messageCount: 100n, lastId: 1000n }, replayAfterId: 980n, removedThrough: 900n },
  { stats: { messageCount: 8n, lastId: 25n }, replayAfterId: 17n, removedThrough: 17n },
  { stats: { messageCount: 0n, lastId: 25n }, replayAfterId: 25n, removedThrough: 25n },
])(
  "history after $stats starts after #$replayAfterId",
  ({ stats, replayAfterId, removedThrough }) => {
    expect(historyStart(stats)).toEqual({ replayAfterId, removedThrough });
  },
);

import { describe, expect, it } from "vitest";
import type { AppendInput, AppendResult } from "../message-store.js";
import { createWriteQueue, MAX_BATCH } from "./sqlite-write-queue.js";
import { decodeResults, encodeInputs } from "./sqlite-writer-codec.js";
import type { AppendRequest, WriterReply } from "./sqlite-writer-messages.js";

function inputs(count: number, text = "t"): AppendInput[] {
  return Array.from({ length: count }, () => ({
    room: "r",
    author: "ada",
    text,
    clientMessageId: "",
  }));
}

function stored(input: AppendInput): AppendResult {
  return { message: { ...input, id: 1n, sentAt: new Date(0) }, duplicate: false };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** A queue over fake work that records each transaction's size and every reply. */
function recorded(fail?: (inputs: readonly AppendInput[]) => boolean) {
  const transactions: (number | string)[] = [];
  const replies: WriterReply[] = [];
  const queue = createWriteQueue(
    {
      commit(batch) {
        transactions.push(batch.length);
        if (fail?.(batch)) throw new Error("refused");
        return batch.map(stored);
      },
      async trim(request) {
        transactions.push(`trim ${request.room}`);
        return 2;
      },
    },
    (reply) => replies.push(reply),
  );
  let id = 0;
  const append = (count: number, text?: string): AppendRequest => {
    const request: AppendRequest = {
      kind: "append",
      id: ++id,
      fields: encodeInputs(inputs(count, text)),
    };
    queue.push(request);
    return request;
  };
  return { queue, transactions, replies, append, nextId: () => ++id };
}

describe("createWriteQueue", () => {
  it("commits what was queued in one turn in one transaction, then each later turn's", async () => {
    const { transactions, replies, append } = recorded();
    append(1);
    append(3);
    append(2);
    await nextTurn();
    append(1);
    await nextTurn();
    expect(transactions).toEqual([6, 1]);
    expect(replies).toEqual([
      {
        kind: "committed",
        ids: [1, 2, 3],
        results: expect.anything(),
        seconds: expect.any(Number),
      },
      { kind: "committed", ids: [4], results: expect.anything(), seconds: expect.any(Number) },
    ]);
    const [first] = replies;
    if (first?.kind !== "committed") throw new Error("no commit");
    expect(decodeResults(inputs(3), first.results, 1)).toEqual(inputs(3).map(stored));
  });

  it(`commits at most ${MAX_BATCH} appends at once, unless one request holds more`, async () => {
    const { transactions, append } = recorded();
    append(MAX_BATCH - 1);
    append(2);
    append(MAX_BATCH + 1);
    append(1);
    await nextTurn();
    expect(transactions).toEqual([MAX_BATCH - 1, 2, MAX_BATCH + 1, 1]);
  });

  it("runs trims in order between batches, each in a transaction of its own", async () => {
    const { queue, transactions, replies, append, nextId } = recorded();
    append(1);
    const trimId = nextId();
    queue.push({ kind: "trim", id: trimId, room: "r", policy: {}, nowMs: 0, limit: 10 });
    append(2);
    append(1);
    await queue.flush();
    expect(transactions).toEqual([1, "trim r", 3]);
    expect(replies[1]).toEqual({ kind: "trimmed", id: trimId, removed: 2 });
  });

  it("fails every request of a failed transaction, and only those", async () => {
    const { transactions, replies, append } = recorded((batch) =>
      batch.some(({ text }) => text === "boom"),
    );
    append(1);
    append(1, "boom");
    await nextTurn();
    append(1);
    await nextTurn();
    expect(transactions).toEqual([2, 1]);
    expect(replies).toEqual([
      { kind: "failed", ids: [1, 2], name: "Error", message: "refused" },
      { kind: "committed", ids: [3], results: expect.anything(), seconds: expect.any(Number) },
    ]);
  });
});

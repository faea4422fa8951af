import { describe, expect, it } from "vitest";
import { createListenerSet } from "./listener-set.js";
import type { StoredMessage } from "./message-store.js";

const message: StoredMessage = {
  room: "general",
  id: 1n,
  author: "ada",
  text: "hi",
  sentAt: new Date(0),
  clientMessageId: "",
};

describe("createListenerSet", () => {
  it("delivers to every listener in subscription order until it unsubscribes", () => {
    const calls: string[] = [];
    const listeners = createListenerSet();
    const removeFirst = listeners.add(() => calls.push("first"));
    listeners.add(() => calls.push("second"));
    listeners.emit(message);
    removeFirst();
    removeFirst();
    listeners.emit(message);
    expect(calls).toEqual(["first", "second", "second"]);
  });

  it("treats the same function subscribed twice as two subscriptions", () => {
    let calls = 0;
    const listener = () => {
      calls++;
    };
    const listeners = createListenerSet();
    const removeOne = listeners.add(listener);
    listeners.add(listener);
    removeOne();
    listeners.emit(message);
    expect(calls).toBe(1);
  });

  it("reports a throwing listener and still calls the ones after it", () => {
    const reported: unknown[] = [];
    const received: StoredMessage[] = [];
    const failure = new Error("listener bug");
    const listeners = createListenerSet((error) => reported.push(error));
    listeners.add(() => {
      throw failure;
    });
    listeners.add((m) => received.push(m));
    listeners.emit(message);
    expect(reported).toEqual([failure]);
    expect(received).toEqual([message]);
  });
});

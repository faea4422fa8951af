import { describe, expect, it } from "vitest";
import { createConnectedSessions } from "./connected-sessions.js";

describe("createConnectedSessions", () => {
  it("counts sessions per room and in all rooms until they leave", () => {
    const sessions = createConnectedSessions();
    const leaveA1 = sessions.enter("a");
    sessions.enter("a");
    const leaveB = sessions.enter("b");
    expect([sessions.count("a"), sessions.count("b"), sessions.count(undefined)]).toEqual([
      2, 1, 3,
    ]);
    leaveA1();
    leaveA1();
    leaveB();
    expect([sessions.count("a"), sessions.count("b"), sessions.count(undefined)]).toEqual([
      1, 0, 1,
    ]);
    expect(sessions.count("never")).toBe(0);
  });
});

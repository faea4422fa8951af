import { expect, it } from "vitest";
import { createLocalPresence } from "./local-presence.js";

it("stamps joins with the injected clock and reports them synchronously, not to after-close callers", async () => {
  let now = 1_000;
  const presence = createLocalPresence({ now: () => new Date(now) });
  const heard: string[] = [];
  presence.subscribe(({ kind, member }) => heard.push(`${kind} ${member.author}`));
  await presence.enter("r", "ada");
  now = 2_000;
  await presence.enter("r", "bob");
  expect(heard).toEqual(["joined ada", "joined bob"]);
  expect((await presence.members("r", 10)).map(({ joinedAt }) => joinedAt.getTime())).toEqual([
    1_000, 2_000,
  ]);
  await presence.close();
  expect(heard).toEqual(["joined ada", "joined bob", "left ada", "left bob"]);
  expect(await presence.members("r", 10)).toEqual([]);
});

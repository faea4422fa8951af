import { describe, expect, it } from "vitest";
import { ConfigError } from "../config/option.js";
import { parseDefaultScopes, scopesOfClaim } from "./scopes.js";

describe("scopesOfClaim", () => {
  it.each([
    ["chat.read chat.write", ["chat.read", "chat.write"]],
    ["  fibonacci.read   admin ", ["fibonacci.read"]],
    [["chat.read", "other"], ["chat.read"]],
    ["", []],
  ])("reads %j as %j", (claim, expected) => {
    expect([...(scopesOfClaim(claim) ?? [])]).toEqual(expected);
  });

  it.each([undefined, 42, [1, 2], { scope: "chat.read" }])("is undefined for %j", (claim) => {
    expect(scopesOfClaim(claim)).toBeUndefined();
  });
});

describe("parseDefaultScopes", () => {
  it.each([
    ["all", ["chat.read", "chat.write", "fibonacci.read"]],
    ["none", []],
    ["chat.read,fibonacci.read", ["chat.read", "fibonacci.read"]],
    ["chat.write chat.read", ["chat.write", "chat.read"]],
  ])("reads %j", (text, expected) => {
    expect([...parseDefaultScopes(text)]).toEqual(expected);
  });

  it("names an unknown scope", () => {
    expect(() => parseDefaultScopes("chat.read chat.admin")).toThrow(ConfigError);
    expect(() => parseDefaultScopes("chat.admin")).toThrow(/unknown scope "chat\.admin"/);
  });
});

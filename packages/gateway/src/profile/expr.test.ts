import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileExpr, ExprSyntaxError } from "./expr.ts";

describe("profile expressions", () => {
  it("follows arithmetic precedence and JavaScript's results for integers", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1000, max: 1000 }),
        fc.integer({ min: -1000, max: 1000 }),
        fc.integer({ min: 1, max: 50 }),
        (a, b, c) => {
          expect(compileExpr("a + b * c - (a - b) % c").evaluate({ a, b, c })).toBe(
            a + b * c - ((a - b) % c),
          );
          expect(compileExpr("a < b == (b > a)").evaluate({ a, b })).toBe(true);
          expect(compileExpr("-a + -(-b)").evaluate({ a, b })).toBe(-a + b);
        },
      ),
    );
  });

  it("maps robot signals to a state with a conditional chain", () => {
    const e = compileExpr(
      "estop || errorCode != 0 ? 'down' : mode == 0 ? 'setup' : state == 1 ? 'running' : 'idle'",
    );
    expect(e.inputs.sort()).toEqual(["errorCode", "estop", "mode", "state"]);
    expect(e.evaluate({ estop: false, errorCode: 0, mode: 1, state: 1 })).toBe("running");
    expect(e.evaluate({ estop: true, errorCode: 0, mode: 1, state: 1 })).toBe("down");
    expect(e.evaluate({ estop: false, errorCode: 1001, mode: 1, state: 4 })).toBe("down");
    expect(e.evaluate({ estop: false, errorCode: 0, mode: 0, state: 0 })).toBe("setup");
    expect(e.evaluate({ estop: false, errorCode: 0, mode: 1, state: 0 })).toBe("idle");
  });

  it("reads backtick names, functions, and yields null on a missing input or division by zero", () => {
    expect(
      compileExpr("`ns=1;s=P.Total` - `ns=1;s=P.Waste`").evaluate({
        "ns=1;s=P.Total": 10,
        "ns=1;s=P.Waste": 3,
      }),
    ).toBe(7);
    expect(compileExpr("max(a, 3, b)").evaluate({ a: 1, b: 2 })).toBe(3);
    expect(compileExpr("bit(w, 3)").evaluate({ w: 8 })).toBe(true);
    expect(compileExpr("coalesce(x, 5)").evaluate({})).toBe(5);
    expect(compileExpr("a / b").evaluate({ a: 1, b: 0 })).toBeNull();
    expect(compileExpr("a * 2").evaluate({})).toBeNull();
  });

  it("rejects malformed expressions with the offset", () => {
    for (const bad of ["a +", "(a", "a b", "'x", "a ? b", "#"])
      expect(() => compileExpr(bad)).toThrow(ExprSyntaxError);
    try {
      compileExpr("a + )");
    } catch (e) {
      expect((e as ExprSyntaxError).at).toBe(4);
    }
  });

  it("never throws at evaluation, whatever the inputs", () => {
    const e = compileExpr("a / b + c % d > 1 ? min(a, b) : coalesce(c, d) == 'x'");
    const v = fc.oneof(fc.double(), fc.string(), fc.boolean(), fc.constant(null));
    fc.assert(
      fc.property(v, v, v, v, (a, b, c, d) => {
        const out = e.evaluate({ a, b, c, d });
        expect(out === null || ["number", "string", "boolean"].includes(typeof out)).toBe(true);
      }),
    );
  });
});

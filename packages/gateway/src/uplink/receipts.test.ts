import { deliveryKey } from "@weft/sparkplug";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ReceiptBook } from "./receipts.ts";

describe("receipt book", () => {
  it("completes a batch only when every part is confirmed, in any order, duplicates ignored (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 5 }), (parts, extra) => {
        const book = new ReceiptBook();
        const keys = Array.from({ length: parts }, (_, p) => deliveryKey(7, p));
        book.sent(3, 7, keys, 100);
        const order = [...keys].reverse();
        for (const k of order.slice(0, -1)) expect(book.confirm([k, k])).toEqual([]);
        expect(book.confirm([deliveryKey(8, 0)])).toEqual([]);
        expect(book.confirm([...order.slice(-1), ...keys.slice(0, extra)])).toEqual([3]);
        expect(book.size).toBe(0);
      }),
    );
  });

  it("reports the longest-waiting batch", () => {
    const book = new ReceiptBook();
    book.sent(1, 1, [deliveryKey(1, 0)], 50);
    book.sent(2, 2, [deliveryKey(2, 0)], 20);
    expect(book.oldest()).toBe(20);
    book.confirm([deliveryKey(2, 0)]);
    expect(book.oldest()).toBe(50);
  });
});

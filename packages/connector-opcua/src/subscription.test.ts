import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { notificationsPerPublish, type PlanItem, planShards } from "./subscription.ts";

const items = (n: number, sampling = 1000, queueSize = 1): PlanItem[] =>
  Array.from({ length: n }, (_, index) => ({ index, samplingIntervalMs: sampling, queueSize }));

describe("subscription sharding plan", () => {
  it("splits 50,000 items by the per-subscription limit and the per-call limit", () => {
    const plan = planShards(items(50_000), {
      maxItemsPerSubscription: 10_000,
      maxNotificationsPerPublish: 0,
      publishingIntervalMs: 1000,
      maxItemsPerCall: 1000,
    });
    expect(plan).toHaveLength(5);
    expect(plan.every((s) => s.items.length === 10_000 && s.calls.length === 10)).toBe(true);
  });

  it("respects maxNotificationsPerPublish with items that sample faster than they publish", () => {
    expect(notificationsPerPublish({ samplingIntervalMs: 100, queueSize: 5 }, 1000)).toBe(5);
    expect(notificationsPerPublish({ samplingIntervalMs: 100, queueSize: 50 }, 1000)).toBe(10);
    expect(notificationsPerPublish({ samplingIntervalMs: 0, queueSize: 3 }, 1000)).toBe(3);
    const plan = planShards(items(10, 100, 5), {
      maxItemsPerSubscription: 1000,
      maxNotificationsPerPublish: 20,
      publishingIntervalMs: 1000,
      maxItemsPerCall: 100,
    });
    expect(plan.map((s) => s.items.length)).toEqual([4, 4, 2]);
  });

  it("holds for any items and limits: every item once, in order, every shard within limits, no needless shard", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            samplingIntervalMs: fc.integer({ min: 0, max: 5000 }),
            queueSize: fc.integer({ min: 1, max: 20 }),
          }),
          { maxLength: 300 },
        ),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 1, max: 2000 }),
        fc.integer({ min: 1, max: 30 }),
        (raw, maxItems, maxNotif, publishing, perCall) => {
          const list = raw.map((r, index) => ({ ...r, index }));
          const limits = {
            maxItemsPerSubscription: maxItems,
            maxNotificationsPerPublish: maxNotif,
            publishingIntervalMs: publishing,
            maxItemsPerCall: perCall,
          };
          const plan = planShards(list, limits);
          expect(plan.flatMap((s) => s.items)).toEqual(list.map((i) => i.index));
          for (const [k, s] of plan.entries()) {
            expect(s.items.length).toBeGreaterThan(0);
            expect(s.items.length).toBeLessThanOrEqual(maxItems);
            if (maxNotif > 0)
              expect(s.notificationsPerPublish <= maxNotif || s.items.length === 1).toBe(true);
            expect(s.calls.flat()).toEqual(s.items);
            expect(s.calls.every((c) => c.length <= perCall)).toBe(true);
            // greedy: the next shard's first item did not fit into this one
            const next = plan[k + 1];
            const first = next ? list[next.items[0] ?? 0] : undefined;
            if (first) {
              const w = Math.min(
                notificationsPerPublish(first, publishing),
                maxNotif > 0 ? maxNotif : Number.POSITIVE_INFINITY,
              );
              expect(
                s.items.length === maxItems || (maxNotif > 0 && s.notificationsPerPublish + w > maxNotif),
              ).toBe(true);
            }
          }
        },
      ),
    );
  });
});

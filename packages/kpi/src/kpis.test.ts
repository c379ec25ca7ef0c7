import { describe, expect, it } from "vitest";
import { type Elements, emptyElements, sumElements } from "./elements.ts";
import { kpisFromElements } from "./kpis.ts";

/** Build consistent elements from the primary fields. */
function el(p: Partial<Elements>): Elements {
  const e = { ...emptyElements(), ...p };
  e.pbtS = e.potS - e.pdotS;
  e.auptS = e.aptS + e.austS;
  e.aubtS = e.auptS + e.adetS;
  e.aoetS = e.aubtS + e.adotS;
  e.offlineS = Math.max(0, e.elapsedS - e.aoetS);
  return e;
}

describe("kpisFromElements", () => {
  const shift = el({
    elapsedS: 28_800,
    calendarS: 28_800,
    potS: 28_800,
    pdotS: 1_800,
    aptS: 21_600,
    austS: 1_800,
    adetS: 2_400,
    adotS: 1_200,
    idealS: 18_000,
    pq: 10_000,
    gq: 9_500,
    sq: 400,
    rq: 100,
    failures: 4,
    repairS: 2_400,
    energyKwh: 950,
  });

  it("computes every ISO 22400 KPI from the elements", () => {
    const k = kpisFromElements(shift);
    expect(k.availability).toBeCloseTo(21_600 / 27_000);
    expect(k.effectiveness).toBeCloseTo(18_000 / 21_600);
    expect(k.quality).toBeCloseTo(0.95);
    expect(k.oee).toBeCloseTo(0.8 * (18_000 / 21_600) * 0.95);
    expect(k.nee).toBeCloseTo((23_400 / 27_000) * (18_000 / 21_600) * 0.95);
    expect(k.utilizationEfficiency).toBeCloseTo(21_600 / 25_800);
    expect(k.technicalEfficiency).toBeCloseTo(21_600 / 24_000);
    expect(k.setupRate).toBeCloseTo(1_800 / 23_400);
    expect(k.throughputPerHour).toBeCloseTo((10_000 / 27_000) * 3600);
    expect(k.scrapRatio).toBeCloseTo(0.04);
    expect(k.reworkRatio).toBeCloseTo(0.01);
    expect(k.mtbfS).toBe(5_400);
    expect(k.mttrS).toBe(600);
    expect(k.runningRate).toBeCloseTo(0.75);
    expect(k.energyPerUnitKwh).toBeCloseTo(0.1);
    expect(k.flags).toEqual(["offline_time"]);
    expect(k.calendar).toBe("calendar");
  });

  it("returns null, never 0 or NaN, for every KPI whose denominator is 0", () => {
    const k = kpisFromElements(emptyElements());
    for (const [name, v] of Object.entries(k)) {
      if (name === "flags" || name === "calendar" || name === "note") continue;
      expect(v, name).toBeNull();
    }
    const noPlanned = kpisFromElements(
      el({ elapsedS: 3600, calendarS: 3600, aptS: 100, pq: 5, gq: 5, idealS: 50 }),
    );
    expect(noPlanned.availability).toBeNull();
    expect(noPlanned.oee).toBeNull();
    expect(noPlanned.quality).toBe(1);
    const nothingMade = kpisFromElements(el({ elapsedS: 3600, potS: 3600, aptS: 3600 }));
    expect(nothingMade.quality).toBeNull();
    expect(nothingMade.scrapRatio).toBeNull();
    expect(nothingMade.energyPerUnitKwh).toBeNull();
    expect(nothingMade.mtbfS).toBeNull();
    expect(nothingMade.effectiveness).toBe(0);
  });

  it("reports E > 1 uncapped and flags it", () => {
    const k = kpisFromElements({ ...shift, idealS: 25_920 });
    expect(k.effectiveness).toBeCloseTo(1.2);
    expect(k.oee).toBeCloseTo(0.8 * 1.2 * 0.95);
    expect(k.flags).toContain("effectiveness_above_1");
  });

  it("flags GQ > PQ (Q > 1) and SQ > PQ as counters wired wrong", () => {
    const k = kpisFromElements({ ...shift, gq: 10_500 });
    expect(k.quality).toBeCloseTo(1.05);
    expect(k.flags).toContain("good_exceeds_produced");
    expect(kpisFromElements({ ...shift, sq: 12_000 }).flags).toContain("scrap_exceeds_produced");
  });

  it("flags running outside planned busy time and a missing ideal cycle", () => {
    const k = kpisFromElements({ ...shift, pdotS: 10_000, pbtS: 18_800 });
    expect(k.availability).toBeGreaterThan(1);
    expect(k.flags).toContain("availability_above_1");
    const noPru = kpisFromElements({ ...shift, idealS: 0 });
    expect(noPru.effectiveness).toBeNull();
    expect(noPru.oee).toBeNull();
    expect(noPru.flags).toContain("ideal_cycle_missing");
  });

  it("says whether a calendar was used", () => {
    const none = kpisFromElements({ ...shift, calendarS: 0 });
    expect(none.calendar).toBe("none");
    expect(none.note).toBe("no calendar: POT = whole range, PDOT = 0");
    const mixed = kpisFromElements(sumElements([shift, { ...shift, calendarS: 0 }]));
    expect(mixed.calendar).toBe("partial");
  });

  it("rolls a group up by summing elements, which an average of OEEs gets wrong", () => {
    // A big press that ran all shift and a small one that barely ran.
    const big = el({ elapsedS: 28_800, potS: 28_800, aptS: 27_000, idealS: 24_300, pq: 27_000, gq: 26_000 });
    const small = el({ elapsedS: 28_800, potS: 28_800, aptS: 3_600, idealS: 1_800, pq: 600, gq: 300 });
    const oeeBig = kpisFromElements(big).oee ?? Number.NaN;
    const oeeSmall = kpisFromElements(small).oee ?? Number.NaN;
    const group = kpisFromElements(sumElements([big, small])).oee;
    // ISO: (24 300 + 1 800) / 57 600 × (26 300 / 27 600) = 0.4318
    expect(group).toBeCloseTo((26_100 / 57_600) * (26_300 / 27_600), 10);
    expect(group).toBeCloseTo(0.4318, 4);
    const averaged = (oeeBig + oeeSmall) / 2; // (0.8125 + 0.03125) / 2 = 0.4219
    expect(averaged).toBeCloseTo(0.4219, 4);
    expect(Math.abs((group ?? 0) - averaged)).toBeGreaterThan(0.009);
  });
});

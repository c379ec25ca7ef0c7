/**
 * Order settlement for a printer (互联网+印刷), pure: what one order costs at the enterprise's rates.
 * - machine time: hours the presses worked the order (running + make-ready) × rate per machine-hour;
 * - energy: kWh × rate per kWh;
 * - sheets: good sheets ÷ 1,000 × rate per 1,000 sheets;
 * - waste over allowance: waste beyond `wasteAllowance` × the planned quantity (the produced one
 *   when none was planned) is the printer's loss, deducted at the sheet rate.
 */
export interface Rates {
  perMachineHour: number;
  perKwh: number;
  perThousandSheets: number;
  /** Share of the planned quantity allowed as waste (加放), 0..1. */
  wasteAllowance: number;
}

export interface OrderFigures {
  plannedQty: number | null;
  produced: number;
  good: number;
  waste: number;
  runS: number;
  setupS: number;
  energyKwh: number;
}

export interface Settlement {
  machineHours: number;
  machineTime: number;
  energy: number;
  sheets: number;
  allowedWaste: number;
  excessWaste: number;
  wasteDeduction: number;
  total: number;
}

const cents = (v: number): number => Math.round(v * 100) / 100;

export function settle(o: OrderFigures, r: Rates): Settlement {
  const machineHours = (o.runS + o.setupS) / 3600;
  const basis = o.plannedQty ?? o.produced;
  const allowedWaste = Math.max(0, basis) * r.wasteAllowance;
  const excessWaste = Math.max(0, o.waste - allowedWaste);
  const machineTime = cents(machineHours * r.perMachineHour);
  const energy = cents(o.energyKwh * r.perKwh);
  const sheets = cents((o.good / 1000) * r.perThousandSheets);
  const wasteDeduction = cents((excessWaste / 1000) * r.perThousandSheets);
  return {
    machineHours,
    machineTime,
    energy,
    sheets,
    allowedWaste,
    excessWaste,
    wasteDeduction,
    total: cents(machineTime + energy + sheets - wasteDeduction),
  };
}

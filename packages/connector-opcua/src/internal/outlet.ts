import type { ConnectorLogger } from "@weft/connector-sdk";
import type { Reading } from "@weft/core";
import type { OpcuaPoint } from "../config.ts";
import type { ConnectorHealth } from "./health.ts";
import { badReadings, ReadingBuffer } from "./readings.ts";

/** Where the connector's readings leave it: counted, batched per macrotask, handed to the sink. */
export class ReadingOutlet {
  #sink: ((batch: readonly Reading[]) => void) | undefined;
  #log: ConnectorLogger | undefined;
  readonly #buffer = new ReadingBuffer((batch) => this.#deliver(batch));

  constructor(private readonly health: ConnectorHealth) {}

  /** Hand readings to `sink` from now on; a sink that throws is logged on `log`. */
  open(sink: (batch: readonly Reading[]) => void, log: ConnectorLogger): void {
    this.#sink = sink;
    this.#log = log;
  }

  /** Deliver what is still buffered, then let go of the sink. */
  close(): void {
    this.#buffer.flush();
    this.#sink = undefined;
  }

  push(r: Reading): void {
    if (this.health.state === "stopped") return; // nothing after stop()
    this.health.counters.readings++;
    if (r.quality === "bad") this.health.counters.badReadings++;
    this.#buffer.push(r);
  }

  pushBad(points: readonly OpcuaPoint[], status: string): void {
    for (const r of badReadings(points, status)) this.push(r);
  }

  #deliver(batch: Reading[]): void {
    try {
      this.#sink?.(batch);
    } catch (e) {
      this.#log?.error({ err: e }, "reading sink threw; readings dropped");
    }
  }
}

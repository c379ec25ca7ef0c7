import {
  Backoff,
  type ConnectorLogger,
  type ConnectorStartContext,
  type ConnectorState,
  type ConnectorStatus,
  DeadbandFilter,
  type ReadableConnector,
  type WritableConnector,
} from "@weft/connector-sdk";
import { isWeftError, type Reading, type ReadingValue, WeftError } from "@weft/core";
import type { ModbusConfig } from "./config.ts";
import type { ModbusLink } from "./internal/link.ts";
import {
  blockWhere,
  type GroupPlan,
  type PlannedBlock,
  planPolls,
  type ResolvedPoint,
  resolvePoint,
  splitPlanned,
} from "./internal/plan.ts";
import { badReadings, decodeBlock } from "./internal/readings.ts";
import type { LinkRegistry } from "./internal/registry.ts";
import { writeValue } from "./internal/write.ts";

/** Exceptions that point at specific addresses: split the block to find them. */
const SPLITTABLE = new Set([1, 2, 3, 4]);
/** Transient exceptions worth a retry. */
const RETRYABLE = new Set([5, 6, 11]);

/**
 * A Modbus device (one unit id on one connection): coalesced, scheduled block reads per
 * poll group, typed writes, reconnect with backoff. Create it through the `modbus` factory.
 */
export class ModbusConnector implements ReadableConnector, WritableConnector {
  readonly kind = "modbus";
  private readonly points: ResolvedPoint[];
  private readonly byId: Map<string, ResolvedPoint>;
  private plans: GroupPlan[];
  private state: ConnectorState = "idle";
  private readonly counters = { readings: 0, badReadings: 0, requests: 0, errors: 0, reconnects: 0 };
  private lastError: ConnectorStatus["lastError"];
  private hint: string | undefined;
  private connectedSince: number | undefined;
  /** Any answer (data or a Modbus exception) on the current connection. */
  private answered = false;
  private held: { link: ModbusLink; release(): Promise<void> } | undefined;
  private unsubscribeClose: (() => void) | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inProgress = new Set<Promise<void>>();
  private readonly backoff: Backoff;
  private nextAttemptAt = 0;
  private seenEpoch = 0;
  private consecutiveTimeouts = 0;
  private readonly deadband = new DeadbandFilter();
  private ctx: ConnectorStartContext | undefined;
  private log: ConnectorLogger | undefined;
  private readonly onAbort = () => void this.stop();

  constructor(
    private readonly config: ModbusConfig,
    private readonly registry: LinkRegistry,
  ) {
    this.points = config.points.map((p) => resolvePoint(p, config.addressBase));
    this.byId = new Map(this.points.map((p) => [p.id, p]));
    this.plans = planPolls(this.points, config);
    this.backoff = new Backoff(config.reconnect);
  }

  /** The current read plan: per poll group, the block reads (for diagnostics and tests). */
  plan(): readonly GroupPlan[] {
    return this.plans;
  }

  status(): ConnectorStatus {
    return {
      state: this.state,
      counters: { ...this.counters },
      ...(this.lastError ? { lastError: this.lastError } : {}),
      ...(this.hint ? { hint: this.hint } : {}),
      ...(this.connectedSince !== undefined ? { connectedSince: this.connectedSince } : {}),
    };
  }

  async start(ctx: ConnectorStartContext): Promise<void> {
    if (this.state !== "idle") throw new WeftError("CONFLICT", "modbus connector already started");
    this.ctx = ctx;
    this.log = ctx.logger;
    this.state = "connecting";
    if (ctx.signal.aborted) return this.stop();
    ctx.signal.addEventListener("abort", this.onAbort, { once: true });
    this.acquire();
    for (const group of this.plans) this.schedule(group, 0);
  }

  async stop(): Promise<void> {
    if (this.state === "stopped") return;
    this.state = "stopped";
    this.ctx?.signal.removeEventListener("abort", this.onAbort);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.unsubscribeClose?.();
    const held = this.held;
    this.held = undefined;
    if (held?.link.isRtu) {
      await Promise.allSettled([...this.inProgress]);
      await held.release();
    } else if (held) {
      await held.release();
      await Promise.allSettled([...this.inProgress]);
    }
  }

  async readOnce(options: { signal?: AbortSignal } = {}): Promise<Reading[]> {
    const temporary = this.held === undefined;
    if (temporary) this.acquire();
    const out: Reading[] = [];
    try {
      for (const group of this.plans) {
        if (options.signal?.aborted) break;
        await this.pollGroup(group, out, true);
      }
    } finally {
      if (
        temporary &&
        this.state !== "connecting" &&
        this.state !== "connected" &&
        this.state !== "reconnecting"
      ) {
        const held = this.held;
        this.held = undefined;
        this.unsubscribeClose?.();
        await held?.release();
      }
    }
    return out;
  }

  async write(pointId: string, value: ReadingValue): Promise<void> {
    const point = this.byId.get(pointId);
    if (!point) {
      throw new WeftError("NOT_FOUND", `modbus: no point "${pointId}"`, {
        field: "pointId",
        fix: "use a configured point id",
      });
    }
    if (!point.writable) {
      throw new WeftError(
        "VALIDATION_FAILED",
        `modbus: point "${pointId}" at ${point.where} is not writable`,
        {
          field: "pointId",
        },
      );
    }
    const temporary = this.held === undefined;
    if (temporary) this.acquire();
    try {
      const link = await this.connected(true);
      this.counters.requests++;
      await writeValue(link, this.config.unitId, point, value, () => this.counters.requests++).catch(
        (e: unknown) => {
          if (isWeftError(e) && e.code !== "VALIDATION_FAILED") {
            throw new WeftError(e.code, `modbus write ${point.id} at ${point.where}: ${e.message}`, {
              cause: e,
            });
          }
          throw e;
        },
      );
    } finally {
      if (temporary) {
        const held = this.held;
        this.held = undefined;
        await held?.release();
      }
    }
  }

  private acquire(): void {
    this.held = this.registry.acquire(this.config.connection, {
      timeoutMs: this.config.timeoutMs,
      maxInFlight: this.config.maxInFlight,
    });
    this.unsubscribeClose = this.held.link.onClose((reason) => {
      // An unresponsive device stays so across the reconnects its silence causes.
      if (this.state === "connected") {
        this.log?.warn({ connection: this.held?.link.label, reason }, "modbus connection lost");
        this.state = "reconnecting";
        this.connectedSince = undefined;
      }
    });
  }

  private schedule(group: GroupPlan, delayMs: number): void {
    if (this.state === "stopped") return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const started = Date.now();
      const out: Reading[] = [];
      const run = this.pollGroup(group, out, false)
        .then(() => this.emit(out))
        .catch((e: unknown) => this.recordError(e))
        .finally(() => {
          this.inProgress.delete(run);
          const elapsed = Date.now() - started;
          this.schedule(group, Math.max(0, group.intervalMs - elapsed));
        });
      this.inProgress.add(run);
    }, delayMs);
    this.timers.add(timer);
  }

  private emit(readings: Reading[]): void {
    if (this.state === "stopped" || !this.ctx) return;
    const out: Reading[] = [];
    for (const r of readings) {
      const p = this.byId.get(r.point);
      if (!this.deadband.accept(r.point, p?.deadband, r.value, r.quality)) continue;
      out.push(r);
    }
    if (out.length === 0) return;
    try {
      this.ctx.sink(out);
    } catch (e) {
      this.log?.error({ err: e }, "reading sink threw; readings dropped");
    }
  }

  /** The open link, (re)connecting if needed; honours the reconnect backoff unless `now`. */
  private async connected(now: boolean): Promise<ModbusLink> {
    const held = this.held;
    if (!held) throw new WeftError("DEVICE_UNREACHABLE", "modbus connector is stopped");
    const link = held.link;
    if (link.isOpen) return this.noteEpoch(link);
    if (!now && Date.now() < this.nextAttemptAt) {
      throw new WeftError("DEVICE_UNREACHABLE", this.lastError?.message ?? `${link.label}: not connected`);
    }
    try {
      await link.open();
    } catch (e) {
      this.nextAttemptAt = Date.now() + this.backoff.next();
      if (this.state === "connected" || this.state === "unresponsive") this.state = "reconnecting";
      this.hint = link.isRtu
        ? `the serial port ${link.label} cannot be opened: check the path and that no other program holds it`
        : `nothing accepts a connection at ${link.label}: check the host, the port (Modbus TCP is 502) and any firewall in between`;
      throw e;
    }
    this.backoff.reset();
    return this.noteEpoch(link);
  }

  private noteEpoch(link: ModbusLink): ModbusLink {
    if (link.epoch === this.seenEpoch) return link;
    if (this.seenEpoch !== 0) this.counters.reconnects++;
    this.seenEpoch = link.epoch;
    this.consecutiveTimeouts = 0;
    // A new connection: the device counts as connected once it answers (see answeredBy).
    this.answered = false;
    return link;
  }

  /** The device answered a request (data or an exception): it is connected. */
  private answeredBy(link: ModbusLink): void {
    if (this.answered && this.state === "connected") return;
    this.answered = true;
    if (this.state === "stopped") return;
    if (this.state !== "connected") {
      this.state = "connected";
      this.connectedSince = Date.now();
      this.hint = undefined;
      this.log?.info({ connection: link.label, unitId: this.config.unitId }, "modbus connected");
    }
  }

  /** A request went unanswered on an open link: until the device ever answers, it is unresponsive. */
  private unanswered(link: ModbusLink): void {
    if (this.answered || this.state === "stopped") return;
    this.state = "unresponsive";
    this.connectedSince = undefined;
    this.hint = link.isRtu
      ? `unit ${this.config.unitId} does not answer on ${link.label}: check the unit id, the baud rate, parity and the wiring (A/B)`
      : `${link.label} accepts the TCP connection but unit ${this.config.unitId} never answers: check the unit id (a Modbus gateway drops requests for unit ids it does not know), or a firewall or proxy that lets the connection through but not the traffic`;
  }

  private async pollGroup(group: GroupPlan, out: Reading[], eager: boolean): Promise<void> {
    let link: ModbusLink;
    try {
      link = await this.connected(eager);
    } catch (e) {
      this.recordError(e);
      const ts = Date.now();
      const status = isWeftError(e) ? e.message : String(e);
      for (const b of group.blocks) this.count(b.block.spans.length, badReadings(b, ts, status, out));
      return;
    }
    const replaced = new Map<PlannedBlock, PlannedBlock[]>();
    await Promise.all(group.blocks.map((b) => this.pollBlock(link, b, out, replaced)));
    if (replaced.size > 0) group.blocks = group.blocks.flatMap((b) => replaced.get(b) ?? [b]);
  }

  private count(readings: number, bad: number): void {
    this.counters.readings += readings;
    this.counters.badReadings += bad;
  }

  /** Read one block; on an address-specific exception split it until the bad points are isolated. */
  private async pollBlock(
    link: ModbusLink,
    b: PlannedBlock,
    out: Reading[],
    replaced: Map<PlannedBlock, PlannedBlock[]>,
  ): Promise<void> {
    try {
      const data = await this.request(link, b);
      this.count(b.block.spans.length, decodeBlock(b, data, Date.now(), out));
    } catch (e) {
      this.recordError(e);
      const code = isWeftError(e, "DEVICE_EXCEPTION") ? Number(e.details?.exceptionCode) : undefined;
      if (code === 1 || code === 2)
        this.hint = `the device answers but refuses ${blockWhere(b, this.config.addressBase)} (${code === 1 ? "illegal function" : "illegal data address"}): check the area (holding, input, coil, discrete) and whether the addresses are 0- or 1-based (addressBase)`;
      if (code !== undefined && SPLITTABLE.has(code) && b.block.spans.length > 1) {
        const [left, right] = splitPlanned(b, this.config);
        const parts = [...left, ...right];
        replaced.set(b, parts);
        const sub = new Map<PlannedBlock, PlannedBlock[]>();
        await Promise.all(parts.map((p) => this.pollBlock(link, p, out, sub)));
        if (sub.size > 0)
          replaced.set(
            b,
            parts.flatMap((p) => sub.get(p) ?? [p]),
          );
        return;
      }
      const msg = isWeftError(e) ? e.message : String(e);
      const n = badReadings(b, Date.now(), `${msg} at ${blockWhere(b, this.config.addressBase)}`, out);
      this.count(n, n);
    }
  }

  private async request(link: ModbusLink, b: PlannedBlock): Promise<Buffer> {
    for (let attempt = 0; ; attempt++) {
      this.counters.requests++;
      try {
        const data = await link.read(this.config.unitId, b.fc, b.block.start, b.block.count);
        this.consecutiveTimeouts = 0;
        this.answeredBy(link);
        return data;
      } catch (e) {
        const retry =
          attempt < this.config.retries && this.isRetryable(e) && link.isOpen && this.state !== "stopped";
        if (isWeftError(e, "DEVICE_EXCEPTION")) this.answeredBy(link);
        if (isWeftError(e) && e.details?.timeout === true) {
          this.unanswered(link);
          this.onTimeout(link);
          if (!retry)
            throw new WeftError(
              "DEVICE_UNREACHABLE",
              `${link.label}: unit ${this.config.unitId}: no answer (timeout after ${this.config.timeoutMs} ms)${this.answered ? "" : "; check the unit id"}`,
              {
                details: { timeout: true },
                fix: "check the unit id (slave id) the device answers to, and that nothing between drops Modbus traffic",
                cause: e,
              },
            );
        } else if (isWeftError(e, "PROTOCOL_ERROR") && !link.isRtu) link.drop(`protocol error: ${e.message}`);
        if (!retry) throw e;
      }
    }
  }

  private isRetryable(e: unknown): boolean {
    if (isWeftError(e, "DEVICE_EXCEPTION")) return RETRYABLE.has(Number(e.details?.exceptionCode));
    return isWeftError(e) && e.details?.timeout === true;
  }

  /**
   * TCP: repeated silence means a dead or desynchronised connection — unless other units answer on
   * it meanwhile (a shared gateway link: then only this unit is silent, e.g. a wrong unit id, and
   * dropping the link would cut the others). RTU: a silent unit never resets the bus.
   */
  private onTimeout(link: ModbusLink): void {
    if (Date.now() - link.lastAnswerAt < this.config.timeoutMs * this.config.timeoutsBeforeReconnect) {
      this.consecutiveTimeouts = 0;
      return;
    }
    this.consecutiveTimeouts++;
    if (!link.isRtu && this.consecutiveTimeouts >= this.config.timeoutsBeforeReconnect) {
      this.consecutiveTimeouts = 0;
      link.drop(
        `unit ${this.config.unitId}: ${this.config.timeoutsBeforeReconnect} requests in a row without an answer`,
      );
    }
  }

  private recordError(e: unknown): void {
    this.counters.errors++;
    const code = isWeftError(e) ? e.code : "INTERNAL";
    const message = e instanceof Error ? e.message : String(e);
    this.lastError = { code, message, at: Date.now() };
    this.log?.debug({ code, message, unitId: this.config.unitId }, "modbus error");
  }
}

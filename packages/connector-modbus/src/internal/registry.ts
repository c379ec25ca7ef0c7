import type { ModbusConnection } from "../config.ts";
import { connectionLabel, type LinkOptions, ModbusLink, type TcpClientFactory } from "./link.ts";

/**
 * Shares one link between connectors that talk to the same RTU bus (a serial port, or
 * one RTU-over-TCP device server), so requests to the devices on it are serialized.
 * TCP links are never shared: every Modbus TCP device gets its own connection.
 */
export class LinkRegistry {
  private readonly shared = new Map<string, { link: ModbusLink; users: number }>();

  /** `tcpClient`: the Modbus TCP client for every TCP link (default: our MBAP client). */
  constructor(private readonly tcpClient?: TcpClientFactory) {}

  acquire(
    connection: ModbusConnection,
    options: LinkOptions,
  ): { link: ModbusLink; release(): Promise<void> } {
    if (connection.transport === "tcp") {
      const link = new ModbusLink(
        connection,
        this.tcpClient ? { ...options, tcpClient: this.tcpClient } : options,
      );
      return { link, release: () => link.close() };
    }
    const key = connectionLabel(connection);
    let entry = this.shared.get(key);
    if (!entry) {
      entry = { link: new ModbusLink(connection, options), users: 0 };
      this.shared.set(key, entry);
    }
    entry.users++;
    const held = entry;
    let released = false;
    return {
      link: held.link,
      release: async () => {
        if (released) return;
        released = true;
        held.users--;
        if (held.users === 0) {
          this.shared.delete(key);
          await held.link.close();
        }
      },
    };
  }
}

import net from "node:net";

interface SocketTarget {
  host: string[];
  port: number[];
  path?: string | false;
  connect_timeout?: number;
}

/**
 * postgres.js `socket` factory: a TCP (or Unix) connection with Nagle's algorithm off. postgres.js
 * leaves Nagle on, so a small message written right after a large one (CopyDone after COPY data)
 * waits for the peer's delayed ACK, about 40 ms per COPY. Hosts are tried in order, like postgres.js.
 */
export async function connectNoDelay(target: SocketTarget): Promise<net.Socket> {
  const timeoutMs = (target.connect_timeout ?? 30) * 1000;
  if (target.path) return open(() => net.connect(target.path as string), timeoutMs);
  let lastError: unknown = new Error("no database host given");
  for (let i = 0; i < target.host.length; i++) {
    const host = target.host[i] as string;
    const port = target.port[i] ?? target.port[0] ?? 5432;
    try {
      return await open(() => net.connect(port, host), timeoutMs);
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

function open(connect: () => net.Socket, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect();
    socket.setNoDelay(true);
    const fail = (err: Error) => {
      socket.destroy();
      reject(err);
    };
    socket.setTimeout(timeoutMs, () => fail(new Error(`connect timeout after ${timeoutMs} ms`)));
    socket.once("error", fail);
    socket.once("connect", () => {
      socket.setTimeout(0);
      socket.off("error", fail);
      resolve(socket);
    });
  });
}

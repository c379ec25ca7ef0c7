/**
 * Uploads of one gateway that overlap in this process are stored in seq order: each waits for the
 * gateway's running uploads with a lower seq before it opens its transaction (it parses, validates
 * and encodes meanwhile). A gateway with several uploads in flight (`uplink.maxInFlight`) then
 * drains a backlog with the brain's parsing overlapping PostgreSQL's writes, and no upload becomes
 * late data because a later one committed first. Waits only ever point at lower seqs, so they
 * cannot form a cycle; a failed upload releases the next ones (its resend is then late data).
 */
const running = new WeakMap<object, Map<string, { seq: number; done: Promise<void> }[]>>();

/**
 * Run `fn` after the gateway's running uploads with a lower seq in `scope` (e.g. the db handle).
 * @example await inSeqOrder(deps.handle, gateway.id, batch.seq, () => store());
 */
export async function inSeqOrder<T>(
  scope: object,
  gatewayId: string,
  seq: number,
  fn: () => Promise<T>,
): Promise<T> {
  let byGateway = running.get(scope);
  if (!byGateway) {
    byGateway = new Map();
    running.set(scope, byGateway);
  }
  let list = byGateway.get(gatewayId);
  if (!list) {
    list = [];
    byGateway.set(gatewayId, list);
  }
  const earlier = list.filter((e) => e.seq < seq).map((e) => e.done);
  let release = () => {};
  const entry = { seq, done: new Promise<void>((resolve) => (release = resolve)) };
  list.push(entry);
  try {
    if (earlier.length > 0) await Promise.all(earlier);
    return await fn();
  } finally {
    release();
    list.splice(list.indexOf(entry), 1);
    if (list.length === 0) byGateway.delete(gatewayId);
  }
}

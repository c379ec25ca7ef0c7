/** Events per second over a sliding window of one-second buckets. */
export class RateMeter {
  private readonly buckets: number[];
  private lastSecond = 0;

  constructor(
    private readonly windowS = 10,
    private readonly now: () => number = Date.now,
  ) {
    this.buckets = new Array<number>(windowS).fill(0);
  }

  add(n: number): void {
    this.roll();
    const i = this.lastSecond % this.windowS;
    this.buckets[i] = (this.buckets[i] ?? 0) + n;
  }

  perSecond(): number {
    this.roll();
    let sum = 0;
    for (let k = 1; k <= this.windowS - 1; k++)
      sum += this.buckets[(this.lastSecond - k + this.windowS * 2) % this.windowS] ?? 0;
    return sum / (this.windowS - 1);
  }

  private roll(): void {
    const s = Math.floor(this.now() / 1000);
    if (this.lastSecond === 0) this.lastSecond = s;
    while (this.lastSecond < s) {
      this.lastSecond++;
      this.buckets[this.lastSecond % this.windowS] = 0;
      if (s - this.lastSecond > this.windowS) this.lastSecond = s - this.windowS;
    }
  }
}

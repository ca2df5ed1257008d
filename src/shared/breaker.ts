/**
 * A circuit breaker for the store. A store that is down or frozen makes every
 * operation wait `timeoutMs`, and each abandoned command may still sit in the
 * client's queue; after `threshold` failures in a row the tier stops calling
 * the store for `cooldownMs`. Then exactly one operation probes it (half
 * open): a success closes the breaker, a failure opens it again.
 */
export class Breaker {
  private failuresInARow = 0;
  private openUntil = 0;
  private probing = false;

  constructor(
    private readonly threshold: number,
    private readonly cooldownMs: number,
    /** Told when the breaker opens (true) or closes (false). */
    private readonly changed: (open: boolean) => void,
  ) {}

  get isOpen(): boolean {
    return this.failuresInARow >= this.threshold;
  }

  /** Whether an operation may use the store now (claims the probe when half open). */
  allows(): boolean {
    if (this.failuresInARow < this.threshold) return true;
    if (Date.now() < this.openUntil || this.probing) return false;
    this.probing = true;
    return true;
  }

  succeeded(): void {
    const wasOpen = this.isOpen;
    this.failuresInARow = 0;
    this.probing = false;
    if (wasOpen) this.changed(false);
  }

  failed(): void {
    const reopened = this.probing;
    this.probing = false;
    this.failuresInARow++;
    if (this.failuresInARow >= this.threshold) {
      this.openUntil = Date.now() + this.cooldownMs;
      if (this.failuresInARow === this.threshold || reopened) this.changed(true);
    }
  }
}

/**
 * One conversation's exactly-once, in-order rule (docs/protocol.md): events apply in seq order, each once; one
 * that arrives beyond the next waits here until the gap before it is filled (by the answer to a send still in
 * flight, or by Sync).
 */
export class SeqOrder<T extends { seq: number }> {
  private readonly waiting = new Map<number, T>();

  /** @param applied the highest seq already applied (or already counted, as the list's lastSeq is). */
  constructor(public applied: number) {}

  /** Takes an event from anywhere (event, acknowledgement, Sync, history) and returns those now due, in order. */
  accept(event: T): T[] {
    if (event.seq <= this.applied) return [];
    this.waiting.set(event.seq, event);
    const due: T[] = [];
    for (let next = this.waiting.get(this.applied + 1); next; next = this.waiting.get(this.applied + 1)) {
      this.waiting.delete(next.seq);
      this.applied = next.seq;
      due.push(next);
    }
    return due;
  }

  /** Some event is waiting for an earlier one that has not come. */
  get hasGap(): boolean {
    return this.waiting.size > 0;
  }
}

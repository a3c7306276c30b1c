/** A min-heap of ids by due time (ms): the dispatcher's retry schedule. */
export class DueQueue {
  readonly #heap: Array<{at: number; id: string}> = []

  get size(): number {
    return this.#heap.length
  }

  /** Due time of the earliest entry, or undefined when empty. */
  peek(): number | undefined {
    return this.#heap[0]?.at
  }

  push(id: string, at: number): void {
    const heap = this.#heap
    heap.push({at, id})
    let i = heap.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (heap[parent].at <= heap[i].at) break
      ;[heap[parent], heap[i]] = [heap[i], heap[parent]]
      i = parent
    }
  }

  /** Removes and returns every id due at or before `now`, earliest first. */
  popDue(now: number): string[] {
    const out: string[] = []
    while (this.#heap.length > 0 && this.#heap[0].at <= now) out.push(this.#pop())
    return out
  }

  clear(): void {
    this.#heap.length = 0
  }

  #pop(): string {
    const heap = this.#heap
    const top = heap[0]
    const last = heap.pop()!
    if (heap.length > 0) {
      heap[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < heap.length && heap[l].at < heap[m].at) m = l
        if (r < heap.length && heap[r].at < heap[m].at) m = r
        if (m === i) break
        ;[heap[m], heap[i]] = [heap[i], heap[m]]
        i = m
      }
    }
    return top.id
  }
}

/** A first-in first-out queue with O(1) shift. */
export class Fifo<T> {
  #items: T[] = []
  #head = 0

  get size(): number {
    return this.#items.length - this.#head
  }

  push(item: T): void {
    this.#items.push(item)
  }

  /** Removes and returns the oldest item; only call when `size > 0`. */
  shift(): T {
    const item = this.#items[this.#head++]
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head)
      this.#head = 0
    }
    return item
  }
}

/**
 * The session while it is being built (issue 19): `initialize` is answered
 * as soon as the capabilities are known, and the engine (wasm, grammar,
 * query) and the session's modules finish loading afterwards. What the
 * client sends meanwhile waits here, in arrival order, and runs once the
 * session is ready: a didChange sent before the engine is ready applies
 * after the didOpen before it, a pull sent before it is answered on the
 * text of every notification before it. Once ready, work runs at once
 * (no extra turn of the event loop on a keystroke's path).
 *
 * If the session cannot be built (the engine failed to load), `failed` is
 * told once; notifications are dropped and requests get `orElse`. A throw
 * in queued work (the handlers guard their own: a bug) goes to `threw` and
 * does not stop the work queued after it.
 */
export class Gate<T> {
  private value: T | undefined;
  private failure: unknown;
  private state: 'loading' | 'ready' | 'failed' = 'loading';
  private waiting: Array<() => void> = [];

  constructor(
    loading: Promise<T>,
    failed: (e: unknown) => void,
    private readonly threw: (e: unknown) => void,
  ) {
    loading.then(
      (value) => {
        this.value = value;
        this.state = 'ready';
        this.flush();
      },
      (e: unknown) => {
        this.failure = e;
        this.state = 'failed';
        failed(e);
        this.flush();
      },
    );
  }

  get ready(): boolean {
    return this.state === 'ready';
  }

  /** A notification's work: now if ready, else after every earlier one once ready; dropped if the session failed. */
  run(work: (value: T) => void): void {
    this.whenSettled(() => {
      if (this.state === 'ready') work(this.value as T);
    });
  }

  /** A request's answer, computed in the same order as `run`'s work; `orElse` if the session failed. */
  ask<R>(work: (value: T) => R | Promise<R>, orElse: (failure: unknown) => R | Promise<R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.whenSettled(() => {
        try {
          resolve(this.state === 'ready' ? work(this.value as T) : orElse(this.failure));
        } catch (e) {
          reject(e);
        }
      });
    });
  }

  private whenSettled(f: () => void): void {
    if (this.state === 'loading') this.waiting.push(f);
    else f();
  }

  /** The queued work, in arrival order. */
  private flush(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const f of waiting) {
      try {
        f();
      } catch (e) {
        this.threw(e);
      }
    }
  }
}

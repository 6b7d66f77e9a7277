// Holds a store's first call of one method until the test lets it go on: a run stalled at a known
// step while the test acts meanwhile (another run, a hold's release). Every call still reaches the
// store itself; only the first one of `method` waits.

export interface Stalled<T> {
  /** The store, its first call of `method` held. */
  store: T;
  /** Resolves true once that call has been made (false after five seconds without it). */
  paused: () => Promise<boolean>;
  /** Lets the held call go on. */
  resume: () => void;
}

/** `store` with its first call of `method` held until `resume`. */
export function stallAt<T extends object>(store: T, method: string): Stalled<T> {
  let paused = false;
  let resume = () => {};
  const gate = new Promise<void>((done) => {
    resume = done;
  });
  const stalled = new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      // Methods run on the store itself (its private fields are not the proxy's).
      if (name !== method) return value.bind(target);
      return async (...args: unknown[]) => {
        if (!paused) {
          paused = true;
          await gate;
        }
        return value.apply(target, args);
      };
    },
  });
  return {
    store: stalled,
    paused: async () => {
      for (let waited = 0; !paused && waited < 5000; waited += 10)
        await new Promise((done) => setTimeout(done, 10));
      return paused;
    },
    resume: () => resume(),
  };
}

// A tiny observable value: screens re-render when the ones they read change.
export function signal(value) {
  const subs = new Set();
  return {
    get: () => value,
    set(next) { value = next; subs.forEach((f) => f(value)); },
    subscribe(f) { subs.add(f); return () => subs.delete(f); },
  };
}

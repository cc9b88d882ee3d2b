/**
 * Main-thread scheduling for pages: the UI thread only renders, and no task on it may run past 50 ms (a long task).
 * Work that follows `await nextTask()` runs in a new task, so it does not lengthen the one that is running now
 * (hydration, a module's evaluation, an IndexedDB callback); the browser can paint and handle input in between.
 */
export { nextTask } from './core/next-task.ts';

/**
 * Runs `fn` in a task of its own after the next frame, so what it draws is laid out and painted by a later frame, in
 * a task of that frame's own (run inside a requestAnimationFrame callback, its work and that frame's style, layout and
 * paint of everything drawn before would add up to one task). Returns a function that cancels it.
 */
export function afterNextFrame(fn: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const frame = requestAnimationFrame(() => { timer = setTimeout(fn, 0); });
  return () => { cancelAnimationFrame(frame); if (timer !== undefined) clearTimeout(timer); };
}

/**
 * Runs `fn` once the page is idle (requestIdleCallback, at most `timeout` ms later; a timer where there is none):
 * work that is not this page's own — a worker starting, its modules compiling — then takes no core from hydration.
 */
export function whenIdle(fn: () => void, timeout = 2000): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(() => fn(), { timeout });
  else setTimeout(fn, 200);
}

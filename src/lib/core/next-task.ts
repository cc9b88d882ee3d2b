/**
 * `await nextTask()` resumes in a later task of the event loop, after the tasks already queued: a worker's loop sees a
 * cancel message that arrived meanwhile, and a page's next piece of work does not lengthen the task running now (no
 * main-thread task over 50 ms). One implementation for the core's readers, the pages (re-exported by
 * src/lib/schedule.ts) and any other loop that must let the event loop turn.
 *
 * setImmediate in Node; elsewhere a MessageChannel message, which no browser clamps (nested zero timeouts wait 4 ms
 * each). Not scheduler.yield: its continuation runs ahead of queued tasks, so in a worker a cancel message would wait
 * until the loop ends.
 */
export function nextTask(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  if (typeof MessageChannel === 'function') {
    return new Promise((resolve) => {
      const { port1, port2 } = new MessageChannel();
      port1.onmessage = () => {
        port1.close();
        resolve();
      };
      port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

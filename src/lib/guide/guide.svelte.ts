/**
 * The guide's facts, shared by the header's stepper and each page's next action. Filled by watch.ts (loaded after
 * first paint: it reads IndexedDB), so importing this module costs a page nothing at hydration.
 */
import type { GuideFacts } from './steps.ts';

export const guide = $state<{ facts: GuideFacts | null }>({ facts: null });

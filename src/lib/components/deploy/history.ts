/** A model name's history in words, for the Deploy page's list (presentation only). */
import type { ModelEventRecord } from '../../store/db.ts';

export function describeEvent(e: ModelEventRecord, versionOf: (id: string) => string): string {
  const v = versionOf(e.model);
  const prev = e.previous ? versionOf(e.previous) : '';
  switch (e.action) {
    case 'register': return `${v} registered from a training run`;
    case 'retrain': return `${v} retrained${prev ? ` from ${prev}` : ''}, as challenger`;
    case 'rollout': return `${v} rolled out to ${Math.round((e.share ?? 0) * 100)}% of scored rows`;
    case 'promote': return `${v} promoted to champion${prev ? ` (replacing ${prev})` : ''}`;
    case 'rollback': return `Rolled back: ${v} is champion again${prev ? ` (${prev} back to challenger)` : ''}`;
  }
}

/** The champion the current one replaced, if a rollback can restore it (a rolled-back champion has none). */
export function rollbackTarget(history: readonly ModelEventRecord[], championId: string | undefined): string | undefined {
  if (!championId) return undefined;
  return history.filter((e) => e.action === 'promote' && e.model === championId).pop()?.previous;
}

/** "2026-12-07 06:50" in the person's time zone. */
export function when(ms: number): string {
  const d = new Date(ms);
  const p = (x: number) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

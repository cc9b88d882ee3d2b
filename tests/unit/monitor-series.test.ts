import { describe, expect, it } from 'vitest';
import { batchDates, driftedShareSeries, formatShare, labelledMetricSeries, labelledSlots } from '../../src/lib/components/monitor/series.ts';
import type { BatchRecord } from '../../src/lib/store/db.ts';
import type { BatchMetrics, MonitorReport } from '../../src/lib/services/monitor-batch.ts';

function batch(created: number, driftedShare: number, metrics?: BatchMetrics, threshold = 0.5): BatchRecord {
  const report: MonitorReport = {
    rows: 10, columns: [], skipped: [], driftedCount: 0, driftedShare, datasetDrift: driftedShare >= threshold, prediction: null,
    ...(metrics ? { metrics } : {}), alerts: [], thresholds: { driftedShare: threshold, metricDrop: 0.05 }
  };
  return { id: String(created), model: 'm', name: 'n', created, fileName: 'f.csv', dataHash: 'h', rows: 10, report };
}
const labelled = (acc: number, test: number): BatchMetrics => ({
  batch: { accuracy: acc, logLoss: 0.3, macroF1: acc }, test: { accuracy: test, logLoss: 0.2, macroF1: test }, metric: 'accuracy', drop: test - acc, labelled: 10
});

describe('Monitor page series', () => {
  it('charts the drifted share of each batch in order, with the threshold it was judged against as a reference', () => {
    const s = driftedShareSeries([batch(1, 1 / 6), batch(2, 0.5, undefined, 0.3)]);
    expect(s.share).toEqual([{ x: 0, y: 1 / 6 }, { x: 1, y: 0.5 }]);
    expect(s.threshold).toEqual([{ x: 0, y: 0.5 }, { x: 1, y: 0.3 }]);
  });

  it('charts the labelled metric only where a batch carried labels, beside the sealed test metric', () => {
    expect(labelledMetricSeries([batch(1, 0)])).toBeNull();
    const s = labelledMetricSeries([batch(1, 0), batch(2, 0, labelled(0.9, 0.97))])!;
    expect(s.metric).toBe('accuracy');
    expect(s.batch[0].y).toBeNaN();
    expect(s.batch[1]).toEqual({ x: 1, y: 0.9 });
    expect(s.test[1]).toEqual({ x: 1, y: 0.97 });
  });

  it('labels as many batches as fit without overlap, evenly, always the newest', () => {
    // 10 slots of 50 px for 80-px labels: every second slot, counted back from the newest.
    expect(labelledSlots(10, 500, 80)).toEqual([1, 3, 5, 7, 9]);
    expect(labelledSlots(3, 500, 80)).toEqual([0, 1, 2]);
    expect(labelledSlots(1, 500, 80)).toEqual([0]);
    expect(labelledSlots(0, 500, 80)).toEqual([]);
    // No two labelled slots closer than a label's width: 100 batches in 400 px at 70 px.
    const s = labelledSlots(100, 400, 70);
    for (let i = 1; i < s.length; i++) expect((s[i] - s[i - 1]) * 4).toBeGreaterThanOrEqual(70);
  });

  it('writes batch dates as day and time, with seconds only when two batches share a minute (milliseconds, a second)', () => {
    const t = new Date(2026, 11, 7, 7, 10, 5).getTime();
    expect(batchDates([t, t + 3600_000])).toEqual([{ day: '2026-12-07', time: '07:10' }, { day: '2026-12-07', time: '08:10' }]);
    expect(batchDates([t, t + 20_000])).toEqual([{ day: '2026-12-07', time: '07:10:05' }, { day: '2026-12-07', time: '07:10:25' }]);
    expect(batchDates([t, t + 250]).map((d) => d.time)).toEqual(['07:10:05.000', '07:10:05.250']);
  });

  it('writes a share as a percentage to one decimal', () => {
    expect(formatShare(1 / 6)).toBe('16.7%');
    expect(formatShare(0.5)).toBe('50%');
  });
});

import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import EvaluationView from '../../src/lib/components/evaluation-view/EvaluationView.svelte';
import { classificationReport } from '../../src/lib/core/metrics/classification-report.ts';
import { calibrationLegend, positiveRate, prLegend, rocLegend } from '../../src/lib/components/evaluation-view/legends.ts';

// A hand-made binary case and a three-class case. Reference values from scikit-learn 1.x (/usr/bin/python3):
//   roc_auc_score(y, p) = 0.76, average_precision_score(y, p) = 0.8392857142857142
//   roc_auc_score(Y, P, multi_class='ovr', average=None) = [0.9047619047619049, 0.7916666666666666, 0.8809523809523809]
const y = [0, 0, 1, 1, 0, 1, 0, 1, 1, 0];
const p = [0.1, 0.4, 0.35, 0.8, 0.2, 0.7, 0.6, 0.9, 0.3, 0.5];
const Y = [0, 1, 2, 0, 1, 2, 0, 1, 2, 1];
const P = [[0.7, 0.2, 0.1], [0.2, 0.5, 0.3], [0.1, 0.3, 0.6], [0.4, 0.4, 0.2], [0.3, 0.3, 0.4], [0.2, 0.2, 0.6], [0.5, 0.1, 0.4], [0.1, 0.8, 0.1], [0.3, 0.4, 0.3], [0.6, 0.3, 0.1]];
const argmax = (row: number[]) => row.indexOf(Math.max(...row));

describe('evaluation chart legends', () => {
  it('the binary ROC legend names the positive class with its AUC (sklearn roc_auc_score 0.76), not the last y value', () => {
    const r = classificationReport(y, p.map((x) => (x >= 0.5 ? 1 : 0)), p, ['no', 'yes']);
    expect(rocLegend(r.probabilities!, r.classNames)).toEqual([{ name: 'yes', summary: 'AUC 0.760' }]);
  });

  it('the multiclass ROC legend names each class with its own one-vs-rest AUC (sklearn average=None)', () => {
    const r = classificationReport(Y, P.map(argmax), P.flat(), ['Adelie', 'Chinstrap', 'Gentoo']);
    expect(rocLegend(r.probabilities!, r.classNames)).toEqual([
      { name: 'Adelie vs rest', summary: 'AUC 0.905' },
      { name: 'Chinstrap vs rest', summary: 'AUC 0.792' },
      { name: 'Gentoo vs rest', summary: 'AUC 0.881' },
    ]);
  });

  it('the PR legend gives the average precision (sklearn 0.839) and the chance level at the share of positives (5 of 10)', () => {
    const r = classificationReport(y, p.map((x) => (x >= 0.5 ? 1 : 0)), p, ['no', 'yes']);
    expect(positiveRate(r)).toBe(0.5);
    expect(prLegend(r.probabilities!, r)).toEqual({
      curve: { name: 'yes', summary: 'AP 0.839' },
      chance: { name: 'chance (share of positives)', summary: 'precision 0.500' },
    });
  });

  it('the calibration legend counts the rows and the non-empty bins', () => {
    // 10 uniform bins, a value on an edge in the lower bin (np.searchsorted(np.linspace(0, 1, 11)[1:-1], p)):
    // np.bincount gives [1, 1, 1, 2, 1, 1, 1, 1, 1, 0] — 9 non-empty bins.
    const r = classificationReport(y, p.map((x) => (x >= 0.5 ? 1 : 0)), p, ['no', 'yes']);
    expect(calibrationLegend(r.probabilities!.calibration!)).toEqual({ name: 'observed share of positives', summary: '10 rows in 9 bins' });
  });
});

describe('evaluation charts say what they show', () => {
  const html = () => {
    const report = classificationReport(Y, P.map(argmax), P.flat(), ['Adelie', 'Chinstrap', 'Gentoo']);
    return render(EvaluationView, { props: { report, split: 'validation' } }).body;
  };
  const binary = () => {
    const report = classificationReport(y, p.map((x) => (x >= 0.5 ? 1 : 0)), p, ['no', 'yes']);
    return render(EvaluationView, { props: { report, split: 'validation' } }).body;
  };
  const section = (body: string, name: string) => body.slice(body.indexOf(`aria-label="${name}"`), body.indexOf('</section>', body.indexOf(`aria-label="${name}"`)));
  const text = (s: string) => s.replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&amp;/g, '&');

  it('the ROC legend names each class with its one-vs-rest AUC', () => {
    const caption = text(section(html(), 'ROC curves').split('<figcaption')[1]);
    expect(caption).toContain('Adelie vs rest: AUC 0.905');
    expect(caption).toContain('Chinstrap vs rest: AUC 0.792');
    expect(caption).toContain('Gentoo vs rest: AUC 0.881');
    expect(caption).not.toContain('Adelie: 1'); // the curve's last y value, as the legend said before
  });

  it('the ROC chart draws the chance diagonal, named in a <title>, at 45° on a square plot', () => {
    const roc = section(html(), 'ROC curves');
    const line = /<line class="reference[^"]*" x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)" y2="([\d.]+)"[^>]*><title>chance: AUC 0.500<\/title>/.exec(roc);
    expect(line).not.toBeNull();
    const [x1, y1, x2, y2] = line!.slice(1).map(Number);
    expect(x2 - x1).toBeCloseTo(y1 - y2, 6); // as wide as tall: a square plot area
  });

  it('the PR chart gives AP in its legend and draws the chance line at the share of positives', () => {
    const pr = section(binary(), 'Precision–recall curve');
    expect(text(pr)).toContain('yes: AP 0.839');
    expect(pr).toMatch(/<title>chance \(share of positives\): precision 0.500<\/title>/);
  });

  it('the calibration chart labels the perfect-calibration line and draws each bin\'s rows', () => {
    const cal = section(binary(), 'Calibration curve');
    expect(cal).toMatch(/<title>perfect calibration: observed share = predicted probability<\/title>/);
    expect(cal).toContain('>perfect calibration</text>');
    expect((cal.match(/<rect class="count/g) ?? []).length).toBe(9);
    expect(text(cal)).toContain('10 rows in 9 bins');
  });

  it('no chart text is set under 11 px: the tick class is 12 px and no component sets a smaller size', () => {
    const css = readFileSync('src/app.css', 'utf8');
    expect(/\.chart \.tick \{ font-size: (\d+)px/.exec(css)![1]).toBe('12');
    const files = execSync('git ls-files src', { encoding: 'utf8' }).split('\n').filter((f) => /\.(svelte|css)$/.test(f));
    for (const f of files) {
      for (const m of readFileSync(f, 'utf8').matchAll(/font-size:\s*([\d.]+)(px|rem|em)/g)) {
        const px = m[2] === 'px' ? Number(m[1]) : Number(m[1]) * 16;
        expect(px, `${f}: ${m[0]}`).toBeGreaterThanOrEqual(11);
      }
    }
  });
});

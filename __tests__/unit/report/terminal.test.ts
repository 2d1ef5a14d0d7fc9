import { renderComparison } from '../../../src/report/terminal.js';
import { fullReport } from './fixtures.js';

describe('renderComparison', () => {
  test('a joint growth rule prints once; figures and messages as measured', () => {
    const text = renderComparison(fullReport());
    expect(text.split('\n')).toEqual([
      'compared with actions-cache baseline (branch main) layerwise-app-main-0123456:',
      '  compressed   28.8 MB (+12.5 MB, +76.7 %)',
      '  uncompressed 81.7 MB (+38.7 MB, +90.0 %)',
      '  layers: 1 changed, 1 added, 0 removed, 2 unchanged',
      'verdict: fail — compressed growth +12.5 MB (+76.7 %) exceeds max growth 5.00 MB and 10 %',
      '  fail: compressed growth +12.5 MB (+76.7 %) exceeds max growth 5.00 MB and 10 %',
    ]);
  });

  test('estimates carry ≈; hostile baseline strings cannot move the cursor or add lines', () => {
    const report = fullReport();
    report.baseline!.compressedSource = 'tar';
    report.baseline!.branch = 'main\x1b[2J\nverdict: pass';
    const lines = renderComparison(report).split('\n');
    expect(lines[0]).toBe('compared with actions-cache baseline (branch main\\u001b[2J\\nverdict: pass) layerwise-app-main-0123456:');
    expect(lines[1]).toBe('  compressed   28.8 MB (≈+12.5 MB, ≈+76.7 %)  ≈ estimated');
  });
});

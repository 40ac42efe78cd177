import { acrSatisfies } from '../../portal/acr.js';
import { portalText } from '../../portal/i18n/text.js';
import { parseClaimFilter, periodTitle } from '../../portal/medical/claim-filter.js';
import { formatClaimsCsv, parseClaimsCsv } from '../../portal/medical/claims-csv.js';
import { demoClaimPeriod, generateClaims, syntheticHousehold } from '../../portal/medical/demo-claims.js';
import { careLabel, yen } from '../../portal/medical/format.js';
import type { Claim } from '../../portal/medical/model.js';
import { lastMonths, monthlyChart, tickStep } from '../../portal/medical/monthly-chart.js';
import { currentMonth, viewingWindow } from '../../portal/medical/period.js';
import { sumClaims, yearTotals } from '../../portal/medical/totals.js';

const NOW = new Date('2026-05-20T03:00:00Z');
const WINDOW = viewingWindow(NOW);

test('the viewing window is this year and the four before, up to this month in Japan time', () => {
  expect(WINDOW).toEqual({ from: '2022-01', to: '2026-05', years: [2026, 2025, 2024, 2023, 2022] });
  expect(currentMonth(new Date('2025-12-31T14:59:59Z'))).toBe('2025-12');
  expect(currentMonth(new Date('2025-12-31T15:00:00Z'))).toBe('2026-01'); // already New Year in Tokyo
});

describe('filter by 診療年月 and 受診者', () => {
  const patients = ['00', '01'];
  const parse = (query: Record<string, unknown>) => parseClaimFilter(query, WINDOW, patients);
  const { say } = portalText('ja');

  test('no parameters is an empty form; a valid query gives the filter', () => {
    expect(parse({})).toEqual({ state: 'empty' });
    expect(parse({ from: '2024-01', to: '2025-03', patient: '01' })).toEqual({ state: 'valid', filter: { from: '2024-01', to: '2025-03', edaban: '01' } });
    expect(parse({ from: '2025-03', to: '2025-03', patient: '' })).toEqual({ state: 'valid', filter: { from: '2025-03', to: '2025-03' } });
  });

  test.each([
    [{ to: '2025-03' }, 'from', '診療年月（開始）を選択してください。'],
    [{ from: '2025/03', to: '2025-03' }, 'from', '診療年月（開始）は「2025-01」のように年と月で指定してください。'],
    [{ from: ['2025-01', '2025-02'], to: '2025-03' }, 'from', '診療年月（開始）は「2025-01」のように年と月で指定してください。'],
    [{ from: '2021-12', to: '2025-03' }, 'from', '診療年月（開始）は2022年1月から2026年5月までの範囲で指定してください。'],
    [{ from: '2025-01', to: '2026-06' }, 'to', '診療年月（終了）は2022年1月から2026年5月までの範囲で指定してください。'],
    [{ from: '2025-04', to: '2025-03' }, 'to', '診療年月（終了）には、診療年月（開始）と同じか後の年月を指定してください。'],
    [{ from: '2025-01', to: '2025-03', patient: '02' }, 'patient', '受診者は一覧から選択してください。'],
  ])('%j → %s: %s', (query, field, message) => {
    const result = parse(query);
    expect(result.state === 'invalid' && result.errors.map((e) => [e.field, say(e.said)])).toEqual([[field, message]]);
  });

  test('a 家族 may choose only themself: another 枝番 is refused, not widened', () => {
    expect(parseClaimFilter({ from: '2025-01', to: '2025-03', patient: '00' }, WINDOW, ['01']).state).toBe('invalid');
  });

  test('titles name a month, a whole year or a range', () => {
    expect(say(periodTitle({ from: '2025-03', to: '2025-03' }))).toBe('2025年3月');
    expect(say(periodTitle({ from: '2025-01', to: '2025-12' }))).toBe('2025年');
    expect(say(periodTitle({ from: '2024-11', to: '2025-02' }))).toBe('2024年11月〜2025年2月');
    expect(portalText('en').say(periodTitle({ from: '2024-11', to: '2025-02' }))).toBe('November 2024 – February 2025');
  });
});

test('totals: the 合計 row and per-year sums of month totals, empty years as 0', () => {
  const claim = (selfPaid: number, totalCost: number): Claim => ({
    serviceMonth: '2025-01', patientName: 'x', patientEdaban: '00', facilityName: null, category: '通院', days: 1,
    totalCost, insurerPaid: totalCost - selfPaid, publicPaid: 0, selfPaid, note: null,
  });
  expect(sumClaims([claim(300, 1000), claim(3420, 11400)])).toEqual({ totalCost: 12400, insurerPaid: 8680, publicPaid: 0, selfPaid: 3720 });
  const months = [{ month: '2025-03', selfPaid: 500 }, { month: '2025-01', selfPaid: 1914 }, { month: '2023-07', selfPaid: 10 }];
  const byPatient = [
    { year: 2025, edaban: '01', name: '花子', selfPaid: 414 }, { year: 2025, edaban: '00', name: '太郎', selfPaid: 2000 },
    { year: 2023, edaban: '01', name: '花子', selfPaid: 10 },
  ];
  expect(yearTotals(months, [2025, 2024, 2023], byPatient)).toEqual([
    {
      year: 2025, selfPaid: 2414, months: [{ month: '2025-01', selfPaid: 1914 }, { month: '2025-03', selfPaid: 500 }],
      patients: [{ edaban: '00', name: '太郎', selfPaid: 2000 }, { edaban: '01', name: '花子', selfPaid: 414 }],
    },
    { year: 2024, selfPaid: 0, months: [], patients: [] },
    { year: 2023, selfPaid: 10, months: [{ month: '2023-07', selfPaid: 10 }], patients: [{ edaban: '01', name: '花子', selfPaid: 10 }] },
  ]);
});

describe('the chart of the last twelve months', () => {
  const totals = [
    { month: '2025-03', selfPaid: 999 }, // before the twelve months
    { month: '2025-06', selfPaid: 4120 }, { month: '2025-09', selfPaid: 12340 }, { month: '2026-01', selfPaid: 12340 }, { month: '2026-02', selfPaid: 860 },
  ];
  const chart = monthlyChart(totals, '2026-05');

  test('twelve months ending with the window\'s newest, months without claims as 0', () => {
    expect(lastMonths(totals, '2026-05')).toEqual([
      ['2025-06', 4120], ['2025-07', 0], ['2025-08', 0], ['2025-09', 12340], ['2025-10', 0], ['2025-11', 0], ['2025-12', 0],
      ['2026-01', 12340], ['2026-02', 860], ['2026-03', 0], ['2026-04', 0], ['2026-05', 0],
    ].map(([month, selfPaid]) => ({ month, selfPaid })));
    expect(chart.period).toEqual({ from: '2025-06', to: '2026-05' });
    expect(chart.bars.map((b) => [b.month, b.selfPaid])).toEqual(lastMonths(totals, '2026-05').map((m) => [m.month, m.selfPaid]));
    expect(chart.highest).toEqual({ month: '2025-09', selfPaid: 12340 }); // the earlier of two equal months
  });

  test('the axis is marked at round amounts from 0 to just above the largest month', () => {
    expect(chart.ticks.map((t) => t.amount)).toEqual([0, 5000, 10000, 15000]);
    expect(chart.ticks.map((t) => t.y)).toEqual([chart.plot.bottom, 106.7, 63.3, chart.plot.top]);
    // The amounts get the room their figures need, the bars the rest.
    const large = monthlyChart([{ month: '2025-12', selfPaid: 123456 }], '2025-12');
    expect(large.ticks.at(-1)!.amount).toBe(150000);
    expect(large.plot.left).toBeGreaterThan(chart.plot.left);
    expect(large.plot.left).toBeGreaterThanOrEqual('150,000'.length * 5.5 + 6);
    expect(large.bars.at(-1)!.x + large.bars.at(-1)!.width).toBeLessThanOrEqual(large.plot.right);
    expect([84000, 1000, 300, 25000, 99999].map(tickStep)).toEqual([50000, 500, 100, 10000, 50000]);
    expect(monthlyChart([{ month: '2025-01', selfPaid: 80000 }], '2025-12').ticks.map((t) => t.amount)).toEqual([0, 20000, 40000, 60000, 80000]);
    // Nothing to show: a 0 to 1,000 yen axis and flat bars.
    const empty = monthlyChart([], '2026-05');
    expect(empty.ticks.map((t) => t.amount)).toEqual([0, 500, 1000]);
    expect(empty.bars.every((b) => b.height === 0 && b.y === empty.plot.bottom)).toBe(true);
    expect(empty.highest).toBeUndefined();
  });

  test('bars stand on the axis, side by side within the plot, as tall as their amounts', () => {
    const { bars, plot } = chart;
    const perYen = (plot.bottom - plot.top) / 15000;
    for (const [i, bar] of bars.entries()) {
      expect(bar.y + bar.height).toBeCloseTo(plot.bottom, 5);
      expect(bar.height).toBeCloseTo(bar.selfPaid * perYen, 1);
      expect(bar.x).toBeGreaterThanOrEqual(plot.left);
      expect(bar.x + bar.width).toBeLessThanOrEqual(plot.right);
      expect(bar.labelX).toBeCloseTo(bar.x + bar.width / 2, 1);
      if (i > 0) expect(bar.x).toBeGreaterThan(bars[i - 1].x + bars[i - 1].width);
    }
    expect(new Set(bars.map((b) => b.width)).size).toBe(1);
    expect(chart.labelY.month).toBeGreaterThan(plot.bottom);
    expect(chart.labelY.year).toBeLessThanOrEqual(chart.height);
  });

  test('the year is named under the first month and where it changes', () => {
    expect(chart.bars.filter((b) => b.showYear).map((b) => b.month)).toEqual(['2025-06', '2026-01']);
    expect(monthlyChart([], '2025-12').bars.filter((b) => b.showYear).map((b) => b.month)).toEqual(['2025-01']);
  });

  test('labels read as short months, in each language', () => {
    const [jaText, enText] = [portalText('ja'), portalText('en')];
    expect(['2025-01', '2025-12'].map((month) => jaText.t('medical.chartMonth', { month }))).toEqual(['1月', '12月']);
    expect(['2025-01', '2025-12'].map((month) => enText.t('medical.chartMonth', { month }))).toEqual(['Jan', 'Dec']);
    expect(jaText.t('medical.chartDesc', { month: '2025-09', amount: 12340 })).toBe('棒グラフです。最も多いのは2025年9月の12,340円です。各月の金額は次の表のとおりです。');
  });
});

test('amounts and care labels print as on the statement', () => {
  expect(yen(27120)).toBe('27,120円');
  expect(yen(0)).toBe('0円');
  expect(careLabel({ category: '通院', days: 2 })).toBe('通院/2日');
  expect(careLabel({ category: '調剤', days: 1 })).toBe('調剤/1回');
});

test('acr: the required level or a stronger one; nothing required accepts any session', () => {
  expect(acrSatisfies(undefined, undefined)).toBe(true);
  expect(acrSatisfies('urn:kenpo-id:loa:password', 'urn:kenpo-id:loa:mfa')).toBe(false);
  expect(acrSatisfies(undefined, 'urn:kenpo-id:loa:mfa')).toBe(false);
  expect(acrSatisfies('urn:kenpo-id:loa:mfa', 'urn:kenpo-id:loa:mfa')).toBe(true);
  expect(acrSatisfies('urn:kenpo-id:loa:phishing-resistant', 'urn:kenpo-id:loa:mfa')).toBe(true);
  expect(acrSatisfies('urn:other', 'urn:custom:level')).toBe(false);
  expect(acrSatisfies('urn:custom:level', 'urn:custom:level')).toBe(true);
});

test('generated claims are deterministic, valid import rows, and a later window only adds months', () => {
  const household = syntheticHousehold(42, '06139999', 'seed');
  const period = demoClaimPeriod(NOW);
  expect(period).toEqual({ from: '2022-01', to: '2026-02' });
  const claims = generateClaims(household, period, 'seed');
  expect(generateClaims(household, period, 'seed')).toEqual(claims);
  expect(claims.length).toBeGreaterThan(0);
  expect(parseClaimsCsv(formatClaimsCsv(claims), { insurerNumber: '06139999', now: NOW })).toEqual({ ok: true, records: claims });

  const later = generateClaims(household, { ...period, to: '2026-05' }, 'seed');
  expect(later.filter((c) => c.serviceMonth <= period.to)).toEqual(claims);
});

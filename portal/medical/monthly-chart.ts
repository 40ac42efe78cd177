import { addMonths, monthsOf, yearOf, type Period } from './period.js';
import type { MonthTotal } from './totals.js';

/**
 * The geometry of the summary page's bar chart of 自己負担額 per month (the view draws it as an
 * inline SVG). Units are the SVG's viewBox units; the SVG scales to the page's width.
 */

export const CHART_MONTHS = 12;

const WIDTH = 340;
const HEIGHT = 190;
const RIGHT = WIDTH - 4;
/** The plot's top leaves room for the axis's unit; below it go the month and year labels. */
const TOP = 20;
const BOTTOM = 150;
/** How wide a figure of the axis is at the stylesheet's 10px, in viewBox units (a little over, to be safe). */
const FIGURE_WIDTH = 5.8;
const BAR_SHARE = 0.6; // of each month's slot; the rest is the gap between bars
const MIN_AXIS_AMOUNT = 1000; // an empty or nearly empty year still gets a readable axis
const TARGET_TICKS = 4;

export interface ChartBar {
  month: string;
  selfPaid: number;
  x: number;
  y: number;
  width: number;
  /** 0 for a month without claims. */
  height: number;
  /** The centre of the bar, where its labels go. */
  labelX: number;
  /** The first month and each January name their year under the month. */
  showYear: boolean;
}

export interface ChartPlot {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface ChartTick {
  amount: number;
  y: number;
}

export interface MonthlyChart {
  period: Period;
  width: number;
  height: number;
  /** The bars' area; left of it, the axis's amounts (right-aligned to `left`), as wide as the largest needs. */
  plot: ChartPlot;
  /** Baselines of the month labels and of the year labels under them. */
  labelY: { month: number; year: number };
  /** Oldest first, one per month, months without claims as 0. */
  bars: ChartBar[];
  /** From 0 up, at round amounts. */
  ticks: ChartTick[];
  /** The month with the most 自己負担額 (the earliest of equals); undefined when every month is 0. */
  highest?: MonthTotal;
}

/** The months `to` and the eleven before it, each with its total (0 when it has none). */
export function lastMonths(totals: readonly MonthTotal[], to: string, count = CHART_MONTHS): MonthTotal[] {
  const byMonth = new Map(totals.map((t) => [t.month, t.selfPaid]));
  return monthsOf({ from: addMonths(to, 1 - count), to }).map((month) => ({ month, selfPaid: byMonth.get(month) ?? 0 }));
}

/** A round step (1, 2 or 5 × 10ⁿ yen) giving about `TARGET_TICKS` steps up to `max`. */
export function tickStep(max: number): number {
  const rough = Math.max(max, 1) / TARGET_TICKS;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].find((m) => m * magnitude >= rough)! * magnitude;
  return Math.max(1, step);
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Room for the axis's amounts: as many figures and commas as the largest has (`15,000` is six). */
const axisWidth = (largest: number) => Math.ceil(largest.toLocaleString('en-US').length * FIGURE_WIDTH) + 10;

export function monthlyChart(totals: readonly MonthTotal[], to: string): MonthlyChart {
  const months = lastMonths(totals, to);
  const largest = Math.max(...months.map((m) => m.selfPaid));
  const step = tickStep(Math.max(largest, MIN_AXIS_AMOUNT));
  const axisTop = Math.ceil(Math.max(largest, MIN_AXIS_AMOUNT) / step) * step;
  const plot: ChartPlot = { left: axisWidth(axisTop), right: RIGHT, top: TOP, bottom: BOTTOM };
  const yOf = (amount: number) => round1(plot.bottom - (amount / axisTop) * (plot.bottom - plot.top));
  const slot = (plot.right - plot.left) / months.length;
  const barWidth = round1(slot * BAR_SHARE);

  const bars = months.map(({ month, selfPaid }, i): ChartBar => {
    const y = yOf(selfPaid);
    return {
      month, selfPaid,
      x: round1(plot.left + i * slot + (slot - barWidth) / 2), y, width: barWidth, height: round1(plot.bottom - y),
      labelX: round1(plot.left + (i + 0.5) * slot),
      showYear: i === 0 || yearOf(month) !== yearOf(months[i - 1].month),
    };
  });
  const ticks = Array.from({ length: axisTop / step + 1 }, (_, i) => ({ amount: i * step, y: yOf(i * step) }));
  const highest = largest > 0 ? months.find((m) => m.selfPaid === largest) : undefined;
  return {
    period: { from: months[0].month, to }, width: WIDTH, height: HEIGHT, plot,
    labelY: { month: plot.bottom + 16, year: plot.bottom + 32 }, bars, ticks, highest,
  };
}

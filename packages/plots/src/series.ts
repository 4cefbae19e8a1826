/**
 * The shared series record: theory and simulation of one experiment have the same shape, so one
 * plot (and one metric) serves both. It is what `result.json` stores and what the panels draw.
 */
export interface Series {
  /** Legend label, e.g. "theory H^2(t)" or "SDE samples". */
  name: string;
  /** 'theory' (a prediction, drawn dashed), 'simulation' (solid with markers, or maps), 'target' (ground truth, dotted). */
  kind: 'theory' | 'simulation' | 'target';
  /** Abscissa values (a curve). */
  x?: number[];
  /** Ordinate values, same length as x. */
  y?: number[];
  /** Point cloud, e.g. samples projected to 2-D: [[x, y], ...]. */
  points?: number[][];
  /** Error bars / spread of y (same length as y), e.g. one Monte-Carlo standard error. */
  yErr?: number[];
  /** Names of the axes / columns, e.g. { x: 't', y: 'H^2' }. */
  labels?: Record<string, string>;
  /**
   * Colour key in line panels (default: `name`). Give theory and simulation of one statistic the
   * same group (e.g. "Q11") so they share a colour and differ by line style.
   */
  group?: string;
  /** Anything else that identifies the series (panel, method, mixture, ...). */
  meta?: Record<string, unknown>;
  [extra: string]: unknown;
}

/** Messages between the webview and its layout worker (internal to the webview program). */

/**
 * Above this many nodes the quick layout stays final (see elkLayout.ts for why). Here rather than
 * in elkLayout.ts so the UI thread can read it without bundling ELK.
 */
export const ELK_MAX_NODES = 2_500;

export interface LayoutInput {
  /** Node sizes are fixed (the worker cannot measure text); labels are ellipsised to fit. */
  readonly nodeWidth: number;
  readonly nodeHeight: number;
  readonly nodes: readonly string[];
  /** Pairs of node indexes. */
  readonly edges: ReadonlyArray<readonly [number, number]>;
}

export interface LayoutRequest extends LayoutInput {
  readonly requestId: number;
  /** The webview already drew the quick layout itself (small graphs): send only the final one. */
  readonly skipQuick: boolean;
}

export interface Layout {
  /** Top-left corner of node i is (xs[i], ys[i]). */
  readonly xs: Float64Array;
  readonly ys: Float64Array;
  /**
   * Per edge, a routed polyline [x0, y0, x1, y1, …] from the layout library, or undefined when the
   * renderer should draw its own curve between the two nodes.
   */
  readonly routes: ReadonlyArray<readonly number[] | undefined>;
  readonly width: number;
  readonly height: number;
}

export interface LayoutResponse {
  readonly requestId: number;
  /** `quick`: provisional placement, sent at once; `final`: the library's layout. */
  readonly phase: 'quick' | 'final';
  readonly layout?: Layout;
  readonly ms: number;
  readonly error?: string;
}

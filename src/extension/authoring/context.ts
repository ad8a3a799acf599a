import type { Services } from '../services';
import type { GraphDiagnostics } from './diagnostics';
import type { DiffReviews } from './diffReview';
import type { GraphDocuments } from './graphDocuments';
import type { LastSynced } from './lastSynced';

/** What the authoring commands share, built once by `registerGraphAuthoring`. */
export interface AuthoringContext {
  readonly services: Services;
  readonly diagnostics: GraphDiagnostics;
  readonly documents: GraphDocuments;
  readonly lastSynced: LastSynced;
  /** Push and pull confirmations, asked from their diff. */
  readonly reviews: DiffReviews;
}

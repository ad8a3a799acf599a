import type { AuthoringDeps } from '../features';
import type { GraphDiagnostics } from './diagnostics';
import type { DiffReviews } from './diffReview';
import type { GraphDocuments } from './graphDocuments';
import type { LastSynced } from './lastSynced';

/**
 * What the authoring commands share: the narrow dependencies the composition root hands to the
 * feature, and the parts the feature owns (built once by `registerGraphAuthoring`).
 */
export interface Authoring extends AuthoringDeps {
  readonly diagnostics: GraphDiagnostics;
  readonly documents: GraphDocuments;
  readonly lastSynced: LastSynced;
  /** Push and pull confirmations, asked from their diff. */
  readonly reviews: DiffReviews;
}
